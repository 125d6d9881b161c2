import { describe, expect, it } from 'vitest';
import { authorizationRules } from './authorization.js';
import { outcomes, rulesLackingCases, type RuleCase } from './testing.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-AZ-IAM-001',
    about:
      'wildcard custom roles at subscription and resource-group scope, a narrow role, and an unknown scope',
    files: {
      'main.tf': `
data "azurerm_subscription" "primary" {}
locals {
  sub = "/subscriptions/00000000-0000-0000-0000-000000000000"
}
resource "azurerm_role_definition" "owner_clone" {
  scope = local.sub
  permissions {
    actions = ["*"]
  }
  assignable_scopes = [local.sub]
}
resource "azurerm_role_definition" "rg_wildcard" {
  scope = "\${local.sub}/resourceGroups/app"
  permissions {
    actions = ["*"]
  }
}
resource "azurerm_role_definition" "reader" {
  scope = local.sub
  permissions {
    actions = ["Microsoft.Compute/virtualMachines/read"]
  }
}
resource "azurerm_role_definition" "unknown_scope" {
  scope = data.azurerm_subscription.primary.id
  permissions {
    actions = ["*"]
  }
}`,
    },
    expected: {
      'azurerm_role_definition.owner_clone': 'fail:permissions',
      'azurerm_role_definition.rg_wildcard': 'pass',
      'azurerm_role_definition.reader': 'pass',
      'azurerm_role_definition.unknown_scope': 'unknown',
    },
  },
  {
    id: 'OPS-AZ-IAM-002',
    about:
      'Owner at subscription, Reader at subscription, Owner on a resource group, and a wildcard custom role',
    files: {
      'main.tf': `
locals {
  sub = "/subscriptions/00000000-0000-0000-0000-000000000000"
}
resource "azurerm_role_assignment" "owner_sub" {
  scope                = local.sub
  role_definition_name = "Owner"
  principal_id         = "11111111-1111-1111-1111-111111111111"
}
resource "azurerm_role_assignment" "reader_sub" {
  scope                = local.sub
  role_definition_name = "Reader"
  principal_id         = "11111111-1111-1111-1111-111111111111"
}
resource "azurerm_role_assignment" "owner_rg" {
  scope                = "\${local.sub}/resourceGroups/app"
  role_definition_name = "Owner"
  principal_id         = "11111111-1111-1111-1111-111111111111"
}
resource "azurerm_role_definition" "custom" {
  scope = local.sub
  permissions {
    actions = ["*"]
  }
}
resource "azurerm_role_assignment" "custom_sub" {
  scope              = local.sub
  role_definition_id = azurerm_role_definition.custom.role_definition_resource_id
  principal_id       = "11111111-1111-1111-1111-111111111111"
}`,
    },
    expected: {
      'azurerm_role_assignment.owner_sub': 'fail:role_definition_name',
      'azurerm_role_assignment.reader_sub': 'pass',
      'azurerm_role_assignment.owner_rg': 'pass',
      'azurerm_role_assignment.custom_sub': 'fail:role_definition_id',
    },
  },
];

describe('Azure authorization rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(authorizationRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(authorizationRules, cases)).toEqual([]);
  });
});
