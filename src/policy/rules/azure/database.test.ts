import { describe, expect, it } from 'vitest';
import { databaseRules } from './database.js';
import { outcomes, rulesLackingCases, type RuleCase } from './testing.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-AZ-DATABASE-001',
    about: 'TLS enforced by default, turned off by a server parameter, and on single servers',
    files: {
      'main.tf': `
resource "azurerm_postgresql_flexible_server" "default" {}
resource "azurerm_postgresql_flexible_server" "insecure" {}
resource "azurerm_postgresql_flexible_server_configuration" "tls_off" {
  server_id = azurerm_postgresql_flexible_server.insecure.id
  name      = "require_secure_transport"
  value     = "off"
}
resource "azurerm_mysql_flexible_server" "other_param" {}
resource "azurerm_mysql_flexible_server_configuration" "tz" {
  server_id = azurerm_mysql_flexible_server.other_param.id
  name      = "time_zone"
  value     = "+00:00"
}
resource "azurerm_mysql_server" "single_off" {
  ssl_enforcement_enabled = false
}
resource "azurerm_postgresql_server" "single_on" {
  ssl_enforcement_enabled = true
}`,
    },
    expected: {
      'azurerm_postgresql_flexible_server.default': 'pass',
      'azurerm_postgresql_flexible_server.insecure': 'fail',
      'azurerm_mysql_flexible_server.other_param': 'pass',
      'azurerm_mysql_server.single_off': 'fail:ssl_enforcement_enabled',
      'azurerm_postgresql_server.single_on': 'pass',
    },
  },
  {
    id: 'OPS-AZ-DATABASE-002',
    about: 'public by default, VNet-integrated, disabled, and the MySQL string form',
    files: {
      'main.tf': `
resource "azurerm_subnet" "db" {}
resource "azurerm_postgresql_flexible_server" "public" {}
resource "azurerm_postgresql_flexible_server" "vnet" {
  delegated_subnet_id           = azurerm_subnet.db.id
  public_network_access_enabled = false
}
resource "azurerm_postgresql_flexible_server" "closed" {
  public_network_access_enabled = false
}
resource "azurerm_mysql_flexible_server" "enabled" {
  public_network_access = "Enabled"
}
resource "azurerm_mysql_server" "single" {
  public_network_access_enabled = true
}`,
    },
    expected: {
      'azurerm_postgresql_flexible_server.public': 'fail',
      'azurerm_postgresql_flexible_server.vnet': 'pass',
      'azurerm_postgresql_flexible_server.closed': 'pass',
      'azurerm_mysql_flexible_server.enabled': 'fail:public_network_access',
      'azurerm_mysql_server.single': 'fail:public_network_access_enabled',
    },
  },
  {
    id: 'OPS-AZ-DATABASE-003',
    about: 'geo-redundant backups on, defaulted off, and from a local',
    files: {
      'main.tf': `
locals {
  prod = false
}
resource "azurerm_postgresql_flexible_server" "geo" {
  geo_redundant_backup_enabled = true
}
resource "azurerm_mysql_flexible_server" "defaulted" {}
resource "azurerm_postgresql_flexible_server" "local" {
  geo_redundant_backup_enabled = local.prod
}`,
    },
    expected: {
      'azurerm_postgresql_flexible_server.geo': 'pass',
      'azurerm_mysql_flexible_server.defaulted': 'fail:geo_redundant_backup_enabled',
      'azurerm_postgresql_flexible_server.local': 'fail:geo_redundant_backup_enabled',
    },
  },
];

describe('Azure PostgreSQL and MySQL rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(databaseRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(databaseRules, cases)).toEqual([]);
  });
});
