import { isUnknown } from '../../../iac/terraform/value.js';
import { expect, fail, get, PASS, SKIP, truthy, unknownResult } from '../../rule-kit.js';
import { azurermDoc, azureRule, blockList, textAt } from './kit.js';

const LINUX_VM = 'azurerm_linux_virtual_machine';
const WINDOWS_VM = 'azurerm_windows_virtual_machine';
const LINUX_VMSS = 'azurerm_linux_virtual_machine_scale_set';
const WINDOWS_VMSS = 'azurerm_windows_virtual_machine_scale_set';
const LEGACY_VM = 'azurerm_virtual_machine';
const DISK = 'azurerm_managed_disk';
const ADE_TYPES = new Set(['azurediskencryption', 'azurediskencryptionforlinux']);

export const computeRules = [
  azureRule(
    {
      id: 'OPS-AZ-VM-001',
      title: 'Linux virtual machine disables password authentication',
      severity: 'high',
      family: 'least-privilege',
      resourceTypes: [LINUX_VM, LINUX_VMSS, LEGACY_VM],
      remediation:
        'Keep `disable_password_authentication = true` (the default) and log in with `admin_ssh_key`; on `azurerm_virtual_machine` set `os_profile_linux_config { disable_password_authentication = true }`.',
      references: [
        azurermDoc(LINUX_VM),
        'https://learn.microsoft.com/azure/virtual-machines/linux/create-ssh-keys-detailed',
      ],
      peers: {
        checkov: ['CKV_AZURE_149', 'CKV_AZURE_1'],
        trivy: ['AVD-AZU-0039'],
        tfsec: ['azure-compute-disable-password-authentication'],
      },
    },
    (r) => {
      if (r.type === LEGACY_VM) {
        const linux = blockList(r, 'os_profile_linux_config');
        if (isUnknown(linux)) return unknownResult('os_profile_linux_config is known only after apply');
        const first = linux[0];
        if (first === undefined) return SKIP;
        return expect(
          truthy(first['disable_password_authentication'], true),
          'os_profile_linux_config.disable_password_authentication is false: SSH accepts passwords',
          'os_profile_linux_config.0.disable_password_authentication',
        );
      }
      return expect(
        truthy(get(r, 'disable_password_authentication'), true),
        'disable_password_authentication is false: SSH accepts passwords',
        'disable_password_authentication',
      );
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-VM-002',
      title: 'Virtual machine encrypts temp disks and caches (encryption at host)',
      severity: 'medium',
      family: 'encryption',
      resourceTypes: [LINUX_VM, WINDOWS_VM, LINUX_VMSS, WINDOWS_VMSS],
      remediation:
        'Set `encryption_at_host_enabled = true` (defaults to `false`; the `EncryptionAtHost` feature must be registered on the subscription). An Azure Disk Encryption VM extension also passes.',
      references: [
        azurermDoc(LINUX_VM),
        'https://learn.microsoft.com/azure/virtual-machines/disk-encryption#encryption-at-host---end-to-end-encryption-for-your-vm-data',
      ],
      peers: { checkov: ['CKV_AZURE_151', 'CKV_AZURE_97'], trivy: [], tfsec: [] },
    },
    (r, ctx) => {
      const host = truthy(get(r, 'encryption_at_host_enabled'), false);
      if (host === true) return PASS;
      for (const ext of ctx.graph.referencing(r, 'azurerm_virtual_machine_extension', 'virtual_machine_id')) {
        const type = textAt(ext, 'type');
        if (typeof type === 'string' && ADE_TYPES.has(type.toLowerCase())) return PASS;
      }
      return expect(
        host,
        'encryption_at_host_enabled is not true: temp disks and disk caches are not encrypted',
        'encryption_at_host_enabled',
      );
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-DISK-001',
      title: 'Managed disk does not turn disk encryption off',
      severity: 'low',
      family: 'encryption',
      resourceTypes: [DISK],
      remediation:
        'Remove `encryption_settings { enabled = false }`. Managed disks are encrypted at rest with platform keys by default; add a `disk_encryption_set_id` for customer-managed keys.',
      references: [azurermDoc(DISK), 'https://learn.microsoft.com/azure/virtual-machines/disk-encryption'],
      peers: {
        checkov: ['CKV_AZURE_2'],
        trivy: ['AVD-AZU-0038'],
        tfsec: ['azure-compute-enable-disk-encryption'],
      },
    },
    (r) => {
      const settings = blockList(r, 'encryption_settings');
      if (isUnknown(settings)) return unknownResult('encryption_settings is known only after apply');
      const first = settings[0];
      if (first === undefined || !('enabled' in first)) return PASS;
      return expect(
        truthy(first['enabled'], true),
        'encryption_settings.enabled is false: Azure Disk Encryption is turned off',
        'encryption_settings.0.enabled',
      );
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-DISK-002',
      title: 'Managed disk encrypts with a customer-managed key',
      severity: 'info',
      family: 'encryption',
      resourceTypes: [DISK],
      remediation:
        'Set `disk_encryption_set_id` to an `azurerm_disk_encryption_set` backed by a Key Vault key, where key ownership is required.',
      references: [azurermDoc(DISK), azurermDoc('azurerm_disk_encryption_set')],
      peers: { checkov: ['CKV_AZURE_93'], trivy: [], tfsec: [] },
    },
    (r) => {
      const des = get(r, 'disk_encryption_set_id') ?? get(r, 'secure_vm_disk_encryption_set_id');
      if (des === undefined || des === null || des === '') {
        return fail('encrypted with platform-managed keys only (no disk_encryption_set_id)');
      }
      return PASS;
    },
  ),
];
