import { describe, expect, it } from 'vitest';
import { OpsdeckError } from '../../core/errors.js';
import { decodeSource } from './source.js';
import { ensureValidHcl, isValidHcl } from './validate.js';

describe('ensureValidHcl and isValidHcl', () => {
  it('returns the parsed file for valid HCL and JSON', () => {
    expect(ensureValidHcl('a = 1\n', 'ok.tf').body.attributes[0]!.name).toBe('a');
    expect(ensureValidHcl('{"locals": {"a": 1}}', 'ok.tf.json').body.blocks[0]!.type).toBe('locals');
    expect(isValidHcl('a = 1\n', 'ok.tf')).toBe(true);
  });

  it('throws OPSDECK_E_HCL_SYNTAX naming every error with file:line:column', () => {
    let caught: unknown;
    try {
      ensureValidHcl('a = [1 2]\nb = \n', 'bad.tf');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(OpsdeckError);
    const e = caught as OpsdeckError;
    expect(e.code).toBe('OPSDECK_E_HCL_SYNTAX');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^bad\.tf:1:8: error: Missing item separator/);
    expect(e.details.map((d) => d.path)).toEqual(['bad.tf:1:8', 'bad.tf:2:5']);
    expect(isValidHcl('a = [1 2]\n', 'bad.tf')).toBe(false);
    expect(isValidHcl('{"a": }', 'bad.tf.json')).toBe(false);
  });
});

describe('decodeSource', () => {
  it('decodes valid UTF-8 without diagnostics', () => {
    const r = decodeSource(new TextEncoder().encode('a = "é"\n'), 'u.tf');
    expect(r).toEqual({ text: 'a = "é"\n', diagnostics: [] });
  });

  it('reports the line, column and byte offset of the first invalid byte', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('a = 1\nb = "é'), 0xff, 0x22, 0x0a]);
    const r = decodeSource(bytes, 'bad.tf');
    expect(r.text).toBe('a = 1\nb = "é\uFFFD"\n');
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0]!;
    expect(d.summary).toBe('Invalid UTF-8');
    expect(d.range.start).toEqual({ line: 2, column: 7, offset: 12 });
    expect(d.detail).toContain('0xFF at byte offset 13');
  });

  it.each([
    ['a truncated sequence', [0x61, 0xe2, 0x82]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
  ])('reports %s', (_name, bytes) => {
    const r = decodeSource(new Uint8Array(bytes), 'x.tf');
    expect(r.diagnostics.map((d) => d.summary)).toEqual(['Invalid UTF-8']);
  });
});
