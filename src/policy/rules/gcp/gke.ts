import { isUnknown } from '../../../iac/terraform/value.js';
import { expect, fail, get, PASS, truthy, unknownResult } from '../../rule-kit.js';
import { blockList, Findings, gcpRule, googleDoc, isAnyCidr, not, textAt } from './kit.js';

const CLUSTER = 'google_container_cluster';
const NODE_POOL = 'google_container_node_pool';
const CLUSTER_DOC = googleDoc(CLUSTER);

export const gkeRules = [
  gcpRule(
    {
      id: 'OPS-GCP-GKE-001',
      title: 'GKE cluster uses private nodes',
      severity: 'medium',
      family: 'public-exposure',
      resourceTypes: [CLUSTER],
      remediation:
        'Add `private_cluster_config { enable_private_nodes = true, master_ipv4_cidr_block = "172.16.0.0/28" }` and egress through Cloud NAT.',
      references: [CLUSTER_DOC, 'https://cloud.google.com/kubernetes-engine/docs/how-to/private-clusters'],
      peers: {
        checkov: ['CKV_GCP_64'],
        trivy: ['AVD-GCP-0059'],
        tfsec: ['google-gke-enable-private-cluster'],
      },
    },
    (r) =>
      expect(
        truthy(get(r, 'private_cluster_config.enable_private_nodes'), false),
        'nodes get external IP addresses (private_cluster_config.enable_private_nodes is not true)',
        get(r, 'private_cluster_config') === undefined
          ? undefined
          : 'private_cluster_config.0.enable_private_nodes',
      ),
  ),
  gcpRule(
    {
      id: 'OPS-GCP-GKE-002',
      title: 'GKE control plane is limited to authorized networks',
      severity: 'high',
      family: 'public-exposure',
      resourceTypes: [CLUSTER],
      remediation:
        'Add `master_authorized_networks_config { cidr_blocks { cidr_block = "203.0.113.0/24" } }` without `0.0.0.0/0`, or `private_cluster_config { enable_private_endpoint = true }`.',
      references: [CLUSTER_DOC, 'https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks'],
      peers: {
        checkov: ['CKV_GCP_20'],
        trivy: ['AVD-GCP-0061'],
        tfsec: ['google-gke-enable-master-networks'],
      },
    },
    (r) => {
      if (truthy(get(r, 'private_cluster_config.enable_private_endpoint'), false) === true) return PASS;
      const cfg = blockList(r, 'master_authorized_networks_config');
      if (isUnknown(cfg)) return unknownResult('master_authorized_networks_config is known only after apply');
      if (cfg[0] === undefined)
        return fail('no master_authorized_networks_config: the API server accepts every address');
      const findings = new Findings();
      const cidrs = blockList(cfg[0], 'cidr_blocks');
      if (isUnknown(cidrs)) return unknownResult('cidr_blocks are known only after apply');
      cidrs.forEach((c, i) => {
        const v = textAt(c, 'cidr_block');
        findings.add(
          isUnknown(v) ? 'unknown' : v !== undefined && isAnyCidr(v),
          'an authorized network is 0.0.0.0/0: the API server accepts every address',
          `master_authorized_networks_config.0.cidr_blocks.${i}.cidr_block`,
        );
      });
      return findings.result();
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-GKE-003',
      title: 'GKE cluster has legacy ABAC disabled',
      severity: 'high',
      family: 'least-privilege',
      resourceTypes: [CLUSTER],
      remediation:
        'Remove `enable_legacy_abac = true` (defaults to `false`) and grant access with Kubernetes RBAC.',
      references: [
        CLUSTER_DOC,
        'https://cloud.google.com/kubernetes-engine/docs/how-to/role-based-access-control',
      ],
      peers: { checkov: ['CKV_GCP_7'], trivy: ['AVD-GCP-0062'], tfsec: ['google-gke-use-rbac-permissions'] },
    },
    (r) =>
      expect(
        not(truthy(get(r, 'enable_legacy_abac'), false)),
        'legacy ABAC is on: broad static permissions bypass RBAC',
        'enable_legacy_abac',
      ),
  ),
  gcpRule(
    {
      id: 'OPS-GCP-GKE-004',
      title: 'GKE cluster enforces network policies',
      severity: 'medium',
      family: 'public-exposure',
      resourceTypes: [CLUSTER],
      remediation:
        'Set `datapath_provider = "ADVANCED_DATAPATH"` (Dataplane V2, network policy built in) or `network_policy { enabled = true }` with `addons_config { network_policy_config { disabled = false } }`. Autopilot clusters pass.',
      references: [CLUSTER_DOC, 'https://cloud.google.com/kubernetes-engine/docs/how-to/network-policy'],
      peers: {
        checkov: ['CKV_GCP_12'],
        trivy: ['AVD-GCP-0056'],
        tfsec: ['google-gke-enable-network-policy'],
      },
    },
    (r) => {
      if (truthy(get(r, 'enable_autopilot'), false) === true) return PASS;
      const datapath = textAt(r, 'datapath_provider');
      if (datapath === 'ADVANCED_DATAPATH') return PASS;
      const policy = truthy(get(r, 'network_policy.enabled'), false);
      if (policy === true) return PASS;
      if (isUnknown(datapath) || policy === 'unknown')
        return unknownResult('network policy settings are known only after apply');
      return fail(
        'no network policy enforcement: every pod can reach every other pod',
        get(r, 'network_policy') === undefined ? undefined : 'network_policy.0.enabled',
      );
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-GKE-005',
      title: 'GKE cluster uses Workload Identity',
      severity: 'medium',
      family: 'least-privilege',
      resourceTypes: [CLUSTER],
      remediation:
        'Add `workload_identity_config { workload_pool = "<project>.svc.id.goog" }` so pods use their own service accounts instead of the node\'s. Autopilot clusters pass.',
      references: [CLUSTER_DOC, 'https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity'],
      peers: { checkov: [], trivy: [], tfsec: [] },
    },
    (r) => {
      if (truthy(get(r, 'enable_autopilot'), false) === true) return PASS;
      const pool = get(r, 'workload_identity_config.workload_pool');
      if (pool !== undefined && pool !== null && pool !== '') return PASS;
      return fail('no workload_identity_config: pods act with the node service account');
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-GKE-006',
      title: 'GKE cluster sends logs and metrics to Cloud Operations',
      severity: 'medium',
      family: 'logging',
      resourceTypes: [CLUSTER],
      remediation:
        'Remove `logging_service = "none"` / `monitoring_service = "none"` (defaults are `logging.googleapis.com/kubernetes` and `monitoring.googleapis.com/kubernetes`) and never set `logging_config { enable_components = [] }`; keep at least `["SYSTEM_COMPONENTS", "WORKLOADS"]`.',
      references: [CLUSTER_DOC, 'https://cloud.google.com/kubernetes-engine/docs/concepts/about-logs'],
      peers: {
        checkov: ['CKV_GCP_1', 'CKV_GCP_8'],
        trivy: ['AVD-GCP-0060', 'AVD-GCP-0052'],
        tfsec: ['google-gke-enable-stackdriver-logging', 'google-gke-enable-stackdriver-monitoring'],
      },
    },
    (r) => {
      const findings = new Findings();
      for (const attr of ['logging_service', 'monitoring_service']) {
        const v = textAt(r, attr);
        findings.add(isUnknown(v) ? 'unknown' : v === 'none', `${attr} is "none"`, attr);
      }
      const components = get(r, 'logging_config.enable_components');
      findings.add(
        isUnknown(components) ? 'unknown' : Array.isArray(components) && components.length === 0,
        'logging_config.enable_components is empty: no cluster logs are collected',
        'logging_config.0.enable_components',
      );
      return findings.result();
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-GKE-007',
      title: 'GKE node pool upgrades nodes automatically',
      severity: 'low',
      family: 'resilience',
      resourceTypes: [NODE_POOL, CLUSTER],
      remediation:
        'Remove `management { auto_upgrade = false }` from node pools (auto-upgrade is on by default) and pick a `release_channel`.',
      references: [
        googleDoc(NODE_POOL),
        'https://cloud.google.com/kubernetes-engine/docs/how-to/node-auto-upgrades',
      ],
      peers: { checkov: ['CKV_GCP_10'], trivy: ['AVD-GCP-0058'], tfsec: ['google-gke-enable-auto-upgrade'] },
    },
    (r) => {
      const findings = new Findings();
      const message = 'node auto-upgrade is off: nodes miss security patches';
      if (r.type === NODE_POOL) {
        findings.add(
          not(truthy(get(r, 'management.auto_upgrade'), true)),
          message,
          'management.0.auto_upgrade',
        );
        return findings.result();
      }
      const pools = blockList(r, 'node_pool');
      if (isUnknown(pools)) return unknownResult('node_pool is known only after apply');
      pools.forEach((p, i) => {
        findings.add(
          not(truthy(get(p, 'management.auto_upgrade'), true)),
          message,
          `node_pool.${i}.management.0.auto_upgrade`,
        );
      });
      return findings.result();
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-GKE-008',
      title: 'GKE cluster uses Shielded GKE nodes',
      severity: 'medium',
      family: 'encryption',
      resourceTypes: [CLUSTER],
      remediation: 'Remove `enable_shielded_nodes = false` (defaults to `true`).',
      references: [CLUSTER_DOC, 'https://cloud.google.com/kubernetes-engine/docs/how-to/shielded-gke-nodes'],
      peers: {
        checkov: ['CKV_GCP_71'],
        trivy: ['AVD-GCP-0055'],
        tfsec: ['google-gke-node-shielding-enabled'],
      },
    },
    (r) =>
      expect(
        truthy(get(r, 'enable_shielded_nodes'), true),
        'Shielded GKE nodes are off: node identity and boot integrity are not verified',
        'enable_shielded_nodes',
      ),
  ),
];
