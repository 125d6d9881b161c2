import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import AjvDraft04Module from 'ajv-draft-04';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Comment } from '../src/iac/hcl/ast.js';
import { unknown } from '../src/iac/terraform/value.js';
import { runEngine } from '../src/policy/engine.js';
import { buildReport } from '../src/policy/report/model.js';
import { renderJson } from '../src/policy/report/json.js';
import { renderJunit } from '../src/policy/report/junit.js';
import { renderMarkdown } from '../src/policy/report/markdown.js';
import { renderSarif } from '../src/policy/report/sarif.js';
import { renderText } from '../src/policy/report/text.js';
import type { Rule } from '../src/policy/rule.js';
import { defineRule, fail, PASS } from '../src/policy/rule-kit.js';
import { makeResource } from '../src/policy/testing.js';

// CommonJS default export: under NodeNext the class is the module's `default` property.
const AjvDraft04 = AjvDraft04Module.default;
const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

const rules: Rule[] = [
  defineRule(
    {
      id: 'OPS-AWS-S3-901',
      title: 'S3 bucket is not public <&> "quoted"',
      severity: 'critical',
      family: 'public-exposure',
      provider: 'aws',
      resourceTypes: ['aws_s3_bucket'],
      remediation: 'Set `acl = "private"`.',
      references: ['https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket'],
      peers: {
        checkov: ['CKV_AWS_20'],
        trivy: ['AVD-AWS-0092'],
        tfsec: ['aws-s3-no-public-access-with-acl'],
      },
    },
    (r) => (r.attributes['acl'] === 'public-read' ? fail('bucket ACL is public-read', 'acl') : PASS),
  ),
  defineRule(
    {
      id: 'OPS-AWS-S3-902',
      title: 'S3 bucket has versioning',
      severity: 'medium',
      family: 'resilience',
      provider: 'aws',
      resourceTypes: ['aws_s3_bucket'],
      remediation: 'Add versioning.',
      references: [],
      peers: { checkov: [], trivy: [], tfsec: [] },
    },
    (r) => (r.attributes['versioned'] === undefined ? { status: 'unknown', reason: 'computed' } : fail('x')),
  ),
];

const source = [
  'resource "aws_s3_bucket" "site" {',
  '  acl = "public-read"',
  '}',
  '# opsdeck:ignore OPS-AWS-S3-901 reason="public website" until=2099-01-01',
  'resource "aws_s3_bucket" "www" {',
  '  acl = "public-read"',
  '}',
  'resource "aws_s3_bucket" "old" {',
  '  acl = "public-read"',
  '}',
];
const comments: Comment[] = [
  {
    style: '#',
    text: ' opsdeck:ignore OPS-AWS-S3-901 reason="public website" until=2099-01-01',
    range: {
      file: 'main.tf',
      start: { line: 4, column: 1, offset: 0 },
      end: { line: 4, column: 70, offset: 0 },
    },
  },
];
const resources = [
  makeResource({
    type: 'aws_s3_bucket',
    name: 'site',
    lines: [1, 3],
    attributes: { acl: 'public-read' },
    attributeRanges: { acl: [2, 2] },
  }),
  makeResource({
    type: 'aws_s3_bucket',
    name: 'www',
    lines: [5, 7],
    attributes: { acl: 'public-read' },
    attributeRanges: { acl: [6, 6] },
  }),
  makeResource({
    type: 'aws_s3_bucket',
    name: 'old',
    lines: [8, 10],
    attributes: { acl: 'public-read', tags: unknown() },
    attributeRanges: { acl: [9, 9] },
  }),
];
const baselineRun = runEngine([resources[2]!], { rules, today: '2026-01-01' });
const engine = runEngine(resources, {
  rules,
  today: '2026-01-01',
  files: [{ path: 'main.tf', comments }],
  baseline: new Set(baselineRun.findings.map((f) => f.fingerprint)),
  baselineSource: '.opsdeck-baseline.json',
});
const report = buildReport({
  version: '0.1.0',
  target: '.',
  severityThreshold: 'low',
  rules: rules.map((r) => r.meta),
  files: 1,
  engine,
  diagnostics: [
    { severity: 'error', kind: 'parse', file: 'broken.tf', line: 3, column: 7, message: 'Unclosed block' },
  ],
});

describe('scan reports', () => {
  it('produce one open, one suppressed and one baselined finding from the fixture', () => {
    expect(report.findings.map((f) => [f.address, f.status])).toEqual([
      ['aws_s3_bucket.site', 'open'],
      ['aws_s3_bucket.www', 'suppressed'],
      ['aws_s3_bucket.old', 'baselined'],
    ]);
    expect(report.summary).toMatchObject({
      open: 1,
      suppressed: 1,
      baselined: 1,
      inconclusive: 3,
      errors: 1,
    });
  });

  it('JSON validates against docs/scan-report.schema.json', () => {
    const schema = JSON.parse(readFileSync(path.join(root, 'docs/scan-report.schema.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const data = JSON.parse(renderJson(report));
    expect(validate(data) ? [] : validate.errors).toEqual([]);
    expect(data.schemaVersion).toBe(1);
  });

  it('JSON schema rejects a report with a bad status', () => {
    const schema = JSON.parse(readFileSync(path.join(root, 'docs/scan-report.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    const data = JSON.parse(renderJson(report));
    data.findings[0].status = 'ignored';
    expect(validate(data)).toBe(false);
  });

  it('SARIF validates against the official SARIF 2.1.0 schema and carries suppressions', () => {
    const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
    const ajv = new AjvDraft04({
      allErrors: true,
      strict: false,
      validateFormats: false,
      unicodeRegExp: false,
    });
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(renderSarif(report));
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
    expect(validate({ ...sarif, runs: [{ ...sarif.runs[0], results: [{ level: 'severe' }] }] })).toBe(false);
    const run = sarif.runs[0];
    expect(run.tool.driver.rules[0]).toMatchObject({
      id: 'OPS-AWS-S3-901',
      helpUri: 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket',
      properties: { tags: expect.arrayContaining(['public-exposure', 'aws']), 'security-severity': '9.5' },
    });
    expect(
      run.results.map(
        (r: {
          ruleId: string;
          level: string;
          locations: Array<{ physicalLocation: { region: { startLine: number } } }>;
          suppressions?: Array<{ kind: string }>;
        }) => [
          r.ruleId,
          r.level,
          r.locations[0]!.physicalLocation.region.startLine,
          r.suppressions?.[0]?.kind,
        ],
      ),
    ).toEqual([
      ['OPS-AWS-S3-901', 'error', 2, undefined],
      ['OPS-AWS-S3-901', 'error', 6, 'inSource'],
      ['OPS-AWS-S3-901', 'error', 9, 'external'],
    ]);
    expect(run.results[1].suppressions[0].justification).toContain('public website');
    expect(run.results[0].partialFingerprints['opsdeck/v1']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('JUnit is well-formed XML with a failure per open finding', () => {
    const xml = renderJunit(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    expect(doc.testsuites).toMatchObject({ tests: '4', failures: '1', skipped: '2' });
    const suites = doc.testsuites.testsuite;
    expect(suites[0].name).toBe('OPS-AWS-S3-901 S3 bucket is not public <&> "quoted"');
    expect(suites[0].testcase.filter((t: { failure?: unknown }) => t.failure)).toHaveLength(1);
  });

  it('text shows the offending line with a caret, the fix and a summary, without colour when not a TTY', () => {
    const text = renderText(report, { color: false, sourceLines: () => source });
    expect(text).toContain('main.tf:2:1');
    expect(text).toContain('> 2 |   acl = "public-read"');
    expect(text).toMatch(/\| \^+/);
    expect(text).toContain('fix: Set `acl = "private"`.');
    expect(text).toContain('broken.tf:3:7: error [parse] Unclosed block');
    expect(text).toContain('suppressed OPS-AWS-S3-901 aws_s3_bucket.www');
    expect(text).toContain('1 open finding (1 critical) · 1 suppressed · 1 baselined · 3 inconclusive');
    expect(text).not.toContain('\u001b[');
  });

  it('text uses colour when asked', () => {
    expect(renderText(report, { color: true })).toContain('\u001b[');
  });

  it('markdown has a summary table, collapsed sections and respects the length cap', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('| 🟥 critical | 1 |');
    expect(md).toContain('<details><summary><code>main.tf</code>: 1 finding</summary>');
    expect(md).toContain('2 suppressed or baselined');
    const capped = renderMarkdown(report, { maxChars: 700 });
    expect(capped.length).toBeLessThanOrEqual(700);
    expect(capped).toContain('left out to stay within 700 characters');
  });
});

describe('markdown cells', () => {
  it('escapes HTML outside code spans and keeps code spans as written', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('S3 bucket is not public &lt;&amp;&gt; "quoted"');
    expect(md).toContain('Set `acl = "private"`.');
  });
});
