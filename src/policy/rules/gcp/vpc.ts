import { isUnknown } from '../../../iac/terraform/value.js';
import { fail, PASS, SKIP, unknownResult } from '../../rule-kit.js';
import { blockList, gcpRule, googleDoc, textAt } from './kit.js';

const SUBNET = 'google_compute_subnetwork';
/** Subnet purposes that carry no VM traffic and do not support flow logs. */
const NO_FLOW_LOGS = new Set([
  'INTERNAL_HTTPS_LOAD_BALANCER',
  'REGIONAL_MANAGED_PROXY',
  'GLOBAL_MANAGED_PROXY',
  'PRIVATE_SERVICE_CONNECT',
  'PRIVATE_NAT',
]);

export const vpcRules = [
  gcpRule(
    {
      id: 'OPS-GCP-VPC-001',
      title: 'VPC subnetwork has flow logs enabled',
      severity: 'low',
      family: 'logging',
      resourceTypes: [SUBNET],
      remediation:
        'Add `log_config { aggregation_interval = "INTERVAL_5_SEC", flow_sampling = 0.5, metadata = "INCLUDE_ALL_METADATA" }` to the subnetwork.',
      references: [googleDoc(SUBNET), 'https://cloud.google.com/vpc/docs/using-flow-logs'],
      peers: {
        checkov: ['CKV_GCP_26'],
        trivy: ['AVD-GCP-0029'],
        tfsec: ['google-compute-enable-vpc-flow-logs'],
      },
    },
    (r) => {
      const purpose = textAt(r, 'purpose');
      if (isUnknown(purpose)) return unknownResult('purpose is known only after apply');
      if (purpose !== undefined && NO_FLOW_LOGS.has(purpose.toUpperCase())) return SKIP;
      const log = blockList(r, 'log_config');
      if (isUnknown(log)) return unknownResult('log_config is known only after apply');
      return log.length > 0 ? PASS : fail('no log_config: VPC flow logs are off for this subnetwork');
    },
  ),
];
