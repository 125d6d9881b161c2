import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-SQS-001',
    name: 'default SSE-SQS, a KMS key, and SSE switched off',
    files: {
      'main.tf':
        'resource "aws_sqs_queue" "default" { name = "a" }\nresource "aws_sqs_queue" "kms" {\n  name              = "b"\n  kms_master_key_id = "alias/aws/sqs"\n}\nresource "aws_sqs_queue" "bad" {\n  name                    = "c"\n  sqs_managed_sse_enabled = false\n}\n',
    },
    expect: {
      'aws_sqs_queue.default': 'pass',
      'aws_sqs_queue.kms': 'pass',
      'aws_sqs_queue.bad': 'fail:sqs_managed_sse_enabled',
    },
  },
  {
    rule: 'OPS-AWS-SQS-002',
    name: 'queue policies from a policy document: public and limited by source ARN',
    files: {
      'main.tf': `
data "aws_iam_policy_document" "public" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:eu-west-1:111122223333:q"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
data "aws_iam_policy_document" "scoped" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:eu-west-1:111122223333:q"]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = ["arn:aws:sns:eu-west-1:111122223333:t"]
    }
  }
}
resource "aws_sqs_queue_policy" "bad" {
  queue_url = "https://sqs/q"
  policy    = data.aws_iam_policy_document.public.json
}
resource "aws_sqs_queue_policy" "ok" {
  queue_url = "https://sqs/q"
  policy    = data.aws_iam_policy_document.scoped.json
}`,
    },
    expect: { 'aws_sqs_queue_policy.bad': 'fail:policy', 'aws_sqs_queue_policy.ok': 'pass' },
  },
];

describe('SQS rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
