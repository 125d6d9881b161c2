import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ParseResult, Range } from '../src/iac/hcl/ast.js';
import { parseTfJson } from '../src/iac/hcl/json-syntax.js';
import { parseHcl } from '../src/iac/hcl/parser.js';
import { decodeSource } from '../src/iac/hcl/source.js';

/** Every diagnostic range lies inside the text, starts before it ends, and agrees with its offsets. */
function expectValidDiagnostics(text: string, r: ParseResult): void {
  const lineStarts = [0];
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) lineStarts.push(k + 1);
  const check = (range: Range): void => {
    for (const p of [range.start, range.end]) {
      expect(p.offset).toBeGreaterThanOrEqual(0);
      expect(p.offset).toBeLessThanOrEqual(text.length);
      expect(p.column).toBe(p.offset - lineStarts[p.line - 1]! + 1);
      expect(p.column).toBeGreaterThanOrEqual(1);
    }
    expect(range.start.offset).toBeLessThanOrEqual(range.end.offset);
  };
  for (const d of r.diagnostics) {
    check(d.range);
    expect(d.summary.length).toBeGreaterThan(0);
    expect(d.detail.length).toBeGreaterThan(0);
  }
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const sharedData = process.env['OPSDECK_SHARED_DATA'] ?? path.resolve(repoRoot, '../shared/data');
const tarball = path.join(sharedData, 'terraform-corpus.tar.gz');
const available = existsSync(tarball);
if (!available) {
  if (process.env['CI'] === 'true') throw new Error(`shared data missing in CI: ${tarball}`);
  console.warn(`skipping corpus mutations in the HCL fuzz test: ${tarball} not found`);
}

function listTf(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) listTf(p, out);
    else if (name.endsWith('.tf')) out.push(p);
  }
  return out;
}

const HCL_PIECES = [
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '"',
  '${',
  '%{',
  '~}',
  '<<EOT\n',
  '<<-EOT\n',
  '\nEOT\n',
  '\n',
  ' = ',
  ':',
  '?',
  '...',
  '.*',
  '[*]',
  'for ',
  ' in ',
  ' if ',
  'endif',
  'endfor',
  '#',
  '//',
  '/*',
  '*/',
  '\\',
  '\\u12',
  'resource',
  '"x"',
  'a',
  '1e',
  '0.5',
  '=>',
  '&&',
  '!',
  '-',
  '\u0000',
  '\uFFFD',
  '\uD800',
  '😀',
  "'",
];

describe('HCL parser robustness', () => {
  it('never throws on random strings and returns valid diagnostic ranges', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'grapheme-ascii' }), (s) => {
        const r = parseHcl(s, 'rand.tf');
        expectValidDiagnostics(s, r);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random sequences of HCL punctuation and keywords', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...HCL_PIECES), { maxLength: 120 }), (pieces) => {
        const s = pieces.join('');
        expectValidDiagnostics(s, parseHcl(s, 'pieces.tf'));
        expectValidDiagnostics(s, parseTfJson(s, 'pieces.tf.json'));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes decoded with decodeSource', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const { text, diagnostics } = decodeSource(bytes, 'bytes.tf');
        for (const d of diagnostics) expect(d.range.start.offset).toBeLessThanOrEqual(text.length);
        expectValidDiagnostics(text, parseHcl(text, 'bytes.tf'));
      }),
      { numRuns: 300 },
    );
  });

  describe.skipIf(!available)('mutations of real corpus files', () => {
    const dir = available ? mkdtempSync(path.join(tmpdir(), 'opsdeck-hcl-fuzz-')) : '';
    if (available) execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    afterAll(() => {
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    });
    const sources = available
      ? listTf(dir)
          .map((f) => readFileSync(f, 'utf8'))
          .filter((t) => t.length > 200 && t.length < 20_000)
          .slice(0, 120)
      : [];

    it('never throws when characters of real files are deleted, inserted or replaced', () => {
      const mutation = fc.record({
        file: fc.nat({ max: Math.max(0, sources.length - 1) }),
        edits: fc.array(
          fc.record({
            at: fc.double({ min: 0, max: 1, noNaN: true }),
            del: fc.nat({ max: 8 }),
            ins: fc.constantFrom(...HCL_PIECES, ''),
          }),
          { minLength: 1, maxLength: 6 },
        ),
      });
      fc.assert(
        fc.property(mutation, ({ file, edits }) => {
          let s = sources[file]!;
          for (const e of edits) {
            const at = Math.floor(e.at * s.length);
            s = s.slice(0, at) + e.ins + s.slice(at + e.del);
          }
          const r = parseHcl(s, 'mutated.tf');
          expectValidDiagnostics(s, r);
        }),
        { numRuns: 300 },
      );
    });

    it('keeps the other blocks of a file when one argument line is broken', () => {
      let kept = 0;
      let total = 0;
      let broken = 0;
      for (const text of sources.slice(0, 60)) {
        const lines = text.split('\n');
        // A simple argument line inside a block (not in a heredoc): `  name = value`.
        const at = lines.findIndex((l) => /^ {2}[a-z_]+ += [^<]*$/.test(l));
        if (at < 0) continue;
        lines[at] = '  broken = = ]';
        const after = parseHcl(lines.join('\n'), 'b.tf');
        expect(after.diagnostics.length).toBeGreaterThan(0);
        broken++;
        const before = parseHcl(text, 'a.tf').file.body.blocks.length;
        total += before;
        kept += Math.min(before, after.file.body.blocks.length);
      }
      expect(broken).toBeGreaterThan(20);
      expect(kept / total).toBeGreaterThan(0.95);
    });
  });
});

describe('HCL parser on pathological input', () => {
  it('parses a 50 MB file', () => {
    // Shaped like the big files seen in practice: resources carrying large embedded documents.
    const script = `#!/bin/sh\n${'echo "provisioning step ${var.env}" >> /var/log/boot.log\n'.repeat(800)}`;
    const unit = `resource "aws_instance" "i" {\n  ami       = "ami-123"\n  user_data = <<-EOT\n${script}EOT\n  tags      = { Name = "n" }\n}\n`;
    const copies = Math.ceil(50_000_000 / unit.length);
    const text = unit.repeat(copies);
    expect(text.length).toBeGreaterThanOrEqual(50_000_000);
    const r = parseHcl(text, 'big.tf');
    expect(r.diagnostics).toEqual([]);
    expect(r.file.body.blocks.length).toBe(copies);
    const last = r.file.body.blocks[copies - 1]!;
    expect(last.range.end.line).toBe(copies * (unit.split('\n').length - 1));
  }, 600_000);

  it('reports binary garbage briefly instead of per byte', () => {
    let seed = 7;
    const bytes = new Uint8Array(200_000);
    for (let k = 0; k < bytes.length; k++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      bytes[k] = seed & 0xff;
    }
    const { text, diagnostics } = decodeSource(bytes, 'garbage.bin');
    expect(diagnostics[0]!.summary).toBe('Invalid UTF-8');
    const r = parseHcl(text, 'garbage.bin');
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.length).toBeLessThanOrEqual(102);
    expectValidDiagnostics(text, r);
  });

  it.each([
    ['NUL bytes', 'a = 1\u0000\u0000\nb = 2\n', 'Invalid character'],
    ['an unterminated string', 'a = "abc', 'Unterminated template string'],
    ['an unterminated heredoc', 'a = <<EOT\nabc', 'Unterminated template string'],
    ['an unterminated block comment', '/* abc', 'Unterminated comment'],
    ['an unterminated block', 'a {', 'Unclosed configuration block'],
    ['an unterminated tuple', 'a = [1, 2', 'Unterminated tuple constructor expression'],
    ['an unterminated object', 'a = { b = 1', 'Unterminated object constructor expression'],
    ['an unterminated call', 'a = f(1, 2', 'Unterminated function call'],
    ['an unterminated interpolation', 'a = "${', 'Unterminated template string'],
    ['a lone heredoc opener', 'a = <<', 'Invalid expression'],
  ])('reports %s', (_name, text, summary) => {
    const r = parseHcl(text, 'p.tf');
    expect(r.diagnostics.map((d) => d.summary)).toContain(summary);
    expectValidDiagnostics(text, r);
  });

  it.each([
    ['brackets', (n: number) => `a = ${'['.repeat(n)}`],
    ['parentheses', (n: number) => `a = ${'('.repeat(n)}1${')'.repeat(n)}`],
    ['objects', (n: number) => `a = ${'{a = '.repeat(n)}1${'}'.repeat(n)}`],
    ['unary operators', (n: number) => `a = ${'!'.repeat(n)}true`],
    ['conditionals', (n: number) => `a = ${'x ? 1 : '.repeat(n)}2`],
    ['interpolations', (n: number) => `a = ${'"${'.repeat(n)}x${'}"'.repeat(n)}`],
    ['blocks', (n: number) => `${'b {\n'.repeat(n)}${'}\n'.repeat(n)}`],
  ])('survives 10,000-deep nested %s with a depth diagnostic', (_name, make) => {
    const text = make(10_000);
    const r = parseHcl(text, 'deep.tf');
    expect(r.diagnostics.map((d) => d.summary)).toContain('Nesting too deep');
    expectValidDiagnostics(text, r);
  });
});
