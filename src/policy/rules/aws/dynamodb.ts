import type { Rule } from '../../rule.js';
import { defineRule, expect, fail, get, PASS, truthy, unknownResult } from '../../rule-kit.js';
import { awsMeta, isSet } from './helpers.js';

const pitr = defineRule(
  awsMeta({
    id: 'OPS-AWS-DYNAMODB-001',
    title: 'DynamoDB table has no point-in-time recovery',
    severity: 'medium',
    family: 'resilience',
    resourceTypes: ['aws_dynamodb_table'],
    remediation: 'Add `point_in_time_recovery { enabled = true }`.',
    docs: ['https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html'],
    checkov: ['CKV_AWS_28'],
    trivy: [['AVD-AWS-0024', 'aws-dynamodb-enable-recovery']],
  }),
  (r) =>
    expect(
      truthy(get(r, 'point_in_time_recovery.0.enabled'), false),
      'Point-in-time recovery is off',
      get(r, 'point_in_time_recovery.0.enabled') === undefined
        ? undefined
        : 'point_in_time_recovery.0.enabled',
    ),
);

const cmk = defineRule(
  awsMeta({
    id: 'OPS-AWS-DYNAMODB-002',
    title: 'DynamoDB table is not encrypted with a customer-managed key',
    severity: 'low',
    family: 'encryption',
    resourceTypes: ['aws_dynamodb_table'],
    remediation:
      'Add `server_side_encryption { enabled = true, kms_key_arn = aws_kms_key.table.arn }` (without it the table uses an AWS-owned key).',
    docs: ['https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html'],
    checkov: ['CKV_AWS_119'],
    trivy: [['AVD-AWS-0025', 'aws-dynamodb-table-customer-key']],
  }),
  (r) => {
    const on = truthy(get(r, 'server_side_encryption.0.enabled'), false);
    if (on === 'unknown') return unknownResult('server_side_encryption is known only after apply');
    if (!on) return fail('Table uses the AWS-owned key');
    const key = isSet(get(r, 'server_side_encryption.0.kms_key_arn'));
    if (key === 'unknown' || key) return PASS;
    return fail('Table uses the AWS-managed key aws/dynamodb', 'server_side_encryption.0.enabled');
  },
);

export const dynamodbRules: Rule[] = [pitr, cmk];
