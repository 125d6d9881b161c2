import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-KMS-001',
    name: 'rotation on, off, and an asymmetric key',
    files: {
      'main.tf': `
resource "aws_kms_key" "ok" { enable_key_rotation = true }
resource "aws_kms_key" "bad" {}
resource "aws_kms_key" "sign" {
  key_usage                = "SIGN_VERIFY"
  customer_master_key_spec = "RSA_2048"
}`,
    },
    expect: {
      'aws_kms_key.ok': 'pass',
      'aws_kms_key.bad': 'fail:enable_key_rotation',
      'aws_kms_key.sign': 'skip',
    },
  },
  {
    rule: 'OPS-AWS-KMS-002',
    name: 'default and short deletion windows',
    files: {
      'main.tf':
        'resource "aws_kms_key" "ok" {}\nresource "aws_kms_key" "bad" {\n  deletion_window_in_days = 7\n}\n',
    },
    expect: { 'aws_kms_key.ok': 'pass', 'aws_kms_key.bad': 'fail:deletion_window_in_days' },
  },
  {
    rule: 'OPS-AWS-KMS-003',
    name: 'key policies granting kms:* to everyone and to the account root',
    files: {
      'main.tf': `
resource "aws_kms_key" "bad" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:*", Resource = "*" }]
  })
}
resource "aws_kms_key" "ok" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }]
  })
}
resource "aws_kms_key" "nopolicy" {}`,
    },
    expect: { 'aws_kms_key.bad': 'fail:policy', 'aws_kms_key.ok': 'pass', 'aws_kms_key.nopolicy': 'skip' },
  },
];

describe('KMS rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
