import type { Rule } from '../../rule.js';
import { defineRule, expect, fail, get, PASS } from '../../rule-kit.js';
import { attached, awsMeta, isConfigured } from './helpers.js';

const T = ['aws_secretsmanager_secret'];

const cmk = defineRule(
  awsMeta({
    id: 'OPS-AWS-SECRETSMANAGER-001',
    title: 'Secrets Manager secret is not encrypted with a customer-managed key',
    severity: 'low',
    family: 'encryption',
    resourceTypes: T,
    remediation:
      'Set `kms_key_id` to a customer-managed KMS key (the default is the AWS-managed `aws/secretsmanager`).',
    docs: ['https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html'],
    checkov: ['CKV_AWS_149'],
    trivy: [['AVD-AWS-0098', 'aws-ssm-secret-use-customer-key']],
  }),
  (r) => expect(isConfigured(get(r, 'kms_key_id')), 'Secret uses the AWS-managed key', 'kms_key_id'),
);

const rotation = defineRule(
  awsMeta({
    id: 'OPS-AWS-SECRETSMANAGER-002',
    title: 'Secrets Manager secret has no automatic rotation',
    severity: 'medium',
    family: 'least-privilege',
    resourceTypes: T,
    remediation:
      'Add an `aws_secretsmanager_secret_rotation` with `secret_id` set to this secret and `rotation_rules { automatically_after_days = 30 }`.',
    docs: ['https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html'],
    checkov: ['CKV2_AWS_57'],
  }),
  (r, ctx) =>
    attached(ctx, r, 'aws_secretsmanager_secret_rotation', 'secret_id').length > 0
      ? PASS
      : fail('No aws_secretsmanager_secret_rotation references this secret'),
);

export const secretsmanagerRules: Rule[] = [cmk, rotation];
