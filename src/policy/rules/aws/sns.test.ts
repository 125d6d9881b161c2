import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-SNS-001',
    name: 'topics with and without a KMS key',
    files: {
      'main.tf':
        'resource "aws_sns_topic" "ok" {\n  name              = "a"\n  kms_master_key_id = "alias/aws/sns"\n}\nresource "aws_sns_topic" "bad" {\n  name = "b"\n}\n',
    },
    expect: { 'aws_sns_topic.ok': 'pass', 'aws_sns_topic.bad': 'fail:kms_master_key_id' },
  },
  {
    rule: 'OPS-AWS-SNS-002',
    name: 'topic policies open to everyone and limited by source account',
    files: {
      'main.tf': `
resource "aws_sns_topic_policy" "bad" {
  arn    = "arn:aws:sns:eu-west-1:111122223333:t"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "SNS:Publish", Resource = "arn:aws:sns:eu-west-1:111122223333:t" }] })
}
resource "aws_sns_topic_policy" "ok" {
  arn = "arn:aws:sns:eu-west-1:111122223333:t"
  policy = jsonencode({ Statement = [{
    Effect    = "Allow"
    Principal = "*"
    Action    = "SNS:Publish"
    Resource  = "arn:aws:sns:eu-west-1:111122223333:t"
    Condition = { StringEquals = { "AWS:SourceAccount" = "111122223333" } }
  }] })
}`,
    },
    expect: { 'aws_sns_topic_policy.bad': 'fail:policy', 'aws_sns_topic_policy.ok': 'pass' },
  },
];

describe('SNS rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
