import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHcl } from '../src/iac/hcl/parser.js';

const dir = fileURLToPath(new URL('./fixtures/hcl/', import.meta.url));
const valid = readdirSync(`${dir}valid`).filter((f) => f.endsWith('.tf'));
const invalid = readdirSync(`${dir}invalid`).filter((f) => f.endsWith('.tf'));

describe('HCL fixtures', () => {
  it('has fixtures to check', () => {
    expect(valid.length).toBeGreaterThanOrEqual(3);
    expect(invalid.length).toBeGreaterThanOrEqual(10);
  });

  it.each(valid)('parses valid/%s without diagnostics', (name) => {
    const r = parseHcl(readFileSync(`${dir}valid/${name}`, 'utf8'), name);
    expect(r.diagnostics).toEqual([]);
    expect(r.file.body.blocks.length + r.file.body.attributes.length).toBeGreaterThan(0);
  });

  it.each(invalid)('reports the expected first diagnostic for invalid/%s', (name) => {
    const expected = JSON.parse(
      readFileSync(`${dir}invalid/${name.replace(/\.tf$/, '.expected.json')}`, 'utf8'),
    ) as {
      summary: string;
      line: number;
      column: number;
    };
    const r = parseHcl(readFileSync(`${dir}invalid/${name}`, 'utf8'), `invalid/${name}`);
    const d = r.diagnostics[0];
    expect(d, 'a diagnostic').toBeDefined();
    expect({ summary: d!.summary, line: d!.range.start.line, column: d!.range.start.column }).toEqual(
      expected,
    );
    expect(d!.range.file).toBe(`invalid/${name}`);
  });

  it('keeps the blocks after an unclosed block', () => {
    const r = parseHcl(readFileSync(`${dir}invalid/unclosed-block.tf`, 'utf8'), 'unclosed-block.tf');
    expect(r.file.body.blocks.map((b) => b.labels[1])).toEqual(['a', 'b']);
  });

  it('reads the suppression comments of the comments fixture', () => {
    const r = parseHcl(readFileSync(`${dir}valid/comments-and-one-line.tf`, 'utf8'), 'c.tf');
    expect(r.file.comments.map((c) => [c.style, c.range.start.line])).toEqual([
      ['/*', 1],
      ['#', 3],
      ['//', 5],
      ['#', 7],
    ]);
    expect(r.file.comments[2]!.text).toContain('opsdeck:ignore AWS_EC2_PUBLIC_IP');
  });
});
