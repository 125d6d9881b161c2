import { describe, expect, it } from 'vitest';
import type { TagPolicy } from '../../rule.js';
import { tagRules } from './tags.js';
import { outcomes, rulesLackingCases, type RuleCase } from './testing.js';

const policy: TagPolicy = {
  required: ['Owner', 'Environment'],
  allowed: { Environment: ['prod', 'staging', 'dev'] },
  caseSensitive: false,
};

const cases: RuleCase[] = [
  {
    id: 'OPS-AZ-TAGS-001',
    about: 'tags matched case-insensitively, missing, a bad value, from locals via merge(), and unknown',
    tagPolicy: policy,
    files: {
      'main.tf': `
data "azurerm_client_config" "c" {}
locals {
  common = { owner = "team-a" }
}
resource "azurerm_resource_group" "tagged" {
  tags = { OWNER = "team-a", environment = "prod" }
}
resource "azurerm_resource_group" "untagged" {}
resource "azurerm_storage_account" "bad_env" {
  tags = { Owner = "team-a", Environment = "production" }
}
resource "azurerm_key_vault" "merged" {
  tags = merge(local.common, { Environment = "dev" })
}
resource "azurerm_key_vault" "unknown" {
  tags = data.azurerm_client_config.c.tags
}`,
    },
    expected: {
      'azurerm_resource_group.tagged': 'pass',
      'azurerm_resource_group.untagged': 'fail',
      'azurerm_storage_account.bad_env': 'fail:tags',
      'azurerm_key_vault.merged': 'pass',
      'azurerm_key_vault.unknown': 'unknown',
    },
  },
];

describe('Azure tagging rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(tagRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(tagRules, cases)).toEqual([]);
  });
});
