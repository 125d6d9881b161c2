import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const root = path.resolve(import.meta.dirname, '..');
const shared = process.env['OPSDECK_SHARED_DATA'] ?? path.resolve(root, '../shared/data');
const tarball = path.join(shared, 'terraform-corpus.tar.gz');
const have = existsSync(tarball);
if (!have && process.env['CI'] === 'true') throw new Error(`shared data missing: ${tarball}`);
if (!have) console.warn(`skipping corpus scan: ${tarball} not found (set OPSDECK_SHARED_DATA)`);

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

interface Report {
  findings: Array<{ ruleId: string; address: string; file: string; startLine: number; status: string }>;
  diagnostics: Array<{ kind: string; severity: string; message: string }>;
  summary: { files: number; resources: number; open: number };
}

describe.skipIf(!have)('scanning the 1,051-file Terraform corpus', () => {
  let dir: string;
  let report: Report;
  let code: number;
  let stderr: string;
  let raw: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'opsdeck-corpus-'));
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    const out = new Capture();
    const err = new Capture();
    code = await main(['node', 'opsdeck', 'scan', '.', '--format', 'json', '--stats'], {
      stdout: out,
      stderr: err,
      cwd: dir,
      env: {},
    });
    stderr = err.text;
    raw = out.text;
    report = JSON.parse(raw) as Report;
  }, 300_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every file without a crash and no rule throws', () => {
    expect(stderr).not.toContain('OPSDECK_E_INTERNAL');
    expect(report.summary.files).toBe(1051);
    expect(report.diagnostics.filter((d) => d.kind === 'rule-error')).toEqual([]);
    expect(code).toBe(1);
  });

  it.each([
    { ruleId: 'OPS-AWS-S3-003', address: 'aws_s3_bucket.data', file: 'terragoat/terraform/aws/s3.tf' },
    { ruleId: 'OPS-AWS-S3-001', address: 'aws_s3_bucket.data', file: 'terragoat/terraform/aws/s3.tf' },
    {
      ruleId: 'OPS-AWS-RDS-002',
      address: 'aws_db_instance.default',
      file: 'terragoat/terraform/aws/db-app.tf',
    },
    {
      ruleId: 'OPS-AWS-RDS-001',
      address: 'aws_db_instance.default',
      file: 'terragoat/terraform/aws/db-app.tf',
    },
  ])('finds $ruleId on terragoat $address', ({ ruleId, address, file }) => {
    expect(report.findings).toContainEqual(
      expect.objectContaining({ ruleId, address, file, status: 'open' }),
    );
  });

  it('points at the offending attribute line (publicly_accessible = true)', () => {
    const f = report.findings.find(
      (x) => x.ruleId === 'OPS-AWS-RDS-002' && x.address === 'aws_db_instance.default',
    );
    expect(f?.startLine).toBe(22);
  });

  it('produces JSON that validates against docs/scan-report.schema.json', () => {
    const schema = JSON.parse(
      readFileSync(path.join(root, 'docs/scan-report.schema.json'), 'utf8'),
    ) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(JSON.parse(raw)) ? [] : validate.errors?.slice(0, 5)).toEqual([]);
  });

  it('prints the --stats line', () => {
    const stats = JSON.parse(stderr.trim().split('\n').at(-1)!) as Record<string, number>;
    expect(stats['files']).toBe(1051);
    expect(stats['bytes']).toBe(3632148);
  });
});
