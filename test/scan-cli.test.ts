import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const root = path.resolve(import.meta.dirname, '..');
const fixtures = path.join(root, 'test/fixtures/scan');

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function run(args: string[], cwd = fixtures, env: NodeJS.ProcessEnv = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(['node', 'opsdeck', ...args], { stdout, stderr, cwd, env: { ...env } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

interface JsonFinding {
  ruleId: string;
  address: string;
  status: string;
  file: string;
  startLine: number;
  suppression?: { kind: string; reason?: string; source: string };
}

describe('opsdeck scan', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'opsdeck-scan-cli-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('exits 0 when there is nothing to report', async () => {
    const r = await run(['scan', 'clean']);
    expect(r.stdout).toContain('No open findings');
    expect(r.code).toBe(0);
  });

  it('exits 1 on open findings and honours opsdeck and checkov suppressions', async () => {
    const r = await run(['scan', 'insecure', '--rule', 'OPS-AWS-EC2-001', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    expect(
      report.findings.map((f) => [f.address, f.status, f.file, f.startLine, f.suppression?.kind]),
    ).toEqual([
      ['aws_ebs_volume.data', 'open', 'insecure/main.tf', 9, undefined],
      ['aws_ebs_volume.scratch', 'suppressed', 'insecure/main.tf', 13, 'opsdeck'],
      ['aws_ebs_volume.legacy', 'suppressed', 'insecure/main.tf', 21, 'checkov'],
    ]);
    expect(report.findings[1]?.suppression).toMatchObject({
      reason: 'scratch disk, wiped nightly',
      source: 'insecure/main.tf:12',
    });
  });

  it('takes the violating value from --var', async () => {
    const r = await run([
      'scan',
      'insecure',
      '--rule',
      'OPS-AWS-EC2-001',
      '--var',
      'encrypt_data=true',
      '--format',
      'json',
    ]);
    const report = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    expect(report.findings.filter((f) => f.status === 'open')).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('reads --var-file relative to the current directory', async () => {
    const r = await run([
      'scan',
      'insecure',
      '--rule',
      'OPS-AWS-EC2-001',
      '--var-file',
      'insecure.tfvars',
      '--format',
      'json',
    ]);
    const report = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    expect(report.findings.filter((f) => f.status === 'open')).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('exits 0 with --soft-fail despite open findings', async () => {
    expect((await run(['scan', 'insecure', '--rule', 'OPS-AWS-EC2-001', '--soft-fail'])).code).toBe(0);
  });

  it('drops findings below --severity-threshold', async () => {
    const r = await run([
      'scan',
      'insecure',
      '--rule',
      'OPS-AWS-EC2-001',
      '--severity-threshold',
      'critical',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('below critical');
  });

  it.each([
    { args: ['scan', 'insecure', '--format', 'yaml'], why: 'an unknown format' },
    { args: ['scan', 'insecure', '--rule', 'OPS-NOPE-001'], why: 'an unknown rule id' },
    { args: ['scan', 'insecure', '--var', 'novalue'], why: 'a --var without =' },
    { args: ['scan', 'insecure', '--output-file', 'pdf=x.pdf'], why: 'a bad --output-file' },
    { args: ['scan', 'insecure', '--baseline', 'missing.json'], why: 'a missing baseline' },
    { args: ['scan', 'insecure', '--config', 'missing.yaml'], why: 'a missing config file' },
  ])('exits 2 on $why', async ({ args }) => {
    expect((await run(args)).code).toBe(2);
  });

  it('exits 2 on an invalid .opsdeck.yaml, listing every bad key with its path', async () => {
    const r = await run(['scan', 'bad-config']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OPSDECK_E_CONFIG_INVALID');
    expect(r.stderr).toContain('bad-config/.opsdeck.yaml: severity_threshold');
    expect(r.stderr).toContain('bad-config/.opsdeck.yaml: rules.enabel: unknown key');
    expect(r.stderr).toContain('bad-config/.opsdeck.yaml: tag_policy.case_sensitive');
  });

  it('exits 2 even with --soft-fail on a usage error', async () => {
    expect((await run(['scan', 'insecure', '--soft-fail', '--rule', 'nope'])).code).toBe(2);
  });

  it('exits 3 when the directory cannot be read, even with --soft-fail', async () => {
    const r = await run(['scan', 'does-not-exist', '--soft-fail']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('OPSDECK_E_SCAN_FAILED');
  });

  it('reports a parse error as a diagnostic with file:line:col and lets findings decide the exit code', async () => {
    const r = await run(['scan', 'broken', '--rule', 'OPS-AWS-EC2-001']);
    expect(r.stdout).toMatch(/broken\/broken\.tf:\d+:\d+: error \[parse\]/);
    expect(r.stdout).toContain('aws_ebs_volume.data');
    expect(r.code).toBe(1);
  });

  it('exits 3 with --strict when a file fails to parse', async () => {
    expect((await run(['scan', 'broken', '--rule', 'OPS-AWS-EC2-001', '--strict'])).code).toBe(3);
  });

  it('exits 3 when nothing could be scanned', async () => {
    const r = await run(['scan', 'all-broken']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('nothing could be scanned');
  });

  it('writes extra reports with --output-file and one stats line with --stats', async () => {
    const sarif = path.join(work, 'out/report.sarif');
    const junit = path.join(work, 'report.xml');
    const r = await run([
      'scan',
      'insecure',
      '--rule',
      'OPS-AWS-EC2-001',
      '--output-file',
      `sarif=${sarif}`,
      '--output-file',
      `junit=${junit}`,
      '--stats',
    ]);
    expect(JSON.parse(await readFile(sarif, 'utf8')).version).toBe('2.1.0');
    expect(await readFile(junit, 'utf8')).toContain('<testsuites');
    const stats = JSON.parse(r.stderr.trim().split('\n').at(-1)!);
    expect(Object.keys(stats).sort()).toEqual([
      'bytes',
      'evalMs',
      'files',
      'findings',
      'maxRssMb',
      'parseMs',
      'rulesMs',
      'totalMs',
    ]);
    expect(stats).toMatchObject({ files: 1, findings: 3 });
  });

  it('creates a baseline, and with it the same findings are baselined and the scan passes', async () => {
    const dir = path.join(work, 'estate');
    await cp(path.join(fixtures, 'insecure'), dir, { recursive: true });
    const created = await run(['scan', 'estate', '--rule', 'OPS-AWS-EC2-001', '--create-baseline'], work);
    expect(created.code).toBe(0);
    const baselineFile = path.join(dir, '.opsdeck-baseline.json');
    const baseline = JSON.parse(await readFile(baselineFile, 'utf8'));
    expect(baseline).toMatchObject({
      version: 1,
      entries: [{ ruleId: 'OPS-AWS-EC2-001', address: 'aws_ebs_volume.data' }],
    });

    // Move the resource down: the fingerprint does not depend on lines.
    const src = await readFile(path.join(dir, 'main.tf'), 'utf8');
    await writeFile(path.join(dir, 'main.tf'), `\n\n\n${src}`);
    const again = await run(
      [
        'scan',
        'estate',
        '--rule',
        'OPS-AWS-EC2-001',
        '--baseline',
        'estate/.opsdeck-baseline.json',
        '--format',
        'json',
      ],
      work,
    );
    const report = JSON.parse(again.stdout) as { findings: JsonFinding[] };
    expect(report.findings.find((f) => f.address === 'aws_ebs_volume.data')?.status).toBe('baselined');
    expect(again.code).toBe(0);

    await writeFile(
      path.join(dir, 'new.tf'),
      'resource "aws_ebs_volume" "fresh" {\n  availability_zone = "eu-west-1a"\n}\n',
    );
    const withNew = await run(
      ['scan', 'estate', '--rule', 'OPS-AWS-EC2-001', '--baseline', 'estate/.opsdeck-baseline.json'],
      work,
    );
    expect(withNew.code).toBe(1);
    expect(withNew.stdout).toContain('aws_ebs_volume.fresh');
  });

  it('prints no progress line and no colour when stderr/stdout are not TTYs', async () => {
    const r = await run(['scan', 'insecure']);
    expect(r.stderr).not.toContain('scanning:');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('lists the built-in rules as text and JSON', async () => {
    const text = await run(['rules', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/OPS-AWS-S3-001\s+\w+\s+encryption/);
    const json = JSON.parse((await run(['rules', 'list', '--format', 'json'])).stdout) as Array<{
      id: string;
    }>;
    expect(json.length).toBeGreaterThan(100);
  });
});

describe('opsdeck scan suppressions through the real parser', () => {
  it('honours tfsec, trivy, block and attribute-line comments, reports expired and malformed ones', async () => {
    const r = await run(['scan', 'peers', '--rule', 'OPS-AWS-EC2-001', '--format', 'json']);
    const report = JSON.parse(r.stdout) as {
      findings: JsonFinding[];
      diagnostics: Array<{ kind: string; file: string; line: number; message: string }>;
    };
    expect(report.findings.map((f) => [f.address, f.status, f.suppression?.kind])).toEqual([
      ['aws_ebs_volume.tfsec', 'suppressed', 'tfsec'],
      ['aws_ebs_volume.trivy', 'suppressed', 'trivy'],
      ['aws_ebs_volume.block', 'suppressed', 'opsdeck'],
      ['aws_ebs_volume.attr', 'suppressed', 'opsdeck'],
      ['aws_ebs_volume.expired', 'open', undefined],
      ['aws_ebs_volume.malformed', 'open', undefined],
    ]);
    expect(report.diagnostics.map((d) => [d.kind, d.file, d.line])).toEqual([
      ['malformed-suppression', 'peers/main.tf', 27],
      ['expired-suppression', 'peers/main.tf', 22],
    ]);
    expect(r.code).toBe(1);
  });
});

describe('opsdeck scan progress', () => {
  class TtyCapture extends Capture {
    isTTY = true;
  }
  it.each([
    { env: {}, shown: true },
    { env: { CI: 'true' }, shown: false },
  ])('draws a progress line on a terminal unless CI=true ($env)', async ({ env, shown }) => {
    const stderr = new TtyCapture();
    await main(['node', 'opsdeck', 'scan', 'insecure'], {
      stdout: new Capture(),
      stderr,
      cwd: fixtures,
      env,
    });
    expect(stderr.text.includes('files/s')).toBe(shown);
  });
});

describe('opsdeck scan of a directory without Terraform', () => {
  it('warns and exits 0', async () => {
    const r = await run(['scan', '.'], path.join(root, 'docs'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: no Terraform files');
  });
});

describe('opsdeck scan with .opsdeck.yaml', () => {
  it('applies exclude globs, rule selection, severity overrides and the tag policy', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'opsdeck-scan-config-'));
    try {
      const volume = (name: string) =>
        `resource "aws_ebs_volume" "${name}" {\n  availability_zone = "eu-west-1a"\n  tags = { Owner = "a" }\n}\n`;
      await cp(path.join(fixtures, 'clean'), path.join(dir, 'legacy'), { recursive: true });
      await writeFile(path.join(dir, 'legacy/main.tf'), volume('old'));
      await writeFile(path.join(dir, 'main.tf'), volume('new'));
      await writeFile(
        path.join(dir, '.opsdeck.yaml'),
        [
          'exclude: ["legacy/**"]',
          'rules:',
          '  enable: [OPS-AWS-EC2-001, tagging]',
          '  severity: { OPS-AWS-EC2-001: critical }',
          'tag_policy:',
          '  required: [Owner, Team]',
          '  case_sensitive: true',
        ].join('\n'),
      );
      const r = await run(['scan', '.', '--format', 'json'], dir);
      const report = JSON.parse(r.stdout) as {
        findings: Array<JsonFinding & { severity: string; message: string }>;
      };
      expect(report.findings.map((f) => [f.ruleId, f.address, f.severity])).toEqual([
        ['OPS-AWS-EC2-001', 'aws_ebs_volume.new', 'critical'],
        ['OPS-AWS-TAG-001', 'aws_ebs_volume.new', 'low'],
      ]);
      expect(report.findings[1]?.message).toContain('Team');
      expect(r.code).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
