import type { IacResource } from '../../../iac/resource.js';
import { isUnknown } from '../../../iac/terraform/value.js';
import type { CheckResult } from '../../rule.js';
import { expect, fail, get, PASS, SKIP, truthy, unknownResult } from '../../rule-kit.js';
import { azurermDoc, blockList, azureRule, not, text, textAt } from './kit.js';

const ACCOUNT = 'azurerm_storage_account';
const ACCOUNT_DOC = azurermDoc(ACCOUNT);

/** Blob service settings do not exist on FileStorage accounts. */
function supportsBlobs(r: IacResource): boolean | 'unknown' {
  const kind = textAt(r, 'account_kind');
  if (isUnknown(kind)) return 'unknown';
  return kind === undefined || kind.toLowerCase() !== 'filestorage';
}

export const storageRules = [
  azureRule(
    {
      id: 'OPS-AZ-STORAGE-001',
      title: 'Storage account requires TLS 1.2 or later',
      severity: 'high',
      family: 'encryption',
      resourceTypes: [ACCOUNT],
      remediation:
        'Set `min_tls_version = "TLS1_2"`. When absent the rule passes: azurerm 3.0 and later default new accounts to TLS1_2 (older providers defaulted to TLS1_0, so set it explicitly on provider 2.x).',
      references: [
        ACCOUNT_DOC,
        'https://learn.microsoft.com/azure/storage/common/transport-layer-security-configure-minimum-version',
      ],
      peers: {
        checkov: ['CKV_AZURE_44'],
        trivy: ['AVD-AZU-0011'],
        tfsec: ['azure-storage-use-secure-tls-policy'],
      },
    },
    (r) => {
      const v = textAt(r, 'min_tls_version');
      if (v === undefined) return PASS;
      if (isUnknown(v)) return unknownResult('min_tls_version is known only after apply');
      return ['TLS1_2', 'TLS1_3'].includes(v.toUpperCase())
        ? PASS
        : fail(`min_tls_version is ${v}; TLS 1.0 and 1.1 are deprecated`, 'min_tls_version');
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-STORAGE-002',
      title: 'Storage account accepts HTTPS traffic only',
      severity: 'high',
      family: 'encryption',
      resourceTypes: [ACCOUNT],
      remediation:
        'Remove `https_traffic_only_enabled = false` (azurerm 4.x) or `enable_https_traffic_only = false` (azurerm 3.x and older), or set it to `true`; both default to `true`.',
      references: [
        ACCOUNT_DOC,
        'https://learn.microsoft.com/azure/storage/common/storage-require-secure-transfer',
      ],
      peers: { checkov: ['CKV_AZURE_3'], trivy: ['AVD-AZU-0008'], tfsec: ['azure-storage-enforce-https'] },
    },
    (r) => {
      const results: CheckResult[] = ['https_traffic_only_enabled', 'enable_https_traffic_only'].map((a) =>
        expect(truthy(get(r, a), true), `${a} is false: plain HTTP requests are accepted`, a),
      );
      const failed = results.find((x) => x.status === 'fail');
      return failed ?? results.find((x) => x.status === 'unknown') ?? PASS;
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-STORAGE-003',
      title: 'Storage account does not allow anonymous public blob access',
      severity: 'high',
      family: 'public-exposure',
      resourceTypes: [ACCOUNT],
      remediation:
        'Set `allow_nested_items_to_be_public = false` (azurerm 3.x/4.x, where it defaults to `true`); on azurerm 2.x `allow_blob_public_access` (default `false`) must not be `true`.',
      references: [
        ACCOUNT_DOC,
        'https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent',
      ],
      peers: { checkov: ['CKV_AZURE_190', 'CKV2_AZURE_47'], trivy: [], tfsec: [] },
    },
    (r) => {
      const nested = get(r, 'allow_nested_items_to_be_public');
      const legacy = get(r, 'allow_blob_public_access');
      if (nested !== undefined && nested !== null) {
        return expect(
          not(truthy(nested, true)),
          'allow_nested_items_to_be_public is true: containers may opt in to anonymous public read access',
          'allow_nested_items_to_be_public',
        );
      }
      if (legacy !== undefined && legacy !== null) {
        return expect(
          not(truthy(legacy, false)),
          'allow_blob_public_access is true: containers may opt in to anonymous public read access',
          'allow_blob_public_access',
        );
      }
      return fail(
        'allow_nested_items_to_be_public is not set and defaults to true: containers may opt in to anonymous public read access',
      );
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-STORAGE-004',
      title: 'Storage account denies network access by default',
      severity: 'medium',
      family: 'public-exposure',
      resourceTypes: [ACCOUNT],
      remediation:
        'Set `public_network_access_enabled = false` (private endpoints only), or add `network_rules { default_action = "Deny" ... }` (or an `azurerm_storage_account_network_rules` resource) with the allowed `ip_rules` / `virtual_network_subnet_ids`. Without either, every network may reach the account (default `Allow`).',
      references: [
        ACCOUNT_DOC,
        azurermDoc('azurerm_storage_account_network_rules'),
        'https://learn.microsoft.com/azure/storage/common/storage-network-security',
      ],
      peers: {
        checkov: ['CKV_AZURE_35'],
        trivy: ['AVD-AZU-0012'],
        tfsec: ['azure-storage-default-action-deny'],
      },
    },
    (r, ctx) => {
      const pna = truthy(get(r, 'public_network_access_enabled'), true);
      if (pna === false) return PASS;
      const entries = blockList(r, 'network_rules');
      if (isUnknown(entries)) return unknownResult('network_rules is known only after apply');
      const candidates: Array<{ action: ReturnType<typeof text>; path: string }> = entries.map((b, i) => ({
        action: text(b['default_action']),
        path: `network_rules.${i}.default_action`,
      }));
      for (const nr of ctx.graph.referencing(r, 'azurerm_storage_account_network_rules')) {
        candidates.push({ action: textAt(nr, 'default_action'), path: 'network_rules' });
      }
      if (candidates.some((c) => typeof c.action === 'string' && c.action.toLowerCase() === 'deny')) {
        return PASS;
      }
      const unknownAction = candidates.find((c) => isUnknown(c.action));
      if (unknownAction) return unknownResult(`${unknownAction.path} is known only after apply`);
      if (pna === 'unknown') return unknownResult('public_network_access_enabled is known only after apply');
      const allow = candidates.find((c) => typeof c.action === 'string');
      return allow
        ? fail(
            `network rules default_action is ${typeof allow.action === 'string' ? allow.action : 'unset'}: all networks may connect`,
            allow.path,
          )
        : fail('no network rules and public network access enabled: all networks may connect');
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-STORAGE-005',
      title: 'Storage account uses infrastructure (double) encryption',
      severity: 'low',
      family: 'encryption',
      resourceTypes: [ACCOUNT],
      remediation:
        'Set `infrastructure_encryption_enabled = true` (defaults to `false`; it forces a new account, so plan it for new accounts).',
      references: [
        ACCOUNT_DOC,
        'https://learn.microsoft.com/azure/storage/common/infrastructure-encryption-enable',
      ],
      peers: {
        checkov: [],
        trivy: ['AVD-AZU-0061'],
        tfsec: ['azure-storage-infrastructure-encryption-enabled'],
      },
    },
    (r) =>
      expect(
        truthy(get(r, 'infrastructure_encryption_enabled'), false),
        'infrastructure_encryption_enabled is not true: data is encrypted once, at the service level only',
        'infrastructure_encryption_enabled',
      ),
  ),
  azureRule(
    {
      id: 'OPS-AZ-STORAGE-006',
      title: 'Storage account encrypts with a customer-managed key',
      severity: 'info',
      family: 'encryption',
      resourceTypes: [ACCOUNT],
      remediation:
        'Add a `customer_managed_key { key_vault_key_id = ..., user_assigned_identity_id = ... }` block or an `azurerm_storage_account_customer_managed_key` resource, where key ownership is required.',
      references: [
        ACCOUNT_DOC,
        azurermDoc('azurerm_storage_account_customer_managed_key'),
        'https://learn.microsoft.com/azure/storage/common/customer-managed-keys-overview',
      ],
      peers: {
        checkov: ['CKV2_AZURE_1'],
        trivy: ['AVD-AZU-0060'],
        tfsec: ['azure-storage-blob-container-cmk-encrypted'],
      },
    },
    (r, ctx) => {
      const cmk = blockList(r, 'customer_managed_key');
      if (isUnknown(cmk)) return unknownResult('customer_managed_key is known only after apply');
      if (cmk.length > 0) return PASS;
      if (ctx.graph.referencing(r, 'azurerm_storage_account_customer_managed_key').length > 0) return PASS;
      return fail('encrypted with Microsoft-managed keys only (no customer_managed_key)');
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-STORAGE-007',
      title: 'Storage account keeps deleted blobs (soft delete)',
      severity: 'medium',
      family: 'resilience',
      resourceTypes: [ACCOUNT],
      remediation:
        'Add `blob_properties { delete_retention_policy { days = 7 } }` (1-365 days) and, for containers, `container_delete_retention_policy`.',
      references: [ACCOUNT_DOC, 'https://learn.microsoft.com/azure/storage/blobs/soft-delete-blob-overview'],
      peers: {
        checkov: ['CKV2_AZURE_38'],
        trivy: ['AVD-AZU-0056'],
        tfsec: ['azure-storage-blobs-soft-deletion-enabled'],
      },
    },
    (r) => {
      const blobs = supportsBlobs(r);
      if (blobs === 'unknown') return unknownResult('account_kind is known only after apply');
      if (!blobs) return SKIP;
      const policy = blockList(r, 'blob_properties.delete_retention_policy');
      if (isUnknown(policy))
        return unknownResult('blob_properties.delete_retention_policy is known only after apply');
      return policy.length > 0
        ? PASS
        : fail(
            'blob_properties.delete_retention_policy is not set: deleted blobs cannot be recovered',
            'blob_properties',
          );
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-STORAGE-008',
      title: 'Storage account keeps blob versions',
      severity: 'low',
      family: 'resilience',
      resourceTypes: [ACCOUNT],
      remediation: 'Set `blob_properties { versioning_enabled = true }` (defaults to `false`).',
      references: [ACCOUNT_DOC, 'https://learn.microsoft.com/azure/storage/blobs/versioning-overview'],
      peers: { checkov: [], trivy: [], tfsec: [] },
    },
    (r) => {
      const blobs = supportsBlobs(r);
      if (blobs === 'unknown') return unknownResult('account_kind is known only after apply');
      if (!blobs) return SKIP;
      return expect(
        truthy(get(r, 'blob_properties.versioning_enabled'), false),
        'blob versioning is off: overwritten blobs cannot be restored',
        get(r, 'blob_properties') === undefined ? undefined : 'blob_properties.0.versioning_enabled',
      );
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-STORAGE-009',
      title: 'Storage container is private',
      severity: 'critical',
      family: 'public-exposure',
      resourceTypes: ['azurerm_storage_container'],
      remediation:
        'Set `container_access_type = "private"` (the default); `blob` and `container` allow anonymous reads.',
      references: [
        azurermDoc('azurerm_storage_container'),
        'https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-configure',
      ],
      peers: {
        checkov: ['CKV_AZURE_34'],
        trivy: ['AVD-AZU-0007'],
        tfsec: ['azure-storage-no-public-access'],
      },
    },
    (r) => {
      const v = textAt(r, 'container_access_type');
      if (v === undefined) return PASS;
      if (isUnknown(v)) return unknownResult('container_access_type is known only after apply');
      return v.toLowerCase() === 'private'
        ? PASS
        : fail(
            `container_access_type is ${v}: anonymous clients can read its blobs`,
            'container_access_type',
          );
    },
  ),
];
