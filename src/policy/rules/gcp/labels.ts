import type { IacResource } from '../../../iac/resource.js';
import { isObjectValue, isUnknown } from '../../../iac/terraform/value.js';
import { fail, PASS, unknownResult } from '../../rule-kit.js';
import { missingTags } from '../../tag-policy.js';
import { gcpRule } from './kit.js';

/** google resource types that carry `labels`. */
export const GCP_LABELED_TYPES = [
  'google_compute_instance',
  'google_compute_instance_template',
  'google_compute_disk',
  'google_compute_image',
  'google_compute_snapshot',
  'google_compute_address',
  'google_compute_forwarding_rule',
  'google_storage_bucket',
  'google_sql_database_instance',
  'google_container_cluster',
  'google_bigquery_dataset',
  'google_bigquery_table',
  'google_pubsub_topic',
  'google_pubsub_subscription',
  'google_kms_crypto_key',
  'google_redis_instance',
  'google_cloud_run_v2_service',
  'google_cloudfunctions2_function',
  'google_spanner_instance',
  'google_bigtable_instance',
  'google_dataproc_cluster',
  'google_artifact_registry_repository',
  'google_secret_manager_secret',
  'google_filestore_instance',
];

/**
 * The resource with the provider's `default_labels` merged under its own `labels` (google provider
 * 5.x and later), which is what the resource's `effective_labels` become.
 */
function withDefaultLabels(r: IacResource): IacResource | 'unknown' {
  const defaults = r.providerConfig?.['default_labels'];
  if (defaults === undefined || defaults === null) return r;
  if (isUnknown(defaults)) return 'unknown';
  if (!isObjectValue(defaults)) return r;
  const own = r.attributes['labels'];
  if (isUnknown(own)) return 'unknown';
  return {
    ...r,
    attributes: { ...r.attributes, labels: { ...defaults, ...(isObjectValue(own) ? own : {}) } },
  };
}

export const labelRules = [
  gcpRule(
    {
      id: 'OPS-GCP-LABELS-001',
      title: 'Google Cloud resource carries the required labels',
      severity: 'low',
      family: 'tagging',
      resourceTypes: GCP_LABELED_TYPES,
      remediation:
        'Add the labels your tag policy requires (e.g. `labels = { owner = "team-x", environment = "prod" }`), or set them once in the provider\'s `default_labels`. Label keys are lowercase on Google Cloud, so required keys are matched case-insensitively.',
      references: [
        'https://cloud.google.com/resource-manager/docs/labels-overview',
        'https://registry.terraform.io/providers/hashicorp/google/latest/docs/guides/provider_reference#default_labels',
      ],
      peers: { checkov: [], trivy: [], tfsec: [] },
    },
    (r, ctx) => {
      const resource = withDefaultLabels(r);
      if (resource === 'unknown') return unknownResult('labels are known only after apply');
      const check = missingTags(resource, { ...ctx.tagPolicy, caseSensitive: false });
      if (check === 'unknown') return unknownResult('labels are known only after apply');
      const problems = [
        ...(check.missing.length > 0
          ? [`missing required labels: ${check.missing.map((k) => k.toLowerCase()).join(', ')}`]
          : []),
        ...check.bad.map((b) => `label ${b.key} has a value outside the policy: "${b.value}"`),
      ];
      if (problems.length === 0) return PASS;
      return fail(problems.join('; '), 'labels' in r.attributes ? 'labels' : undefined);
    },
  ),
];
