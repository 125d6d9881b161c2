import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-CLOUDWATCH-001',
    name: 'log groups with and without a KMS key',
    files: {
      'main.tf':
        'resource "aws_cloudwatch_log_group" "ok" {\n  name       = "app"\n  kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/k"\n}\nresource "aws_cloudwatch_log_group" "bad" {\n  name = "app2"\n}\n',
    },
    expect: { 'aws_cloudwatch_log_group.ok': 'pass', 'aws_cloudwatch_log_group.bad': 'fail:kms_key_id' },
  },
  {
    rule: 'OPS-AWS-CLOUDWATCH-002',
    name: 'retention set, absent, and zero',
    files: {
      'main.tf':
        'resource "aws_cloudwatch_log_group" "ok" {\n  name              = "a"\n  retention_in_days = 30\n}\nresource "aws_cloudwatch_log_group" "absent" {\n  name = "b"\n}\nresource "aws_cloudwatch_log_group" "zero" {\n  name              = "c"\n  retention_in_days = 0\n}\n',
    },
    expect: {
      'aws_cloudwatch_log_group.ok': 'pass',
      'aws_cloudwatch_log_group.absent': 'fail:',
      'aws_cloudwatch_log_group.zero': 'fail:retention_in_days',
    },
  },
  {
    rule: 'OPS-AWS-CLOUDWATCH-003',
    name: 'audit groups kept a year, kept a month, and an ordinary group',
    files: {
      'main.tf':
        'resource "aws_cloudwatch_log_group" "ok" {\n  name              = "/aws/cloudtrail/org"\n  retention_in_days = 400\n}\nresource "aws_cloudwatch_log_group" "bad" {\n  name              = "vpc-flow-logs"\n  retention_in_days = 30\n}\nresource "aws_cloudwatch_log_group" "app" {\n  name              = "/app/web"\n  retention_in_days = 30\n}\n',
    },
    expect: {
      'aws_cloudwatch_log_group.ok': 'pass',
      'aws_cloudwatch_log_group.bad': 'fail:retention_in_days',
      'aws_cloudwatch_log_group.app': 'skip',
    },
  },
];

describe('CloudWatch rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
