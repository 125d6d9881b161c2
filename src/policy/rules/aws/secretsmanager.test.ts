import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-SECRETSMANAGER-001',
    name: 'a secret with a CMK from the configuration and one with the default key',
    files: {
      'main.tf':
        'resource "aws_kms_key" "k" {}\nresource "aws_secretsmanager_secret" "ok" {\n  name       = "a"\n  kms_key_id = aws_kms_key.k.arn\n}\nresource "aws_secretsmanager_secret" "bad" {\n  name = "b"\n}\n',
    },
    expect: { 'aws_secretsmanager_secret.ok': 'pass', 'aws_secretsmanager_secret.bad': 'fail:kms_key_id' },
  },
  {
    rule: 'OPS-AWS-SECRETSMANAGER-002',
    name: 'a rotated secret and one without rotation',
    files: {
      'main.tf': `
resource "aws_secretsmanager_secret" "ok" { name = "a" }
resource "aws_secretsmanager_secret" "bad" { name = "b" }
resource "aws_secretsmanager_secret_rotation" "r" {
  secret_id           = aws_secretsmanager_secret.ok.id
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:111122223333:function:rotate"
  rotation_rules { automatically_after_days = 30 }
}`,
    },
    expect: { 'aws_secretsmanager_secret.ok': 'pass', 'aws_secretsmanager_secret.bad': 'fail:' },
  },
];

describe('Secrets Manager rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
