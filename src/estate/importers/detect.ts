import { arr, isObject, obj } from '../json.js';
import type { ImportKind, Json } from '../model.js';

/** Removes the placebo/boto3 recording wrapper `{status_code, data}`, if present. */
export function unwrapRecording(doc: Json): { doc: Json; status?: number } {
  const o = obj(doc);
  if (o && typeof o['status_code'] === 'number' && 'data' in o && Object.keys(o).length <= 3) {
    return { doc: o['data'] ?? null, status: o['status_code'] };
  }
  return { doc };
}

const has = (o: Record<string, unknown>, ...keys: string[]) => keys.every((k) => k in o);

/**
 * What a parsed JSON document is, judged by its content only (never its file name). Returns
 * undefined for documents no importer understands.
 */
export function detectKind(doc: Json): ImportKind | undefined {
  if (Array.isArray(doc)) {
    const first = obj(doc[0]);
    if (doc.length === 0) return undefined;
    if (first && typeof first['type'] === 'string' && typeof first['id'] === 'string') {
      return 'azure-resource-graph';
    }
    if (first && typeof first['assetType'] === 'string') return 'gcp-asset-inventory';
    return undefined;
  }
  const o = obj(doc);
  if (!o) return undefined;
  if (isObject(o['Error']) && typeof obj(o['Error'])?.['Code'] === 'string') return 'aws-error';
  if (
    typeof o['version'] === 'number' &&
    ('resources' in o || 'modules' in o) &&
    ('lineage' in o || 'serial' in o || 'terraform_version' in o)
  ) {
    return 'terraform-state';
  }
  if (
    typeof o['format_version'] === 'string' &&
    ('values' in o || 'planned_values' in o || 'terraform_version' in o)
  ) {
    return 'terraform-show-json';
  }
  if (has(o, 'Reservations')) return 'aws-describe-instances';
  if (has(o, 'Volumes')) return 'aws-describe-volumes';
  if (has(o, 'Snapshots')) return 'aws-describe-snapshots';
  if (has(o, 'Addresses')) return 'aws-describe-addresses';
  if (has(o, 'LoadBalancerDescriptions')) return 'aws-describe-load-balancers';
  if (has(o, 'LoadBalancers')) return 'aws-describe-load-balancers';
  if (has(o, 'TargetGroups')) return 'aws-describe-target-groups';
  if (has(o, 'TargetHealthDescriptions')) return 'aws-describe-target-health';
  if (has(o, 'TagDescriptions')) return 'aws-describe-elb-tags';
  if (has(o, 'DBInstances')) return 'aws-describe-db-instances';
  if (has(o, 'Buckets')) return 'aws-list-buckets';
  if (has(o, 'TagSet')) return 'aws-get-bucket-tagging';
  if (has(o, 'PublicAccessBlockConfiguration')) return 'aws-get-public-access-block';
  if (has(o, 'ResourceTagMappingList')) return 'aws-get-resources';
  if (has(o, 'NatGateways')) return 'aws-describe-nat-gateways';
  if (has(o, 'CertificateSummaryList')) return 'aws-list-certificates';
  if (isObject(o['Certificate']) && 'CertificateArn' in (o['Certificate'] as object))
    return 'aws-describe-certificate';
  if (has(o, 'Datapoints')) return 'aws-get-metric-statistics';
  if (has(o, 'MetricDataResults')) return 'aws-get-metric-data';
  if (Array.isArray(o['data']) && arr(o['data']).every((r) => isObject(r) && 'type' in r && 'id' in r)) {
    return 'azure-resource-graph';
  }
  if (typeof o['assetType'] === 'string' && typeof o['name'] === 'string') return 'gcp-asset-inventory';
  return undefined;
}
