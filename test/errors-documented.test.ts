import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/core/errors.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');

describe('the error registry', () => {
  it.each(Object.entries(ERROR_CODES))('documents %s with its HTTP status and exit code', (code, e) => {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
    expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
    const cells = row!.split('|').map((c) => c.trim());
    expect(Number(cells[2])).toBe(e.status);
    expect(Number(cells[3])).toBe(e.exit);
  });

  it('documents no code that the registry lacks', () => {
    const documented = [...doc.matchAll(/^\| `(OPSDECK_E_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.filter((c) => !(c! in ERROR_CODES))).toEqual([]);
  });
});
