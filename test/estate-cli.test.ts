import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { fixtures, haveSharedData, sharedData, unwrapRecordings } from './fixtures/estate/shared-data.js';

const have = haveSharedData('estate CLI tests');

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function run(args: string[], cwd: string) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(['node', 'opsdeck', 'estate', ...args], {
    stdout,
    stderr,
    cwd,
    env: { OPSDECK_SHARED_DATA: sharedData },
  });
  return { code, out: stdout.text, err: stderr.text };
}

describe.skipIf(!have)('opsdeck estate', () => {
  const work = have ? mkdtempSync(path.join(tmpdir(), 'opsdeck-estate-cli-')) : '';
  const live = have
    ? unwrapRecordings(['test_ebs_instance_filter', 'test_eip_used_by', 'test_s3_get_resources'])
    : '';

  it('imports files and directories into a dated snapshot and prints per-file diagnostics', async () => {
    const r = await run(
      [
        'import',
        live,
        path.join(sharedData, 'tfstate/v4/invalid.tfstate'),
        path.join(fixtures, 'v3.tfstate'),
        '--now',
        '2026-11-27T04:00:00Z',
      ],
      work,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('snapshot written to estate-snapshot-20261127T040000Z.json');
    expect(r.err).toMatch(/error .*invalid\.tfstate line 16, column 7: invalid JSON/);
    const snap = JSON.parse(
      readFileSync(path.join(work, 'estate-snapshot-20261127T040000Z.json'), 'utf8'),
    ) as { version: number; resources: unknown[]; managed: unknown[] };
    expect(snap.version).toBe(1);
    expect(snap.resources).toHaveLength(8);
    expect(snap.managed).toHaveLength(2);
  });

  it('reports from a snapshot in every format and exits 0 without thresholds', async () => {
    await run(
      [
        'import',
        live,
        path.join(fixtures, 'v3.tfstate'),
        '--out',
        'snap.json',
        '--now',
        '2026-11-27T00:00:00Z',
      ],
      work,
    );
    const text = await run(['report', '--snapshot', 'snap.json', '--now', '2026-11-27T00:00:00Z'], work);
    expect(text.code).toBe(0);
    expect(text.out).toContain('IaC coverage: 11.11% (managed 1, unmanaged 7, missing 1');
    expect(text.out).toContain('[unassociated-eip] aws_eip eipalloc-0c2e1da5c1bb166f5');
    const json = await run(
      ['report', '--snapshot', 'snap.json', '--format', 'json', '--now', '2026-11-27T00:00:00Z'],
      work,
    );
    const report = JSON.parse(json.out) as {
      coverage: { counts: { managed: number } };
      waste: { totals: { findings: number } };
    };
    expect(report.coverage.counts.managed).toBe(1);
    expect(report.waste.totals.findings).toBeGreaterThan(0);
    const csv = await run(
      ['report', '--snapshot', 'snap.json', '--format', 'csv', '--now', '2026-11-27T00:00:00Z'],
      work,
    );
    expect(csv.out.split('\n')[0]).toBe(
      'section,category,resource_type,resource_id,detail,monthly_cost_usd,monthly_saving_usd',
    );
    expect(csv.out).toContain(
      'waste,unassociated-eip,aws_eip,eipalloc-0c2e1da5c1bb166f5,Elastic IP 35.85.26.59 is not associated,3.65,3.65',
    );
    const md = await run(
      ['report', '--snapshot', 'snap.json', '--format', 'markdown', '--now', '2026-11-27T00:00:00Z'],
      work,
    );
    expect(md.out).toContain('| IaC coverage | 11.11% (1 managed, 7 unmanaged, 1 missing) |');
  });

  it.each([
    [['--min-tag-compliance', '90'], 1, /tag compliance 0% is below --min-tag-compliance 90%/],
    [['--min-coverage', '50'], 1, /IaC coverage 11.11% is below --min-coverage 50%/],
    [['--min-coverage', '10', '--min-tag-compliance', '0'], 0, /^$/],
  ])('exits for CI thresholds %j with %i', async (flags, code, err) => {
    await run(['import', live, path.join(fixtures, 'v3.tfstate'), '--out', 'snap2.json'], work);
    const r = await run(['report', '--snapshot', 'snap2.json', ...flags], work);
    expect(r.code).toBe(code);
    expect(r.err.replace(/^info .*\n/gm, '')).toMatch(err);
  });

  it('reads a policy file and an ignore file', async () => {
    writeFileSync(path.join(work, 'policy.yaml'), 'tag_policy:\n  required: [Owner]\n');
    writeFileSync(path.join(work, 'ignore.txt'), 'aws_ebs_volume.*\naws_instance.*\naws_eip.*\n');
    const r = await run(
      [
        'report',
        live,
        '--policy',
        'policy.yaml',
        '--ignore',
        'ignore.txt',
        '--format',
        'json',
        '--min-tag-compliance',
        '10',
      ],
      work,
    );
    const report = JSON.parse(r.out) as {
      tags: { compliancePct: number; policy: { required: string[] } };
      coverage: { counts: { ignored: number } };
    };
    expect(report.tags.policy.required).toEqual(['Owner']);
    expect(report.coverage.counts.ignored).toBe(7);
    expect(report.tags.compliancePct).toBe(12.5);
    expect(r.code).toBe(0);
  });

  it.each([
    [['report'], 2, 'OPSDECK_E_USAGE'],
    [['report', '--snapshot', 'a.json', 'b'], 2, 'OPSDECK_E_USAGE'],
    [
      ['report', '--snapshot', 'snap.json', '--min-tag-compliance', 'lots'],
      2,
      '--min-tag-compliance expects a number',
    ],
    [['report', '--snapshot', 'snap.json', '--format', 'xml'], 2, ''],
    [['report', '--snapshot', 'no-such.json'], 3, 'OPSDECK_E_IO'],
    [['report', 'no-such-dir'], 3, 'OPSDECK_E_IO'],
    [['import', 'no-such-dir'], 3, 'OPSDECK_E_IO'],
    [['report', '--snapshot', 'policy.yaml'], 3, 'is not valid JSON'],
  ])('exits %j with %i', async (args, code, message) => {
    await run(['import', live, '--out', 'snap.json'], work);
    const r = await run(args, work);
    expect(r.code).toBe(code);
    expect(r.err).toContain(message);
  });

  it('prices with a user price file given by --prices, and fails with 3 on an unreadable one', async () => {
    writeFileSync(
      path.join(work, 'my-prices.json'),
      JSON.stringify({ region: 'eu-west-1', currency: 'USD', elastic_ip: { idle_hour: 0.01 } }),
    );
    const r = await run(['report', live, '--prices', 'my-prices.json', '--format', 'csv'], work);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'waste,unassociated-eip,aws_eip,eipalloc-0c2e1da5c1bb166f5,Elastic IP 35.85.26.59 is not associated,7.3,7.3',
    );
    writeFileSync(path.join(work, 'bad-prices.json'), '{ nope');
    const bad = await run(['report', live, '--prices', 'bad-prices.json'], work);
    expect(bad.code).toBe(3);
    expect(bad.err).toContain('price file');
  });

  it('tells a snapshot passed as an input path apart from an export', async () => {
    await run(['import', live, '--out', 'snap3.json'], work);
    const r = await run(['report', 'snap3.json', '--format', 'json'], work);
    expect(r.err).toContain('this is an opsdeck estate snapshot, not an export; read it with --snapshot');
  });

  it('reports a snapshot that is JSON but not a snapshot as unreadable input', async () => {
    writeFileSync(path.join(work, 'other.json'), '{"version": 2}');
    const r = await run(['report', '--snapshot', 'other.json'], work);
    expect(r.code).toBe(3);
    expect(r.err).toContain('$.version');
  });
});
