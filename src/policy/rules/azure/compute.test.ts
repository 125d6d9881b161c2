import { describe, expect, it } from 'vitest';
import { computeRules } from './compute.js';
import { outcomes, rulesLackingCases, type RuleCase } from './testing.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-AZ-VM-001',
    about: 'password authentication defaulted off, turned on, and on the legacy VM resource',
    files: {
      'main.tf': `
resource "azurerm_linux_virtual_machine" "keys" {
  admin_ssh_key {
    username   = "azureuser"
    public_key = "ssh-ed25519 AAAA"
  }
}
resource "azurerm_linux_virtual_machine" "password" {
  disable_password_authentication = false
}
resource "azurerm_virtual_machine" "legacy_linux" {
  os_profile_linux_config {
    disable_password_authentication = false
  }
}
resource "azurerm_virtual_machine" "legacy_windows" {
  os_profile_windows_config {}
}`,
    },
    expected: {
      'azurerm_linux_virtual_machine.keys': 'pass',
      'azurerm_linux_virtual_machine.password': 'fail:disable_password_authentication',
      'azurerm_virtual_machine.legacy_linux':
        'fail:os_profile_linux_config.0.disable_password_authentication',
      'azurerm_virtual_machine.legacy_windows': 'skip',
    },
  },
  {
    id: 'OPS-AZ-VM-002',
    about: 'encryption at host, an Azure Disk Encryption extension, and neither',
    files: {
      'main.tf': `
resource "azurerm_windows_virtual_machine" "host" {
  encryption_at_host_enabled = true
}
resource "azurerm_linux_virtual_machine" "ade" {}
resource "azurerm_virtual_machine_extension" "ade" {
  name                 = "ade"
  virtual_machine_id   = azurerm_linux_virtual_machine.ade.id
  publisher            = "Microsoft.Azure.Security"
  type                 = "AzureDiskEncryptionForLinux"
  type_handler_version = "1.1"
}
resource "azurerm_linux_virtual_machine" "plain" {}`,
    },
    expected: {
      'azurerm_windows_virtual_machine.host': 'pass',
      'azurerm_linux_virtual_machine.ade': 'pass',
      'azurerm_linux_virtual_machine.plain': 'fail:encryption_at_host_enabled',
    },
  },
  {
    id: 'OPS-AZ-DISK-001',
    about: 'platform encryption by default, and Azure Disk Encryption turned off',
    files: {
      'main.tf': `
resource "azurerm_managed_disk" "defaulted" {}
resource "azurerm_managed_disk" "off" {
  encryption_settings {
    enabled = false
  }
}`,
    },
    expected: {
      'azurerm_managed_disk.defaulted': 'pass',
      'azurerm_managed_disk.off': 'fail:encryption_settings.0.enabled',
    },
  },
  {
    id: 'OPS-AZ-DISK-002',
    about: 'a disk encryption set and platform keys',
    files: {
      'main.tf': `
resource "azurerm_disk_encryption_set" "des" {}
resource "azurerm_managed_disk" "cmk" {
  disk_encryption_set_id = azurerm_disk_encryption_set.des.id
}
resource "azurerm_managed_disk" "pmk" {}`,
    },
    expected: {
      'azurerm_managed_disk.cmk': 'pass',
      'azurerm_managed_disk.pmk': 'fail',
    },
  },
];

describe('Azure VM and disk rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(computeRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(computeRules, cases)).toEqual([]);
  });
});
