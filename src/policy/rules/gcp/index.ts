import type { Rule } from '../../rule.js';
import { bigqueryRules } from './bigquery.js';
import { computeRules } from './compute.js';
import { dnsRules } from './dns.js';
import { firewallRules } from './firewall.js';
import { gcsRules } from './gcs.js';
import { gkeRules } from './gke.js';
import { iamRules } from './iam.js';
import { kmsRules } from './kms.js';
import { labelRules } from './labels.js';
import { sqlRules } from './sql.js';
import { vpcRules } from './vpc.js';

/** Every built-in rule for the google provider. */
export const gcpRules: readonly Rule[] = [
  ...gcsRules,
  ...firewallRules,
  ...computeRules,
  ...sqlRules,
  ...gkeRules,
  ...kmsRules,
  ...iamRules,
  ...bigqueryRules,
  ...vpcRules,
  ...dnsRules,
  ...labelRules,
];
