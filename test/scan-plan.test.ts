import { existsSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const root = path.resolve(import.meta.dirname, '..');
const shared = process.env['OPSDECK_SHARED_DATA'] ?? path.resolve(root, '../shared/data');
const plan = path.join(shared, 'plans/terraform_v0.14_plan.json');
const have = existsSync(plan);
if (!have && process.env['CI'] === 'true') throw new Error(`shared data missing: ${plan}`);
if (!have) console.warn(`skipping plan scan: ${plan} not found (set OPSDECK_SHARED_DATA)`);

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

describe.skipIf(!have)('opsdeck scan --plan', () => {
  it('scans terraform show -json output, including resources in nested modules', async () => {
    const out = new Capture();
    const code = await main(['node', 'opsdeck', 'scan', '--plan', plan, '--format', 'json'], {
      stdout: out,
      stderr: new Capture(),
      cwd: root,
      env: {},
    });
    const report = JSON.parse(out.text) as {
      findings: Array<{ ruleId: string; address: string }>;
      summary: { files: number };
    };
    expect(report.summary.files).toBe(1);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'OPS-AWS-RDS-001',
        address: 'module.db.module.db_1.module.db_instance.aws_db_instance.this[0]',
      }),
    );
    expect(code).toBe(1);
  });

  it('refuses a directory and --plan together', async () => {
    const code = await main(['node', 'opsdeck', 'scan', 'examples/terraform', '--plan', plan], {
      stdout: new Capture(),
      stderr: new Capture(),
      cwd: root,
      env: {},
    });
    expect(code).toBe(2);
  });

  it('exits 3 when the plan file cannot be read', async () => {
    const err = new Capture();
    const code = await main(['node', 'opsdeck', 'scan', '--plan', 'nope.json'], {
      stdout: new Capture(),
      stderr: err,
      cwd: root,
      env: {},
    });
    expect(code).toBe(3);
    expect(err.text).toContain('OPSDECK_E_SCAN_FAILED');
  });
});
