import { createRequire } from 'node:module';
import type { BenchParser } from './types.js';

interface TsNode {
  hasError: boolean;
}
interface TsParser {
  setLanguage(lang: unknown): void;
  parse(input: string | ((index: number) => string | null)): { rootNode: TsNode };
}

/**
 * tree-sitter-hcl through the `tree-sitter` native Node binding (compiled from source on
 * install). Returns undefined with the reason when the binding cannot load.
 */
export function loadTreeSitterHcl(): { parser: BenchParser } | { error: string } {
  const require = createRequire(import.meta.url);
  try {
    const Parser = require('tree-sitter') as new () => TsParser;
    const hcl = require('@tree-sitter-grammars/tree-sitter-hcl') as unknown;
    const p = new Parser();
    p.setLanguage(hcl);
    return {
      parser: {
        name: 'tree-sitter-hcl',
        how: 'tree-sitter 0.25 native binding + @tree-sitter-grammars/tree-sitter-hcl 1.2 (concrete syntax tree with positions)',
        parse(_file, text) {
          // The binding takes strings up to 32 KiB directly; longer input goes through a reader.
          const tree =
            text.length < 32_000
              ? p.parse(text)
              : p.parse((index: number) => (index < text.length ? text.slice(index, index + 16_384) : null));
          return tree.rootNode.hasError ? 1 : 0;
        },
      },
    };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
