import { describe, expect, it } from 'vitest';
import { monitorRules } from './monitor.js';
import { outcomes, rulesLackingCases, type RuleCase } from './testing.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-AZ-MONITOR-001',
    about: 'vault audit logs in both provider forms, metrics only, and no setting',
    files: {
      'main.tf': `
resource "azurerm_key_vault" "logged" {}
resource "azurerm_monitor_diagnostic_setting" "logged" {
  name               = "kv"
  target_resource_id = azurerm_key_vault.logged.id
  enabled_log {
    category_group = "audit"
  }
}
resource "azurerm_key_vault" "legacy" {}
resource "azurerm_monitor_diagnostic_setting" "legacy" {
  name               = "kv"
  target_resource_id = azurerm_key_vault.legacy.id
  log {
    category = "AuditEvent"
    enabled  = true
  }
}
resource "azurerm_key_vault" "metrics" {}
resource "azurerm_monitor_diagnostic_setting" "metrics" {
  name               = "kv"
  target_resource_id = azurerm_key_vault.metrics.id
  metric {
    category = "AllMetrics"
  }
}
resource "azurerm_key_vault" "dark" {}`,
    },
    expected: {
      'azurerm_key_vault.logged': 'pass',
      'azurerm_key_vault.legacy': 'pass',
      'azurerm_key_vault.metrics': 'fail',
      'azurerm_key_vault.dark': 'fail',
    },
  },
  {
    id: 'OPS-AZ-MONITOR-002',
    about: 'log profile retention of a year, forever, 30 days and disabled (kept indefinitely)',
    files: {
      'main.tf': `
resource "azurerm_monitor_log_profile" "year" {
  retention_policy {
    enabled = true
    days    = 365
  }
}
resource "azurerm_monitor_log_profile" "forever" {
  retention_policy {
    enabled = true
    days    = 0
  }
}
resource "azurerm_monitor_log_profile" "month" {
  retention_policy {
    enabled = true
    days    = 30
  }
}
resource "azurerm_monitor_log_profile" "disabled" {
  retention_policy {
    enabled = false
  }
}`,
    },
    expected: {
      'azurerm_monitor_log_profile.year': 'pass',
      'azurerm_monitor_log_profile.forever': 'pass',
      'azurerm_monitor_log_profile.month': 'fail:retention_policy.0.days',
      'azurerm_monitor_log_profile.disabled': 'pass',
    },
  },
  {
    id: 'OPS-AZ-MONITOR-003',
    about: 'log profile categories complete and missing Delete',
    files: {
      'main.tf': `
resource "azurerm_monitor_log_profile" "all" {
  categories = ["Action", "Delete", "Write"]
}
resource "azurerm_monitor_log_profile" "partial" {
  categories = ["Action", "Write"]
}`,
    },
    expected: {
      'azurerm_monitor_log_profile.all': 'pass',
      'azurerm_monitor_log_profile.partial': 'fail:categories',
    },
  },
];

describe('Azure monitor rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(monitorRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(monitorRules, cases)).toEqual([]);
  });
});
