import { describe, expect, it } from 'vitest';
import { keyVaultRules } from './keyvault.js';
import { outcomes, rulesLackingCases, type RuleCase } from './testing.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-AZ-KEYVAULT-001',
    about: 'purge protection on, defaulted off, and from a module input',
    files: {
      'main.tf': `
resource "azurerm_key_vault" "protected" {
  purge_protection_enabled = true
}
resource "azurerm_key_vault" "defaulted" {}
module "kv" {
  source = "./modules/kv"
  purge  = false
}`,
      'modules/kv/main.tf': `
variable "purge" {
  type = bool
}
resource "azurerm_key_vault" "this" {
  purge_protection_enabled = var.purge
}`,
    },
    expected: {
      'azurerm_key_vault.protected': 'pass',
      'azurerm_key_vault.defaulted': 'fail:purge_protection_enabled',
      'module.kv.azurerm_key_vault.this': 'fail:purge_protection_enabled',
    },
  },
  {
    id: 'OPS-AZ-KEYVAULT-002',
    about: 'soft delete retention defaulted, shortened, disabled on azurerm 2, and unknown',
    files: {
      'main.tf': `
data "azurerm_client_config" "c" {}
resource "azurerm_key_vault" "defaulted" {}
resource "azurerm_key_vault" "ninety" {
  soft_delete_retention_days = 90
}
resource "azurerm_key_vault" "short" {
  soft_delete_retention_days = 7
}
resource "azurerm_key_vault" "off" {
  soft_delete_enabled = false
}
resource "azurerm_key_vault" "unknown" {
  soft_delete_retention_days = data.azurerm_client_config.c.tenant_id
}`,
    },
    expected: {
      'azurerm_key_vault.defaulted': 'pass',
      'azurerm_key_vault.ninety': 'pass',
      'azurerm_key_vault.short': 'fail:soft_delete_retention_days',
      'azurerm_key_vault.off': 'fail:soft_delete_enabled',
      'azurerm_key_vault.unknown': 'unknown',
    },
  },
  {
    id: 'OPS-AZ-KEYVAULT-003',
    about: 'network ACL deny, allow, absent, and public access disabled',
    files: {
      'main.tf': `
resource "azurerm_key_vault" "deny" {
  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }
}
resource "azurerm_key_vault" "allow" {
  network_acls {
    default_action = "Allow"
    bypass         = "AzureServices"
  }
}
resource "azurerm_key_vault" "absent" {}
resource "azurerm_key_vault" "private" {
  public_network_access_enabled = false
}`,
    },
    expected: {
      'azurerm_key_vault.deny': 'pass',
      'azurerm_key_vault.allow': 'fail:network_acls.0.default_action',
      'azurerm_key_vault.absent': 'fail',
      'azurerm_key_vault.private': 'pass',
    },
  },
  {
    id: 'OPS-AZ-KEYVAULT-004',
    about: 'key expiration set, absent, and computed by a resource',
    files: {
      'main.tf': `
resource "time_offset" "expiry" {
  offset_days = 365
}
resource "azurerm_key_vault_key" "expiring" {
  expiration_date = "2027-01-01T00:00:00Z"
}
resource "azurerm_key_vault_key" "forever" {}
resource "azurerm_key_vault_key" "computed" {
  expiration_date = time_offset.expiry.rfc3339
}`,
    },
    expected: {
      'azurerm_key_vault_key.expiring': 'pass',
      'azurerm_key_vault_key.forever': 'fail',
      'azurerm_key_vault_key.computed': 'unknown',
    },
  },
  {
    id: 'OPS-AZ-KEYVAULT-005',
    about: 'secret expiration set per for_each instance',
    files: {
      'main.tf': `
variable "secrets" {
  default = {
    db  = "2027-01-01T00:00:00Z"
    api = null
  }
}
resource "azurerm_key_vault_secret" "s" {
  for_each        = var.secrets
  name            = each.key
  expiration_date = each.value
}`,
    },
    expected: {
      'azurerm_key_vault_secret.s["db"]': 'pass',
      'azurerm_key_vault_secret.s["api"]': 'fail',
    },
  },
  {
    id: 'OPS-AZ-KEYVAULT-006',
    about: 'secret content type set and absent',
    files: {
      'main.tf': `
resource "azurerm_key_vault_secret" "typed" {
  content_type = "password"
}
resource "azurerm_key_vault_secret" "untyped" {}`,
    },
    expected: {
      'azurerm_key_vault_secret.typed': 'pass',
      'azurerm_key_vault_secret.untyped': 'fail',
    },
  },
];

describe('Azure key vault rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(keyVaultRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(keyVaultRules, cases)).toEqual([]);
  });
});
