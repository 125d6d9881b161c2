import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const table = (name: string, body = '') =>
  `resource "aws_dynamodb_table" "${name}" {\n  name     = "${name}"\n  hash_key = "id"\n  billing_mode = "PAY_PER_REQUEST"\n  attribute {\n    name = "id"\n    type = "S"\n  }\n${body}}\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-DYNAMODB-001',
    name: 'point-in-time recovery on, off, and absent',
    files: {
      'main.tf':
        table('ok', '  point_in_time_recovery {\n    enabled = true\n  }\n') +
        table('off', '  point_in_time_recovery {\n    enabled = false\n  }\n') +
        table('absent'),
    },
    expect: {
      'aws_dynamodb_table.ok': 'pass',
      'aws_dynamodb_table.off': 'fail:point_in_time_recovery.0.enabled',
      'aws_dynamodb_table.absent': 'fail:',
    },
  },
  {
    rule: 'OPS-AWS-DYNAMODB-002',
    name: 'customer-managed key, AWS-managed key, and the default AWS-owned key',
    files: {
      'main.tf':
        table(
          'ok',
          '  server_side_encryption {\n    enabled     = true\n    kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/k"\n  }\n',
        ) +
        table('managed', '  server_side_encryption {\n    enabled = true\n  }\n') +
        table('owned'),
    },
    expect: {
      'aws_dynamodb_table.ok': 'pass',
      'aws_dynamodb_table.managed': 'fail:server_side_encryption.0.enabled',
      'aws_dynamodb_table.owned': 'fail:',
    },
  },
];

describe('DynamoDB rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
