import { parse } from '@cdktf/hcl2json';
import type { BenchParser } from './types.js';

/** @cdktf/hcl2json: HashiCorp's Go HCL parser compiled to wasm, returning JSON without positions. */
export const hcl2jsonParser: BenchParser = {
  name: '@cdktf/hcl2json',
  how: '@cdktf/hcl2json 0.21 (hashicorp/hcl in Go, compiled to wasm; JSON output, no positions)',
  async parse(file, text) {
    try {
      await parse(file, text);
      return 0;
    } catch {
      return 1;
    }
  },
};
