import { describe, expect, it } from 'vitest';
import type { Comment } from '../iac/hcl/ast.js';
import { unknown } from '../iac/terraform/value.js';
import { locate, runEngine, selectRules } from './engine.js';
import type { Rule } from './rule.js';
import { defineRule, expect as expectTri, fail, get, truthy } from './rule-kit.js';
import { makeResource } from './testing.js';

const peers = {
  checkov: ['CKV_AWS_19'],
  trivy: ['AVD-AWS-0088'],
  tfsec: ['aws-s3-enable-bucket-encryption'],
};

const encrypted: Rule = defineRule(
  {
    id: 'OPS-TEST-S3-001',
    title: 'Bucket is encrypted',
    severity: 'high',
    family: 'encryption',
    provider: 'aws',
    resourceTypes: ['aws_s3_bucket'],
    remediation: 'Set `encrypted = true`.',
    references: ['https://example.com/s3'],
    peers,
  },
  (r) => expectTri(truthy(get(r, 'encrypted'), false), 'bucket is not encrypted', 'encrypted'),
);

const logged: Rule = defineRule(
  {
    id: 'OPS-TEST-S3-002',
    title: 'Bucket logs access',
    severity: 'low',
    family: 'logging',
    provider: 'aws',
    resourceTypes: ['aws_s3_bucket'],
    remediation: 'Add a `logging` block.',
    references: [],
    peers: { checkov: [], trivy: [], tfsec: [] },
  },
  (r) =>
    get(r, 'logging') === undefined
      ? fail('no access logging', 'logging.0.target_bucket')
      : { status: 'pass' },
);

const bucket = (name: string, attributes: Record<string, unknown>, lines: [number, number] = [1, 5]) =>
  makeResource({
    type: 'aws_s3_bucket',
    name,
    attributes: attributes as never,
    lines,
    attributeRanges: { encrypted: [lines[0] + 1, lines[0] + 1] },
  });

const comment = (line: number, text: string, style: Comment['style'] = '#'): Comment => ({
  style,
  text,
  range: { file: 'main.tf', start: { line, column: 1, offset: 0 }, end: { line, column: 40, offset: 0 } },
});

const today = '2026-06-01';

describe('runEngine', () => {
  it('reports a violation at the attribute line with rule metadata and a fingerprint', () => {
    const r = runEngine([bucket('a', { encrypted: false, logging: [{}] })], {
      rules: [encrypted, logged],
      today,
    });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      ruleId: 'OPS-TEST-S3-001',
      severity: 'high',
      family: 'encryption',
      address: 'aws_s3_bucket.a',
      file: 'main.tf',
      startLine: 2,
      status: 'open',
      path: 'encrypted',
      peers,
    });
    expect(r.findings[0]?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(r.stats).toMatchObject({ checks: 2, passed: 1, failed: 1 });
  });

  it('keeps the fingerprint when the resource moves to other lines', () => {
    const a = runEngine([bucket('a', { encrypted: false, logging: [{}] }, [1, 5])], {
      rules: [encrypted],
      today,
    });
    const b = runEngine([bucket('a', { encrypted: false, logging: [{}] }, [40, 45])], {
      rules: [encrypted],
      today,
    });
    expect(a.findings[0]?.fingerprint).toBe(b.findings[0]?.fingerprint);
    expect(a.findings[0]?.startLine).not.toBe(b.findings[0]?.startLine);
  });

  it('counts unknown results as inconclusive with the reason, never as findings', () => {
    const r = runEngine([bucket('a', { encrypted: unknown('var.enc has no value'), logging: [{}] })], {
      rules: [encrypted],
      today,
    });
    expect(r.findings).toEqual([]);
    expect(r.inconclusive).toEqual([
      {
        ruleId: 'OPS-TEST-S3-001',
        address: 'aws_s3_bucket.a',
        file: 'main.tf',
        line: 1,
        reason: 'encrypted is known only after apply',
      },
    ]);
  });

  it('drops findings below the severity threshold and counts them', () => {
    const r = runEngine([bucket('a', { encrypted: false })], {
      rules: [encrypted, logged],
      today,
      severityThreshold: 'medium',
    });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['OPS-TEST-S3-001']);
    expect(r.stats.belowThreshold).toBe(1);
  });

  it.each([
    { sel: { enable: ['logging'] }, ids: ['OPS-TEST-S3-002'] },
    { sel: { enable: ['OPS-TEST-S3-001'] }, ids: ['OPS-TEST-S3-001'] },
    { sel: { disable: ['encryption'] }, ids: ['OPS-TEST-S3-002'] },
    { sel: { disable: ['ops-test-s3-002'] }, ids: ['OPS-TEST-S3-001'] },
    { sel: { enable: ['aws'], disable: ['OPS-TEST-S3-001'] }, ids: ['OPS-TEST-S3-002'] },
  ])('selects rules by id, family or provider: $sel', ({ sel, ids }) => {
    expect(selectRules([encrypted, logged], sel).map((r) => r.meta.id)).toEqual(ids);
  });

  it('applies custom severities by rule id and by family', () => {
    const r = runEngine([bucket('a', { encrypted: false })], {
      rules: [encrypted, logged],
      today,
      severityOverrides: { 'OPS-TEST-S3-001': 'critical', logging: 'medium' },
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity]).sort()).toEqual([
      ['OPS-TEST-S3-001', 'critical'],
      ['OPS-TEST-S3-002', 'medium'],
    ]);
  });

  it('runs rules on managed resources only unless the rule asks for data sources', () => {
    const data = makeResource({
      type: 'aws_s3_bucket',
      name: 'd',
      mode: 'data',
      attributes: { encrypted: false },
    });
    expect(runEngine([data], { rules: [encrypted], today }).stats.checks).toBe(0);
    const dataRule: Rule = { meta: { ...encrypted.meta, modes: ['data'] }, check: encrypted.check };
    expect(runEngine([data], { rules: [dataRule], today }).findings).toHaveLength(1);
  });

  it('turns a rule that throws into a warning and goes on', () => {
    const broken: Rule = {
      meta: { ...logged.meta, id: 'OPS-TEST-X-001' },
      check: () => {
        throw new Error('boom');
      },
    };
    const r = runEngine([bucket('a', { encrypted: false })], { rules: [broken, encrypted], today });
    expect(r.findings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ kind: 'rule-error', message: expect.stringContaining('boom') });
  });

  it('marks findings whose fingerprint is in the baseline as baselined', () => {
    const first = runEngine([bucket('a', { encrypted: false, logging: [{}] })], {
      rules: [encrypted],
      today,
    });
    const fp = first.findings[0]!.fingerprint;
    const again = runEngine([bucket('a', { encrypted: false, logging: [{}] })], {
      rules: [encrypted],
      today,
      baseline: new Set([fp]),
      baselineSource: '.opsdeck-baseline.json',
    });
    expect(again.findings[0]).toMatchObject({
      status: 'baselined',
      suppression: { kind: 'baseline', source: '.opsdeck-baseline.json' },
    });
  });

  describe('suppressions', () => {
    const run = (comments: Comment[]) =>
      runEngine([bucket('a', { encrypted: false, logging: [{}] }, [3, 8])], {
        rules: [encrypted],
        today,
        files: [{ path: 'main.tf', comments }],
      });

    it.each([
      {
        name: 'opsdeck on the line above',
        c: [comment(2, ' opsdeck:ignore OPS-TEST-S3-001 reason="public site"')],
        kind: 'opsdeck',
      },
      {
        name: 'opsdeck on the first line',
        c: [comment(3, 'opsdeck:ignore OPS-TEST-S3-001')],
        kind: 'opsdeck',
      },
      {
        name: 'opsdeck // style above the attribute',
        c: [comment(3, ' opsdeck:ignore OPS-TEST-S3-001', '//')],
        kind: 'opsdeck',
      },
      {
        name: 'opsdeck on the attribute line',
        c: [comment(4, ' opsdeck:ignore OPS-TEST-S3-001,OPS-TEST-S3-002')],
        kind: 'opsdeck',
      },
      {
        name: 'opsdeck in a stack of comments above',
        c: [comment(1, ' opsdeck:ignore OPS-TEST-S3-001'), comment(2, ' other note')],
        kind: 'opsdeck',
      },
      {
        name: 'checkov anywhere in the block',
        c: [comment(7, 'checkov:skip=CKV_AWS_19:static site')],
        kind: 'checkov',
      },
      {
        name: 'tfsec by long id',
        c: [comment(2, 'tfsec:ignore:aws-s3-enable-bucket-encryption')],
        kind: 'tfsec',
      },
      {
        name: 'tfsec by AVD id with expiry',
        c: [comment(2, 'tfsec:ignore:AVD-AWS-0088:exp:2030-01-01')],
        kind: 'tfsec',
      },
      { name: 'trivy by AVD id', c: [comment(2, 'trivy:ignore:AVD-AWS-0088')], kind: 'trivy' },
    ])('suppresses with $name', ({ c, kind }) => {
      const r = run(c);
      expect(r.findings[0]).toMatchObject({ status: 'suppressed', suppression: { kind } });
    });

    it('carries reason, expiry and source of the suppression', () => {
      const r = run([comment(2, ' opsdeck:ignore OPS-TEST-S3-001 reason="public website" until=2026-12-31')]);
      expect(r.findings[0]?.suppression).toEqual({
        kind: 'opsdeck',
        reason: 'public website',
        until: '2026-12-31',
        source: 'main.tf:2',
      });
    });

    it.each([
      { name: 'another rule id', c: [comment(2, ' opsdeck:ignore OPS-TEST-S3-002')] },
      {
        name: 'a comment two lines above with code between',
        c: [comment(1, ' opsdeck:ignore OPS-TEST-S3-001')],
      },
      { name: 'an unrelated checkov id', c: [comment(5, 'checkov:skip=CKV_AWS_18:x')] },
    ])('does not suppress with $name', ({ c }) => {
      expect(run(c).findings[0]?.status).toBe('open');
    });

    it('warns about a suppression naming a rule id that does not exist', () => {
      const r = run([comment(2, ' opsdeck:ignore OPS-TEST-S3-001,OPS-TEST-S3-999')]);
      expect(r.findings[0]?.status).toBe('suppressed');
      expect(r.warnings).toEqual([
        expect.objectContaining({
          kind: 'malformed-suppression',
          line: 2,
          message: 'suppression names unknown rule id "OPS-TEST-S3-999"',
        }),
      ]);
    });

    it('reports an expired suppression as a warning and keeps the finding open with a note', () => {
      const r = run([comment(2, ' opsdeck:ignore OPS-TEST-S3-001 reason="temp" until=2026-01-31')]);
      expect(r.findings[0]).toMatchObject({
        status: 'open',
        note: 'suppression at main.tf:2 expired on 2026-01-31',
      });
      expect(r.warnings).toEqual([
        expect.objectContaining({ kind: 'expired-suppression', file: 'main.tf', line: 2 }),
      ]);
    });

    it.each([
      ' opsdeck:ignore',
      ' opsdeck:ignore OPS-TEST-S3-001 until=tomorrow',
      ' opsdeck:ignore OPS-TEST-S3-001 because="x"',
      ' opsdeck:ignore OPS-TEST-S3-001 reason="unterminated',
      'tfsec:ignore:aws-s3-x:exp:2025-13-45',
      'checkov:skip=',
    ])('warns about the malformed comment %j with its file and line', (text) => {
      const r = run([comment(2, text)]);
      expect(r.findings[0]?.status).toBe('open');
      expect(r.warnings).toEqual([
        expect.objectContaining({ kind: 'malformed-suppression', file: 'main.tf', line: 2 }),
      ]);
    });
  });
});

describe('locate', () => {
  const r = makeResource({
    type: 'aws_s3_bucket',
    lines: [1, 20],
    attributeRanges: { versioning: [3, 6], 'versioning.0.enabled': [4, 4], tags: [10, 12] },
  });
  it.each([
    { path: 'versioning.0.enabled', line: 4 },
    { path: 'versioning.enabled', line: 4 },
    { path: 'versioning.0.mfa_delete', line: 3 },
    { path: 'tags.Owner', line: 10 },
    { path: 'logging.0.target_bucket', line: 1 },
    { path: undefined, line: 1 },
  ])('locates $path at line $line', ({ path, line }) => {
    expect(locate(r, path).start.line).toBe(line);
  });
});

describe('runEngine with several root modules', () => {
  it('builds one graph per scope so resources of different roots never see each other', () => {
    const needsPeer = defineRule(
      { ...encrypted.meta, id: 'OPS-TEST-S3-003', resourceTypes: ['aws_s3_bucket'] },
      (r, ctx) =>
        ctx.graph.referencing(r, 'aws_s3_bucket_public_access_block', 'bucket').length > 0
          ? { status: 'pass' }
          : fail('no block'),
    );
    const a = makeResource({ type: 'aws_s3_bucket', name: 'data', file: 'a/main.tf' });
    const b = makeResource({ type: 'aws_s3_bucket', name: 'data', file: 'b/main.tf' });
    const pabB = makeResource({
      type: 'aws_s3_bucket_public_access_block',
      name: 'p',
      file: 'b/main.tf',
      references: { bucket: ['aws_s3_bucket.data'] },
    });
    const r = runEngine([a, b, pabB], {
      rules: [needsPeer],
      today,
      scopeOf: (x) => x.range.file.split('/')[0] ?? '',
    });
    expect(r.findings.map((f) => f.file)).toEqual(['a/main.tf']);
    expect(new Set(r.findings.map((f) => f.fingerprint)).size).toBe(1);
  });
});
