import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const root = path.resolve(import.meta.dirname, '..');

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

interface Report {
  findings: Array<{
    ruleId: string;
    address: string;
    file: string;
    startLine: number;
    status: string;
    suppression?: { reason?: string };
  }>;
  summary: { files: number; resources: number; errors: number };
  diagnostics: unknown[];
}

describe('the sample estate in examples/terraform', () => {
  it('yields exactly its deliberate findings and its one suppression', async () => {
    const out = new Capture();
    const err = new Capture();
    const code = await main(['node', 'opsdeck', 'scan', 'examples/terraform', '--format', 'json'], {
      stdout: out,
      stderr: err,
      cwd: root,
      env: {},
    });
    const report = JSON.parse(out.text) as Report;
    expect(report.diagnostics).toEqual([]);
    expect(report.summary).toMatchObject({ files: 5, resources: 23, errors: 0 });
    expect(report.findings.map((f) => [f.status, f.ruleId, f.address, f.file, f.startLine])).toEqual([
      ['open', 'OPS-AWS-SG-001', 'aws_security_group.bastion', 'examples/terraform/main.tf', 87],
      ['open', 'OPS-AWS-RDS-002', 'aws_db_instance.orders', 'examples/terraform/main.tf', 116],
      ['suppressed', 'OPS-AWS-EC2-001', 'aws_ebs_volume.scratch', 'examples/terraform/main.tf', 127],
      [
        'open',
        'OPS-AWS-S3-007',
        'module.buckets["reports"].aws_s3_bucket.this',
        'examples/terraform/modules/bucket/main.tf',
        18,
      ],
    ]);
    expect(report.findings[2]?.suppression?.reason).toBe(
      'scratch space for batch jobs, holds no customer data',
    );
    expect(code).toBe(1);
  });
});
