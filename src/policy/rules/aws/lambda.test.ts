import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const fn = (name: string, body = '') =>
  `resource "aws_lambda_function" "${name}" {\n  function_name = "${name}"\n  role          = "arn:aws:iam::111122223333:role/fn"\n  handler       = "index.handler"\n  runtime       = "nodejs20.x"\n  filename      = "fn.zip"\n${body}}\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-LAMBDA-001',
    name: 'active tracing versus the PassThrough default',
    files: { 'main.tf': fn('ok', '  tracing_config {\n    mode = "Active"\n  }\n') + fn('bad') },
    expect: { 'aws_lambda_function.ok': 'pass', 'aws_lambda_function.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-LAMBDA-002',
    name: 'environment with a KMS key, without one, and no environment',
    files: {
      'main.tf':
        fn(
          'ok',
          '  kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/k"\n  environment {\n    variables = { STAGE = "prod" }\n  }\n',
        ) +
        fn('bad', '  environment {\n    variables = { STAGE = "prod" }\n  }\n') +
        fn('none'),
    },
    expect: {
      'aws_lambda_function.ok': 'pass',
      'aws_lambda_function.bad': 'fail:kms_key_arn',
      'aws_lambda_function.none': 'skip',
    },
  },
  {
    rule: 'OPS-AWS-LAMBDA-003',
    name: 'function URLs with IAM auth and without auth',
    files: {
      'main.tf':
        'resource "aws_lambda_function_url" "ok" {\n  function_name      = "f"\n  authorization_type = "AWS_IAM"\n}\nresource "aws_lambda_function_url" "bad" {\n  function_name      = "f"\n  authorization_type = "NONE"\n}\n',
    },
    expect: {
      'aws_lambda_function_url.ok': 'pass',
      'aws_lambda_function_url.bad': 'fail:authorization_type',
    },
  },
  {
    rule: 'OPS-AWS-LAMBDA-004',
    name: 'invoke permission for everyone, for everyone from one ARN, and for an account',
    files: {
      'main.tf': `
resource "aws_lambda_permission" "bad" {
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "*"
}
resource "aws_lambda_permission" "arn" {
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "*"
  source_arn    = "arn:aws:execute-api:eu-west-1:111122223333:abc/*"
}
resource "aws_lambda_permission" "acct" {
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "111122223333"
}`,
    },
    expect: {
      'aws_lambda_permission.bad': 'fail:principal',
      'aws_lambda_permission.arn': 'pass',
      'aws_lambda_permission.acct': 'pass',
    },
  },
  {
    rule: 'OPS-AWS-LAMBDA-005',
    name: 'service permissions with and without a source ARN',
    files: {
      'main.tf': `
resource "aws_s3_bucket" "b" { bucket = "b" }
resource "aws_lambda_permission" "ok" {
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "s3.amazonaws.com"
  source_arn    = aws_s3_bucket.b.arn
}
resource "aws_lambda_permission" "bad" {
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "sns.amazonaws.com"
}`,
    },
    expect: { 'aws_lambda_permission.ok': 'pass', 'aws_lambda_permission.bad': 'fail:principal' },
  },
  {
    rule: 'OPS-AWS-LAMBDA-006',
    name: 'dead-letter queue configured or not',
    files: {
      'main.tf':
        'resource "aws_sqs_queue" "dlq" { name = "dlq" }\n' +
        fn('ok', '  dead_letter_config {\n    target_arn = aws_sqs_queue.dlq.arn\n  }\n') +
        fn('bad'),
    },
    expect: { 'aws_lambda_function.ok': 'pass', 'aws_lambda_function.bad': 'fail:' },
  },
];

describe('Lambda rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
