import { describe, expect, it } from 'vitest';
import { outcomes, rulesLackingCases, type RuleCase } from '../azure/testing.js';
import { kmsRules } from './kms.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-GCP-KMS-001',
    about: 'rotation of 90 days, a year, none, an asymmetric key and a local',
    files: {
      'main.tf': `
locals {
  rotation = "2592000s"
}
resource "google_kms_crypto_key" "quarterly" {
  rotation_period = "7776000s"
}
resource "google_kms_crypto_key" "yearly" {
  rotation_period = "31536000s"
}
resource "google_kms_crypto_key" "never" {}
resource "google_kms_crypto_key" "signing" {
  purpose = "ASYMMETRIC_SIGN"
}
resource "google_kms_crypto_key" "monthly" {
  rotation_period = local.rotation
}`,
    },
    expected: {
      'google_kms_crypto_key.quarterly': 'pass',
      'google_kms_crypto_key.yearly': 'fail:rotation_period',
      'google_kms_crypto_key.never': 'fail',
      'google_kms_crypto_key.signing': 'skip',
      'google_kms_crypto_key.monthly': 'pass',
    },
  },
];

describe('GCP KMS rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(kmsRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(kmsRules, cases)).toEqual([]);
  });
});
