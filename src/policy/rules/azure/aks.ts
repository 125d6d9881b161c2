import { isUnknown } from '../../../iac/terraform/value.js';
import { expect, fail, get, PASS, strings, truthy, unknownResult } from '../../rule-kit.js';
import { azurermDoc, azureRule, blockList, isInternetSource, textAt } from './kit.js';

const AKS = 'azurerm_kubernetes_cluster';
const AKS_DOC = azurermDoc(AKS);

export const aksRules = [
  azureRule(
    {
      id: 'OPS-AZ-AKS-001',
      title: 'AKS cluster uses Kubernetes RBAC',
      severity: 'high',
      family: 'least-privilege',
      resourceTypes: [AKS],
      remediation:
        'Remove `role_based_access_control_enabled = false` (defaults to `true`; azurerm 2.x: `role_based_access_control { enabled = true }`), ideally with `azure_active_directory_role_based_access_control`.',
      references: [AKS_DOC, 'https://learn.microsoft.com/azure/aks/concepts-identity'],
      peers: {
        checkov: ['CKV_AZURE_5'],
        trivy: ['AVD-AZU-0042'],
        tfsec: ['azure-container-use-rbac-permissions'],
      },
    },
    (r) => {
      const legacy = blockList(r, 'role_based_access_control');
      if (isUnknown(legacy)) return unknownResult('role_based_access_control is known only after apply');
      if (legacy[0] !== undefined && truthy(legacy[0]['enabled'], true) === false) {
        return fail('role_based_access_control.enabled is false', 'role_based_access_control.0.enabled');
      }
      return expect(
        truthy(get(r, 'role_based_access_control_enabled'), true),
        'role_based_access_control_enabled is false: every authenticated user has full access',
        'role_based_access_control_enabled',
      );
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-AKS-002',
      title: 'AKS API server is private or limited to authorized IP ranges',
      severity: 'high',
      family: 'public-exposure',
      resourceTypes: [AKS],
      remediation:
        'Set `private_cluster_enabled = true`, or `api_server_access_profile { authorized_ip_ranges = ["203.0.113.0/24"] }` (azurerm 3.x and older: `api_server_authorized_ip_ranges`) without `0.0.0.0/0`.',
      references: [AKS_DOC, 'https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges'],
      peers: {
        checkov: ['CKV_AZURE_6'],
        trivy: ['AVD-AZU-0041'],
        tfsec: ['azure-container-limit-authorized-ips'],
      },
    },
    (r) => {
      const priv = truthy(get(r, 'private_cluster_enabled'), false);
      if (priv === true) return PASS;
      const profile = strings(get(r, 'api_server_access_profile.authorized_ip_ranges'));
      const legacy = strings(get(r, 'api_server_authorized_ip_ranges'));
      const ranges = [...profile.values, ...legacy.values];
      const open = ranges.find(isInternetSource);
      if (open !== undefined)
        return fail(`authorized IP ranges include ${open}: the API server is open to the internet`);
      if (ranges.length > 0) return PASS;
      if (priv === 'unknown' || profile.unknown || legacy.unknown) {
        return unknownResult('API server access settings are known only after apply');
      }
      return fail('the API server is public and accepts every source address (no authorized IP ranges)');
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-AKS-003',
      title: 'AKS cluster enforces network policies',
      severity: 'medium',
      family: 'public-exposure',
      resourceTypes: [AKS],
      remediation:
        'Set `network_profile { network_plugin = "azure", network_policy = "azure" }` (or `"calico"` / `"cilium"`); there is no network policy engine by default.',
      references: [AKS_DOC, 'https://learn.microsoft.com/azure/aks/use-network-policies'],
      peers: {
        checkov: ['CKV_AZURE_7'],
        trivy: ['AVD-AZU-0043'],
        tfsec: ['azure-container-configured-network-policy'],
      },
    },
    (r) => {
      const v = textAt(r, 'network_profile.network_policy');
      if (isUnknown(v)) return unknownResult('network_profile.network_policy is known only after apply');
      return v
        ? PASS
        : fail(
            'no network policy engine: every pod can reach every other pod',
            get(r, 'network_profile') === undefined ? undefined : 'network_profile',
          );
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-AKS-004',
      title: 'AKS cluster disables local accounts',
      severity: 'medium',
      family: 'least-privilege',
      resourceTypes: [AKS],
      remediation:
        'Set `local_account_disabled = true` (defaults to `false`) with Entra ID integration, so nobody holds the static cluster-admin credential.',
      references: [AKS_DOC, 'https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad'],
      peers: { checkov: ['CKV_AZURE_141'], trivy: [], tfsec: [] },
    },
    (r) =>
      expect(
        truthy(get(r, 'local_account_disabled'), false),
        'local accounts are enabled: the static cluster-admin kubeconfig bypasses Entra ID',
        'local_account_disabled',
      ),
  ),
  azureRule(
    {
      id: 'OPS-AZ-AKS-005',
      title: 'AKS cluster sends logs to Azure Monitor',
      severity: 'medium',
      family: 'logging',
      resourceTypes: [AKS],
      remediation:
        'Add `oms_agent { log_analytics_workspace_id = ... }` or an `azurerm_monitor_diagnostic_setting` whose `target_resource_id` is the cluster (control-plane logs).',
      references: [AKS_DOC, 'https://learn.microsoft.com/azure/aks/monitor-aks'],
      peers: { checkov: ['CKV_AZURE_4'], trivy: ['AVD-AZU-0040'], tfsec: ['azure-container-logging'] },
    },
    (r, ctx) => {
      const oms = blockList(r, 'oms_agent');
      if (isUnknown(oms)) return unknownResult('oms_agent is known only after apply');
      if (oms.length > 0) return PASS;
      const addon = truthy(get(r, 'addon_profile.oms_agent.enabled'), false);
      if (addon === true) return PASS;
      if (ctx.graph.referencing(r, 'azurerm_monitor_diagnostic_setting', 'target_resource_id').length > 0)
        return PASS;
      if (addon === 'unknown') return unknownResult('addon_profile.oms_agent is known only after apply');
      return fail('no oms_agent and no diagnostic setting: cluster logs are not collected');
    },
  ),
];
