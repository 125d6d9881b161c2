import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRulesDoc } from '../src/policy/rules-doc.js';
import { builtinRules } from '../src/policy/rules/index.js';

const root = path.resolve(import.meta.dirname, '..');

describe('docs/rules.md', () => {
  it('is up to date with the rule metadata (run `npm run docs:rules` to regenerate)', () => {
    const expected = renderRulesDoc(builtinRules.map((r) => r.meta));
    expect(readFileSync(path.join(root, 'docs/rules.md'), 'utf8')).toBe(expected);
  });

  it('documents every rule under its own heading', () => {
    const doc = renderRulesDoc(builtinRules.map((r) => r.meta));
    for (const r of builtinRules) expect(doc).toContain(`### ${r.meta.id}\n`);
  });
});
