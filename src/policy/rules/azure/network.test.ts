import { describe, expect, it } from 'vitest';
import { networkRules } from './network.js';
import { outcomes, rulesLackingCases, type RuleCase } from './testing.js';

const nsgFiles = {
  'main.tf': `
variable "admin_ports" {
  default = ["22", "3389"]
}
data "azurerm_client_config" "c" {}

resource "azurerm_network_security_group" "ssh_open" {
  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "office_only" {
  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "203.0.113.0/24"
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "deny-all"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "dynamic_rules" {
  dynamic "security_rule" {
    for_each = var.admin_ports
    content {
      name                       = "admin-\${security_rule.value}"
      priority                   = 100 + security_rule.key
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = security_rule.value
      source_address_prefix      = "Internet"
      destination_address_prefix = "*"
    }
  }
}

resource "azurerm_network_security_group" "unknown_source" {
  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = data.azurerm_client_config.c.tenant_id
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_rule" "range" {
  name                        = "range"
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_ranges     = ["20-25", "3000-4000"]
  source_address_prefixes     = ["10.0.0.0/8", "0.0.0.0/0"]
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
}

resource "azurerm_network_security_rule" "outbound" {
  name                        = "out"
  priority                    = 120
  direction                   = "Outbound"
  access                      = "Allow"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
}

resource "azurerm_network_security_rule" "any_any" {
  name                        = "any"
  priority                    = 130
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "0-65535"
  source_address_prefix       = "Any"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
}
`,
};

const cases: RuleCase[] = [
  {
    id: 'OPS-AZ-NETWORK-001',
    about: 'SSH from * inline, from an office range, from dynamic blocks, unknown, and port ranges',
    files: nsgFiles,
    expected: {
      'azurerm_network_security_group.ssh_open': 'fail:security_rule.0',
      'azurerm_network_security_group.office_only': 'pass',
      'azurerm_network_security_group.dynamic_rules': 'fail:security_rule.0',
      'azurerm_network_security_group.unknown_source': 'unknown',
      'azurerm_network_security_rule.range': 'fail',
      'azurerm_network_security_rule.outbound': 'pass',
      'azurerm_network_security_rule.any_any': 'fail',
    },
  },
  {
    id: 'OPS-AZ-NETWORK-002',
    about: 'RDP from the internet through dynamic blocks, a 3000-4000 range and any-protocol rules',
    files: nsgFiles,
    expected: {
      'azurerm_network_security_group.ssh_open': 'pass',
      'azurerm_network_security_group.office_only': 'pass',
      'azurerm_network_security_group.dynamic_rules': 'fail:security_rule.1',
      'azurerm_network_security_group.unknown_source': 'pass',
      'azurerm_network_security_rule.range': 'fail',
      'azurerm_network_security_rule.outbound': 'pass',
      'azurerm_network_security_rule.any_any': 'fail',
    },
  },
  {
    id: 'OPS-AZ-NETWORK-003',
    about: 'all ports from the internet, and a Deny-all rule that does not count',
    files: nsgFiles,
    expected: {
      'azurerm_network_security_group.ssh_open': 'pass',
      'azurerm_network_security_group.office_only': 'pass',
      'azurerm_network_security_group.dynamic_rules': 'pass',
      'azurerm_network_security_group.unknown_source': 'pass',
      'azurerm_network_security_rule.range': 'pass',
      'azurerm_network_security_rule.outbound': 'pass',
      'azurerm_network_security_rule.any_any': 'fail',
    },
  },
];

describe('Azure network security group rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(networkRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(networkRules, cases)).toEqual([]);
  });
});
