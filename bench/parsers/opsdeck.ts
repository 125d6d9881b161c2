import { parseHcl } from '../../src/iac/hcl/parser.js';
import type { BenchParser } from './types.js';

export const opsdeckParser: BenchParser = {
  name: 'opsdeck parseHcl',
  how: 'TypeScript, in process, full AST with ranges',
  parse(file, text) {
    return parseHcl(text, file).diagnostics.length > 0 ? 1 : 0;
  },
};
