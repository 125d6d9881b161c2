import { describe, expect, it } from 'vitest';
import { storageRules } from './storage.js';
import { outcomes, rulesLackingCases, type RuleCase } from './testing.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-AZ-STORAGE-001',
    about: 'TLS from a variable default, a module input, the provider default and a data source',
    files: {
      'main.tf': `
variable "tls" {
  default = "TLS1_0"
}
data "azurerm_client_config" "c" {}
resource "azurerm_storage_account" "explicit" {
  min_tls_version = "TLS1_2"
}
resource "azurerm_storage_account" "absent" {}
resource "azurerm_storage_account" "from_var" {
  min_tls_version = var.tls
}
resource "azurerm_storage_account" "from_data" {
  min_tls_version = data.azurerm_client_config.c.tenant_id
}
module "sa" {
  source = "./modules/sa"
  tls    = "TLS1_1"
}`,
      'modules/sa/main.tf': `
variable "tls" {}
resource "azurerm_storage_account" "this" {
  min_tls_version = var.tls
}`,
    },
    expected: {
      'azurerm_storage_account.explicit': 'pass',
      'azurerm_storage_account.absent': 'pass',
      'azurerm_storage_account.from_var': 'fail:min_tls_version',
      'azurerm_storage_account.from_data': 'unknown',
      'module.sa.azurerm_storage_account.this': 'fail:min_tls_version',
    },
  },
  {
    id: 'OPS-AZ-STORAGE-002',
    about: 'HTTPS-only under its azurerm 4 and azurerm 3 names, and from a -var value',
    vars: { https: 'false' },
    files: {
      'main.tf': `
variable "https" {
  type    = bool
  default = true
}
resource "azurerm_storage_account" "v4_off" {
  https_traffic_only_enabled = false
}
resource "azurerm_storage_account" "v3_off" {
  enable_https_traffic_only = false
}
resource "azurerm_storage_account" "default" {}
resource "azurerm_storage_account" "cli_var" {
  https_traffic_only_enabled = var.https
}`,
    },
    expected: {
      'azurerm_storage_account.v4_off': 'fail:https_traffic_only_enabled',
      'azurerm_storage_account.v3_off': 'fail:enable_https_traffic_only',
      'azurerm_storage_account.default': 'pass',
      'azurerm_storage_account.cli_var': 'fail:https_traffic_only_enabled',
    },
  },
  {
    id: 'OPS-AZ-STORAGE-003',
    about: 'nested public access: explicit, defaulted, the azurerm 2 name and for_each instances',
    files: {
      'main.tf': `
locals {
  accounts = { pub = true, priv = false }
}
resource "azurerm_storage_account" "closed" {
  allow_nested_items_to_be_public = false
}
resource "azurerm_storage_account" "defaulted" {}
resource "azurerm_storage_account" "legacy" {
  allow_blob_public_access = true
}
resource "azurerm_storage_account" "each" {
  for_each                        = local.accounts
  allow_nested_items_to_be_public = each.value
}`,
    },
    expected: {
      'azurerm_storage_account.closed': 'pass',
      'azurerm_storage_account.defaulted': 'fail',
      'azurerm_storage_account.legacy': 'fail:allow_blob_public_access',
      'azurerm_storage_account.each["pub"]': 'fail:allow_nested_items_to_be_public',
      'azurerm_storage_account.each["priv"]': 'pass',
    },
  },
  {
    id: 'OPS-AZ-STORAGE-004',
    about: 'network default action inline, through a separate network rules resource, and unknown',
    files: {
      'main.tf': `
data "azurerm_client_config" "c" {}
resource "azurerm_storage_account" "private" {
  public_network_access_enabled = false
}
resource "azurerm_storage_account" "deny" {
  network_rules {
    default_action = "Deny"
    ip_rules       = ["203.0.113.10"]
  }
}
resource "azurerm_storage_account" "allow" {
  network_rules {
    default_action = "Allow"
  }
}
resource "azurerm_storage_account" "open" {}
resource "azurerm_storage_account" "split" {}
resource "azurerm_storage_account_network_rules" "split" {
  storage_account_id = azurerm_storage_account.split.id
  default_action     = "Deny"
}
resource "azurerm_storage_account" "unknown" {
  network_rules {
    default_action = data.azurerm_client_config.c.object_id
  }
}`,
    },
    expected: {
      'azurerm_storage_account.private': 'pass',
      'azurerm_storage_account.deny': 'pass',
      'azurerm_storage_account.allow': 'fail:network_rules.0.default_action',
      'azurerm_storage_account.open': 'fail',
      'azurerm_storage_account.split': 'pass',
      'azurerm_storage_account.unknown': 'unknown',
    },
  },
  {
    id: 'OPS-AZ-STORAGE-005',
    about: 'infrastructure encryption on, off by default, and from a conditional',
    files: {
      'main.tf': `
variable "env" {
  default = "dev"
}
resource "azurerm_storage_account" "on" {
  infrastructure_encryption_enabled = true
}
resource "azurerm_storage_account" "off" {}
resource "azurerm_storage_account" "cond" {
  infrastructure_encryption_enabled = var.env == "prod"
}`,
    },
    expected: {
      'azurerm_storage_account.on': 'pass',
      'azurerm_storage_account.off': 'fail:infrastructure_encryption_enabled',
      'azurerm_storage_account.cond': 'fail:infrastructure_encryption_enabled',
    },
  },
  {
    id: 'OPS-AZ-STORAGE-006',
    about: 'customer-managed key inline, as a separate resource, and absent',
    files: {
      'main.tf': `
resource "azurerm_storage_account" "inline" {
  customer_managed_key {
    key_vault_key_id          = "https://kv.vault.azure.net/keys/k"
    user_assigned_identity_id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/i"
  }
}
resource "azurerm_storage_account" "separate" {}
resource "azurerm_storage_account_customer_managed_key" "k" {
  storage_account_id = azurerm_storage_account.separate.id
  key_vault_id       = "kv"
  key_name           = "k"
}
resource "azurerm_storage_account" "platform" {}`,
    },
    expected: {
      'azurerm_storage_account.inline': 'pass',
      'azurerm_storage_account.separate': 'pass',
      'azurerm_storage_account.platform': 'fail',
    },
  },
  {
    id: 'OPS-AZ-STORAGE-007',
    about: 'blob soft delete set, absent, turned off through a dynamic block, and FileStorage',
    files: {
      'main.tf': `
variable "soft_delete" {
  default = false
}
resource "azurerm_storage_account" "kept" {
  blob_properties {
    delete_retention_policy {
      days = 14
    }
  }
}
resource "azurerm_storage_account" "none" {}
resource "azurerm_storage_account" "dynamic" {
  blob_properties {
    dynamic "delete_retention_policy" {
      for_each = var.soft_delete ? [1] : []
      content {
        days = 7
      }
    }
  }
}
resource "azurerm_storage_account" "files" {
  account_kind = "FileStorage"
}`,
    },
    expected: {
      'azurerm_storage_account.kept': 'pass',
      'azurerm_storage_account.none': 'fail:blob_properties',
      'azurerm_storage_account.dynamic': 'fail:blob_properties',
      'azurerm_storage_account.files': 'skip',
    },
  },
  {
    id: 'OPS-AZ-STORAGE-008',
    about: 'blob versioning on, off and absent',
    files: {
      'main.tf': `
resource "azurerm_storage_account" "on" {
  blob_properties {
    versioning_enabled = true
  }
}
resource "azurerm_storage_account" "off" {
  blob_properties {
    versioning_enabled = false
  }
}
resource "azurerm_storage_account" "absent" {}`,
    },
    expected: {
      'azurerm_storage_account.on': 'pass',
      'azurerm_storage_account.off': 'fail:blob_properties.0.versioning_enabled',
      'azurerm_storage_account.absent': 'fail',
    },
  },
  {
    id: 'OPS-AZ-STORAGE-009',
    about: 'container access type private, defaulted, public, and per count index',
    files: {
      'main.tf': `
variable "access" {
  default = ["private", "container"]
}
resource "azurerm_storage_container" "private" {
  container_access_type = "private"
}
resource "azurerm_storage_container" "defaulted" {}
resource "azurerm_storage_container" "blob" {
  container_access_type = "blob"
}
resource "azurerm_storage_container" "counted" {
  count                 = 2
  container_access_type = var.access[count.index]
}`,
    },
    expected: {
      'azurerm_storage_container.private': 'pass',
      'azurerm_storage_container.defaulted': 'pass',
      'azurerm_storage_container.blob': 'fail:container_access_type',
      'azurerm_storage_container.counted[0]': 'pass',
      'azurerm_storage_container.counted[1]': 'fail:container_access_type',
    },
  },
];

describe('Azure storage rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(storageRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(storageRules, cases)).toEqual([]);
  });
});
