import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const trail = (name: string, body = '') =>
  `resource "aws_cloudtrail" "${name}" {\n  name           = "${name}"\n  s3_bucket_name = "trail-logs"\n${body}}\n`;

const good = `  is_multi_region_trail      = true
  enable_log_file_validation = true
  kms_key_id                 = "arn:aws:kms:eu-west-1:111122223333:key/k"
  cloud_watch_logs_group_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:trail:*"
`;

const cases: RuleCase[] = [
  ...(
    [
      ['OPS-AWS-CLOUDTRAIL-001', 'is_multi_region_trail'],
      ['OPS-AWS-CLOUDTRAIL-002', 'enable_log_file_validation'],
      ['OPS-AWS-CLOUDTRAIL-003', 'kms_key_id'],
      ['OPS-AWS-CLOUDTRAIL-004', 'cloud_watch_logs_group_arn'],
    ] as const
  ).map(([rule, attr]): RuleCase => ({
    rule,
    name: `a hardened trail passes, a bare trail fails on ${attr}`,
    files: { 'main.tf': trail('ok', good) + trail('bad') },
    expect: { 'aws_cloudtrail.ok': 'pass', 'aws_cloudtrail.bad': `fail:${attr}` },
  })),
  {
    rule: 'OPS-AWS-CLOUDTRAIL-003',
    name: 'a KMS key created in the same configuration counts although its ARN is known only after apply',
    files: {
      'main.tf': 'resource "aws_kms_key" "k" {}\n' + trail('t', '  kms_key_id = aws_kms_key.k.arn\n'),
    },
    expect: { 'aws_cloudtrail.t': 'pass' },
  },
  {
    rule: 'OPS-AWS-CLOUDTRAIL-005',
    name: 'logging on by default and switched off',
    files: { 'main.tf': trail('ok') + trail('bad', '  enable_logging = false\n') },
    expect: { 'aws_cloudtrail.ok': 'pass', 'aws_cloudtrail.bad': 'fail:enable_logging' },
  },
];

describe('CloudTrail rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
