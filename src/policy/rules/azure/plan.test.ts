import { describe, expect, it } from 'vitest';
import { readPlanJson } from '../../../iac/terraform/plan.js';
import { checkRuleOnResources } from '../../testing.js';
import { azureRules } from './index.js';
import { ruleById } from './testing.js';

/** A `terraform show -json` plan as azurerm 4 writes it: defaults are explicit, references in `configuration`. */
const plan = {
  format_version: '1.2',
  terraform_version: '1.9.5',
  planned_values: {
    root_module: {
      resources: [
        {
          address: 'azurerm_storage_account.split',
          mode: 'managed',
          type: 'azurerm_storage_account',
          name: 'split',
          provider_name: 'registry.terraform.io/hashicorp/azurerm',
          values: {
            name: 'splitacct',
            min_tls_version: 'TLS1_2',
            https_traffic_only_enabled: true,
            allow_nested_items_to_be_public: false,
            public_network_access_enabled: true,
            network_rules: [],
          },
        },
        {
          address: 'azurerm_storage_account_network_rules.split',
          mode: 'managed',
          type: 'azurerm_storage_account_network_rules',
          name: 'split',
          provider_name: 'registry.terraform.io/hashicorp/azurerm',
          values: { default_action: 'Deny', ip_rules: ['203.0.113.10'] },
        },
        {
          address: 'azurerm_storage_account.open',
          mode: 'managed',
          type: 'azurerm_storage_account',
          name: 'open',
          provider_name: 'registry.terraform.io/hashicorp/azurerm',
          values: {
            name: 'openacct',
            min_tls_version: 'TLS1_0',
            https_traffic_only_enabled: true,
            allow_nested_items_to_be_public: true,
            public_network_access_enabled: true,
            network_rules: [],
          },
        },
      ],
    },
  },
  resource_changes: [
    {
      address: 'azurerm_storage_account_network_rules.split',
      mode: 'managed',
      type: 'azurerm_storage_account_network_rules',
      name: 'split',
      change: {
        actions: ['create'],
        after: { default_action: 'Deny', ip_rules: ['203.0.113.10'] },
        after_unknown: { storage_account_id: true, id: true },
      },
    },
  ],
  configuration: {
    root_module: {
      resources: [
        {
          address: 'azurerm_storage_account_network_rules.split',
          mode: 'managed',
          type: 'azurerm_storage_account_network_rules',
          name: 'split',
          expressions: {
            storage_account_id: {
              references: ['azurerm_storage_account.split.id', 'azurerm_storage_account.split'],
            },
            default_action: { constant_value: 'Deny' },
          },
        },
      ],
    },
  },
};

describe('Azure rules on plan JSON input', () => {
  const { resources, diagnostics } = readPlanJson(JSON.stringify(plan), 'plan.json');

  it.each([
    [
      'OPS-AZ-STORAGE-001',
      { 'azurerm_storage_account.split': 'pass', 'azurerm_storage_account.open': 'fail' },
    ],
    [
      'OPS-AZ-STORAGE-003',
      { 'azurerm_storage_account.split': 'pass', 'azurerm_storage_account.open': 'fail' },
    ],
    [
      'OPS-AZ-STORAGE-004',
      { 'azurerm_storage_account.split': 'pass', 'azurerm_storage_account.open': 'fail' },
    ],
  ])('%s reads explicit defaults and configuration references of a plan', (id, expected) => {
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const out = checkRuleOnResources(ruleById(azureRules, id), resources);
    expect(Object.fromEntries(out.map((o) => [o.address, o.result.status]))).toEqual(expected);
  });
});
