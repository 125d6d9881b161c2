import { describe, expect, it } from 'vitest';
import { sqlRules } from './sql.js';
import { outcomes, rulesLackingCases, type RuleCase } from './testing.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-AZ-SQL-001',
    about: 'public network access defaulted on, off, and from a tfvars file',
    files: {
      'main.tf': `
variable "public" {
  type    = bool
  default = false
}
resource "azurerm_mssql_server" "defaulted" {}
resource "azurerm_mssql_server" "private" {
  public_network_access_enabled = false
}
resource "azurerm_mssql_server" "tfvars" {
  public_network_access_enabled = var.public
}`,
      'terraform.tfvars': 'public = true\n',
    },
    expected: {
      'azurerm_mssql_server.defaulted': 'fail',
      'azurerm_mssql_server.private': 'pass',
      'azurerm_mssql_server.tfvars': 'fail:public_network_access_enabled',
    },
  },
  {
    id: 'OPS-AZ-SQL-002',
    about: 'minimum TLS defaulted, 1.2, 1.0 and Disabled',
    files: {
      'main.tf': `
resource "azurerm_mssql_server" "defaulted" {}
resource "azurerm_mssql_server" "tls12" {
  minimum_tls_version = "1.2"
}
resource "azurerm_mssql_server" "tls10" {
  minimum_tls_version = "1.0"
}
resource "azurerm_mssql_server" "disabled" {
  minimum_tls_version = "Disabled"
}`,
    },
    expected: {
      'azurerm_mssql_server.defaulted': 'pass',
      'azurerm_mssql_server.tls12': 'pass',
      'azurerm_mssql_server.tls10': 'fail:minimum_tls_version',
      'azurerm_mssql_server.disabled': 'fail:minimum_tls_version',
    },
  },
  {
    id: 'OPS-AZ-SQL-003',
    about: 'auditing through a separate policy resource, disabled, and absent',
    files: {
      'main.tf': `
resource "azurerm_mssql_server" "audited" {}
resource "azurerm_mssql_server_extended_auditing_policy" "audited" {
  server_id              = azurerm_mssql_server.audited.id
  log_monitoring_enabled = true
}
resource "azurerm_mssql_server" "disabled" {}
resource "azurerm_mssql_server_extended_auditing_policy" "disabled" {
  server_id = azurerm_mssql_server.disabled.id
  enabled   = false
}
resource "azurerm_mssql_server" "silent" {}`,
    },
    expected: {
      'azurerm_mssql_server.audited': 'pass',
      'azurerm_mssql_server.disabled': 'fail',
      'azurerm_mssql_server.silent': 'fail',
    },
  },
  {
    id: 'OPS-AZ-SQL-004',
    about: 'Entra administrator inline, and SQL authentication only',
    files: {
      'main.tf': `
resource "azurerm_mssql_server" "entra" {
  azuread_administrator {
    login_username = "dba-group"
    object_id      = "00000000-0000-0000-0000-000000000000"
  }
}
resource "azurerm_mssql_server" "sql_only" {
  administrator_login = "sa"
}`,
    },
    expected: {
      'azurerm_mssql_server.entra': 'pass',
      'azurerm_mssql_server.sql_only': 'fail',
    },
  },
  {
    id: 'OPS-AZ-SQL-005',
    about: 'firewall rules for the whole internet, Azure services and one office',
    files: {
      'main.tf': `
resource "azurerm_mssql_firewall_rule" "world" {
  start_ip_address = "0.0.0.0"
  end_ip_address   = "255.255.255.255"
}
resource "azurerm_mssql_firewall_rule" "azure_services" {
  start_ip_address = "0.0.0.0"
  end_ip_address   = "0.0.0.0"
}
resource "azurerm_postgresql_flexible_server_firewall_rule" "office" {
  start_ip_address = "203.0.113.1"
  end_ip_address   = "203.0.113.254"
}
resource "azurerm_mysql_flexible_server_firewall_rule" "world" {
  start_ip_address = "0.0.0.0"
  end_ip_address   = "255.255.255.255"
}`,
    },
    expected: {
      'azurerm_mssql_firewall_rule.world': 'fail:end_ip_address',
      'azurerm_mssql_firewall_rule.azure_services': 'pass',
      'azurerm_postgresql_flexible_server_firewall_rule.office': 'pass',
      'azurerm_mysql_flexible_server_firewall_rule.world': 'fail:end_ip_address',
    },
  },
];

describe('Azure SQL rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(sqlRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(sqlRules, cases)).toEqual([]);
  });
});
