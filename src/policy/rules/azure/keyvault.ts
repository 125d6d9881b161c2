import { isUnknown } from '../../../iac/terraform/value.js';
import { expect, fail, get, PASS, truthy, unknownResult } from '../../rule-kit.js';
import { azurermDoc, azureRule, blockList, textAt } from './kit.js';

const VAULT = 'azurerm_key_vault';
const KEY = 'azurerm_key_vault_key';
const SECRET = 'azurerm_key_vault_secret';
const DEFAULT_RETENTION_DAYS = 90;

export const keyVaultRules = [
  azureRule(
    {
      id: 'OPS-AZ-KEYVAULT-001',
      title: 'Key vault has purge protection',
      severity: 'medium',
      family: 'resilience',
      resourceTypes: [VAULT],
      remediation:
        'Set `purge_protection_enabled = true` (defaults to `false`; once on it cannot be turned off), so deleted vaults and keys cannot be purged before the retention period ends.',
      references: [
        azurermDoc(VAULT),
        'https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview',
      ],
      peers: { checkov: ['CKV_AZURE_110'], trivy: ['AVD-AZU-0016'], tfsec: ['azure-keyvault-no-purge'] },
    },
    (r) =>
      expect(
        truthy(get(r, 'purge_protection_enabled'), false),
        'purge_protection_enabled is not true: a deleted vault and its keys can be purged at once',
        'purge_protection_enabled',
      ),
  ),
  azureRule(
    {
      id: 'OPS-AZ-KEYVAULT-002',
      title: 'Key vault keeps deleted objects for the default 90 days',
      severity: 'low',
      family: 'resilience',
      resourceTypes: [VAULT],
      remediation: `Remove \`soft_delete_retention_days\` or set it to ${DEFAULT_RETENTION_DAYS} (the default and maximum), and never set \`soft_delete_enabled = false\` (azurerm 2.x).`,
      references: [
        azurermDoc(VAULT),
        'https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview',
      ],
      peers: { checkov: ['CKV_AZURE_111'], trivy: [], tfsec: [] },
    },
    (r) => {
      const enabled = truthy(get(r, 'soft_delete_enabled'), true);
      if (enabled === false)
        return fail('soft_delete_enabled is false: deleted secrets are lost at once', 'soft_delete_enabled');
      const days = get(r, 'soft_delete_retention_days');
      if (isUnknown(days) || enabled === 'unknown')
        return unknownResult('soft delete settings are known only after apply');
      if (days === undefined || days === null) return PASS;
      const n = Number(days);
      return Number.isFinite(n) && n < DEFAULT_RETENTION_DAYS
        ? fail(
            `soft_delete_retention_days is ${n}: deleted objects are recoverable for less than ${DEFAULT_RETENTION_DAYS} days`,
            'soft_delete_retention_days',
          )
        : PASS;
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-KEYVAULT-003',
      title: 'Key vault denies network access by default',
      severity: 'medium',
      family: 'public-exposure',
      resourceTypes: [VAULT],
      remediation:
        'Add `network_acls { default_action = "Deny", bypass = "AzureServices", ip_rules = [...] }`, or set `public_network_access_enabled = false` and use a private endpoint. Without `network_acls` every network may reach the vault.',
      references: [azurermDoc(VAULT), 'https://learn.microsoft.com/azure/key-vault/general/network-security'],
      peers: {
        checkov: ['CKV_AZURE_109'],
        trivy: ['AVD-AZU-0013'],
        tfsec: ['azure-keyvault-specify-network-acl'],
      },
    },
    (r) => {
      const pna = truthy(get(r, 'public_network_access_enabled'), true);
      if (pna === false) return PASS;
      const acls = blockList(r, 'network_acls');
      if (isUnknown(acls)) return unknownResult('network_acls is known only after apply');
      const first = acls[0];
      if (first === undefined) {
        return pna === 'unknown'
          ? unknownResult('public_network_access_enabled is known only after apply')
          : fail('no network_acls: every network may reach the vault');
      }
      const action = textAt(first, 'default_action');
      if (isUnknown(action)) return unknownResult('network_acls.0.default_action is known only after apply');
      if (action?.toLowerCase() === 'deny') return PASS;
      if (pna === 'unknown') return unknownResult('public_network_access_enabled is known only after apply');
      return fail(
        `network_acls default_action is ${action ?? 'unset'}: every network may reach the vault`,
        'network_acls.0.default_action',
      );
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-KEYVAULT-004',
      title: 'Key vault key has an expiration date',
      severity: 'medium',
      family: 'encryption',
      resourceTypes: [KEY],
      remediation:
        'Set `expiration_date` (RFC 3339, e.g. "2027-01-01T00:00:00Z") and add a `rotation_policy` so the key is renewed before it expires.',
      references: [
        azurermDoc(KEY),
        'https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation',
      ],
      peers: {
        checkov: ['CKV_AZURE_40'],
        trivy: ['AVD-AZU-0014'],
        tfsec: ['azure-keyvault-ensure-key-expiry'],
      },
    },
    (r) => {
      const v = textAt(r, 'expiration_date');
      if (isUnknown(v)) return unknownResult('expiration_date is known only after apply');
      return v ? PASS : fail('key has no expiration_date: it stays valid forever');
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-KEYVAULT-005',
      title: 'Key vault secret has an expiration date',
      severity: 'medium',
      family: 'encryption',
      resourceTypes: [SECRET],
      remediation: 'Set `expiration_date` (RFC 3339) on the secret and rotate it before that date.',
      references: [
        azurermDoc(SECRET),
        'https://learn.microsoft.com/azure/key-vault/secrets/tutorial-rotation',
      ],
      peers: {
        checkov: ['CKV_AZURE_41'],
        trivy: ['AVD-AZU-0017'],
        tfsec: ['azure-keyvault-ensure-secret-expiry'],
      },
    },
    (r) => {
      const v = textAt(r, 'expiration_date');
      if (isUnknown(v)) return unknownResult('expiration_date is known only after apply');
      return v ? PASS : fail('secret has no expiration_date: it stays valid forever');
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-KEYVAULT-006',
      title: 'Key vault secret declares its content type',
      severity: 'info',
      family: 'encryption',
      resourceTypes: [SECRET],
      remediation:
        'Set `content_type` (e.g. "password", "connection-string", "application/x-pkcs12") so readers know how to handle and rotate the secret.',
      references: [azurermDoc(SECRET), 'https://learn.microsoft.com/azure/key-vault/secrets/about-secrets'],
      peers: {
        checkov: ['CKV_AZURE_114'],
        trivy: ['AVD-AZU-0015'],
        tfsec: ['azure-keyvault-content-type-for-secret'],
      },
    },
    (r) => {
      const v = textAt(r, 'content_type');
      if (isUnknown(v)) return unknownResult('content_type is known only after apply');
      return v ? PASS : fail('secret has no content_type');
    },
  ),
];
