import { describe, expect, it } from 'vitest';
import { aksRules } from './aks.js';
import { outcomes, rulesLackingCases, type RuleCase } from './testing.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-AZ-AKS-001',
    about: 'RBAC defaulted on, turned off, and off in the azurerm 2 block',
    files: {
      'main.tf': `
resource "azurerm_kubernetes_cluster" "defaulted" {}
resource "azurerm_kubernetes_cluster" "off" {
  role_based_access_control_enabled = false
}
resource "azurerm_kubernetes_cluster" "legacy_off" {
  role_based_access_control {
    enabled = false
  }
}`,
    },
    expected: {
      'azurerm_kubernetes_cluster.defaulted': 'pass',
      'azurerm_kubernetes_cluster.off': 'fail:role_based_access_control_enabled',
      'azurerm_kubernetes_cluster.legacy_off': 'fail:role_based_access_control.0.enabled',
    },
  },
  {
    id: 'OPS-AZ-AKS-002',
    about: 'private cluster, authorized ranges in both provider forms, 0.0.0.0/0 and a public API',
    files: {
      'main.tf': `
variable "ranges" {
  default = ["203.0.113.0/24"]
}
resource "azurerm_kubernetes_cluster" "private" {
  private_cluster_enabled = true
}
resource "azurerm_kubernetes_cluster" "profile" {
  api_server_access_profile {
    authorized_ip_ranges = var.ranges
  }
}
resource "azurerm_kubernetes_cluster" "legacy" {
  api_server_authorized_ip_ranges = ["198.51.100.0/24"]
}
resource "azurerm_kubernetes_cluster" "world" {
  api_server_access_profile {
    authorized_ip_ranges = ["0.0.0.0/0"]
  }
}
resource "azurerm_kubernetes_cluster" "public" {}`,
    },
    expected: {
      'azurerm_kubernetes_cluster.private': 'pass',
      'azurerm_kubernetes_cluster.profile': 'pass',
      'azurerm_kubernetes_cluster.legacy': 'pass',
      'azurerm_kubernetes_cluster.world': 'fail',
      'azurerm_kubernetes_cluster.public': 'fail',
    },
  },
  {
    id: 'OPS-AZ-AKS-003',
    about: 'network policy set, and a network profile without one',
    files: {
      'main.tf': `
resource "azurerm_kubernetes_cluster" "calico" {
  network_profile {
    network_plugin = "azure"
    network_policy = "calico"
  }
}
resource "azurerm_kubernetes_cluster" "none" {
  network_profile {
    network_plugin = "kubenet"
  }
}`,
    },
    expected: {
      'azurerm_kubernetes_cluster.calico': 'pass',
      'azurerm_kubernetes_cluster.none': 'fail:network_profile',
    },
  },
  {
    id: 'OPS-AZ-AKS-004',
    about: 'local accounts disabled and defaulted on',
    files: {
      'main.tf': `
resource "azurerm_kubernetes_cluster" "entra_only" {
  local_account_disabled = true
}
resource "azurerm_kubernetes_cluster" "defaulted" {}`,
    },
    expected: {
      'azurerm_kubernetes_cluster.entra_only': 'pass',
      'azurerm_kubernetes_cluster.defaulted': 'fail:local_account_disabled',
    },
  },
  {
    id: 'OPS-AZ-AKS-005',
    about: 'logs through the OMS agent, a diagnostic setting, or nowhere',
    files: {
      'main.tf': `
resource "azurerm_kubernetes_cluster" "oms" {
  oms_agent {
    log_analytics_workspace_id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/w"
  }
}
resource "azurerm_kubernetes_cluster" "diag" {}
resource "azurerm_monitor_diagnostic_setting" "diag" {
  name               = "aks"
  target_resource_id = azurerm_kubernetes_cluster.diag.id
  enabled_log {
    category = "kube-audit"
  }
}
resource "azurerm_kubernetes_cluster" "dark" {}`,
    },
    expected: {
      'azurerm_kubernetes_cluster.oms': 'pass',
      'azurerm_kubernetes_cluster.diag': 'pass',
      'azurerm_kubernetes_cluster.dark': 'fail',
    },
  },
];

describe('Azure AKS rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(aksRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(aksRules, cases)).toEqual([]);
  });
});
