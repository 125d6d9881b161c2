import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../src/iac/hcl/ast.js';
import { formatDiagnostic, parseHcl } from '../src/iac/hcl/parser.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const sharedData = process.env['OPSDECK_SHARED_DATA'] ?? path.resolve(repoRoot, '../shared/data');
const tarball = path.join(sharedData, 'terraform-corpus.tar.gz');
const available = existsSync(tarball);
if (!available) {
  if (process.env['CI'] === 'true') throw new Error(`shared data missing in CI: ${tarball}`);
  console.warn(`skipping the HCL corpus test: ${tarball} not found (set OPSDECK_SHARED_DATA)`);
}

function listTf(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) listTf(p, out);
    else if (name.endsWith('.tf')) out.push(p);
  }
  return out;
}

/** Line of the first occurrence of `needle`, counted independently of the parser. */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`not found: ${needle}`);
  return text.slice(0, at).split('\n').length;
}

describe.skipIf(!available)('HCL parser on the real Terraform corpus', () => {
  const dir = available ? mkdtempSync(path.join(tmpdir(), 'opsdeck-hcl-corpus-')) : '';
  if (available) execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });
  const read = (rel: string): string => readFileSync(path.join(dir, rel), 'utf8');

  it('parses all 1,051 files with zero error diagnostics', () => {
    const files = listTf(dir);
    expect(files).toHaveLength(1051);
    const errors: Diagnostic[] = [];
    let blocks = 0;
    for (const f of files) {
      const r = parseHcl(readFileSync(f, 'utf8'), path.relative(dir, f));
      errors.push(...r.diagnostics.filter((d) => d.severity === 'error'));
      blocks += r.file.body.blocks.length;
    }
    expect(errors.map(formatDiagnostic)).toEqual([]);
    expect(blocks).toBeGreaterThan(5000);
  });

  it('places a terragoat bucket at line 1 and its attributes on their lines', () => {
    const text = read('terragoat/terraform/aws/s3.tf');
    const r = parseHcl(text, 's3.tf');
    const data = r.file.body.blocks.find((b) => b.labels.join('.') === 'aws_s3_bucket.data')!;
    expect(data.range.start).toEqual({ line: 1, column: 1, offset: 0 });
    expect(data.labelRanges[1]!.start).toMatchObject({ line: 1, column: 26 });
    for (const a of data.body.attributes) {
      expect(a.range.start.line).toBe(lineOf(text, `  ${a.name} `));
      expect(text.slice(a.nameRange.start.offset, a.nameRange.end.offset)).toBe(a.name);
    }
  });

  it('places the terraform-aws-vpc VPC at line 28 with count on line 29', () => {
    const text = read('terraform-aws-vpc/main.tf');
    const r = parseHcl(text, 'main.tf');
    const vpc = r.file.body.blocks.find((b) => b.labels.join('.') === 'aws_vpc.this')!;
    expect(vpc.range.start).toMatchObject({ line: 28, column: 1 });
    const count = vpc.body.attributes.find((a) => a.name === 'count')!;
    expect(count.range.start).toMatchObject({ line: 29, column: 3 });
    expect(count.expr.kind).toBe('Conditional');
    expect(text.slice(count.expr.range.start.offset, count.expr.range.end.offset)).toBe(
      'local.create_vpc ? 1 : 0',
    );
  });

  it('gives every block of every file a range whose text starts with the block type', () => {
    for (const f of listTf(dir).slice(0, 200)) {
      const text = readFileSync(f, 'utf8');
      for (const b of parseHcl(text, f).file.body.blocks) {
        expect(text.startsWith(b.type, b.range.start.offset)).toBe(true);
        expect(text[b.range.end.offset - 1]).toBe('}');
      }
    }
  });
});
