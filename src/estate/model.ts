/**
 * Estate inventory model. Every value here is plain, serialisable JSON (no Maps, no Dates, no
 * class instances) so a snapshot can be written to a file today and stored in the database later.
 */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export type CloudProvider = 'aws' | 'azure' | 'gcp';

/** What kind of file an importer read; detected from the content, never from the file name. */
export type ImportKind =
  | 'terraform-state'
  | 'terraform-show-json'
  | 'aws-describe-instances'
  | 'aws-describe-volumes'
  | 'aws-describe-snapshots'
  | 'aws-describe-addresses'
  | 'aws-describe-load-balancers'
  | 'aws-describe-target-groups'
  | 'aws-describe-target-health'
  | 'aws-describe-elb-tags'
  | 'aws-describe-db-instances'
  | 'aws-list-buckets'
  | 'aws-get-bucket-tagging'
  | 'aws-get-public-access-block'
  | 'aws-get-resources'
  | 'aws-describe-nat-gateways'
  | 'aws-list-certificates'
  | 'aws-describe-certificate'
  | 'aws-get-metric-statistics'
  | 'aws-get-metric-data'
  | 'aws-error'
  | 'azure-resource-graph'
  | 'gcp-asset-inventory'
  | 'focus-csv';

export interface SourceRef {
  kind: ImportKind;
  file: string;
}

/** One live cloud resource. */
export interface EstateResource {
  provider: CloudProvider;
  /** Terraform type name where one exists (aws_ebs_volume), else the cloud's own type name. */
  type: string;
  /** The identity the cloud uses: vol-..., i-..., eipalloc-..., bucket name, ARN for ELBv2 and ACM. */
  id: string;
  arn?: string;
  region?: string;
  account?: string;
  name?: string;
  tags: Record<string, string>;
  /** The cloud API record as it was exported (opaque; datetimes as ISO strings). */
  attributes: JsonObject;
  /** Lifecycle state: available, in-use, running, stopped, active, ... */
  state?: string;
  /** ISO-8601 creation time. */
  createdAt?: string;
  source: SourceRef;
}

/** One resource instance recorded in Terraform state (or a `terraform show -json` output). */
export interface ManagedResource {
  /** `aws_ebs_volume.data`, `module.net.aws_eip.nat[0]`. */
  address: string;
  type: string;
  /** The `id` attribute ('' when absent). */
  id: string;
  provider: string;
  attributes: JsonObject;
  source: SourceRef;
}

export interface Datapoint {
  timestamp: string;
  average?: number;
  maximum?: number;
  minimum?: number;
  sum?: number;
  sampleCount?: number;
  /** ExtendedStatistics such as p95, p99.5. */
  extended?: Record<string, number>;
  /** get-metric-data values carry one number per timestamp. */
  value?: number;
}

/** A CloudWatch series: get-metric-statistics output or one get-metric-data result. */
export interface MetricSeries {
  /** The resource the series is about (i-..., vol-...), when it could be attributed. */
  resourceId?: string;
  metric: string;
  unit?: string;
  datapoints: Datapoint[];
  source: SourceRef;
}

/** One FOCUS cost row, reduced to the columns the analysis uses. */
export interface CostRow {
  chargePeriodStart: string;
  chargePeriodEnd: string;
  billedCost: number;
  effectiveCost: number;
  currency: string;
  chargeCategory: string;
  providerName: string;
  serviceName: string;
  billingAccountId: string;
  subAccountId: string;
  resourceId: string;
  tags: Record<string, string>;
}

export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  file: string;
  /** JSON path (`$.Volumes[3].VolumeId`) or `line N` for CSV / JSON lines. */
  path: string;
  message: string;
}

export interface Snapshot {
  /** Format version of this JSON document. */
  version: 1;
  /** ISO-8601 time the snapshot was assembled (given by the caller). */
  takenAt: string;
  resources: EstateResource[];
  managed: ManagedResource[];
  /** Resource types some live export enumerated (even when it listed none): the scope of "missing". */
  scannedTypes: string[];
  metrics: MetricSeries[];
  costs: CostRow[];
  diagnostics: Diagnostic[];
  /** Files read and the kind detected for each. */
  files: Array<{ file: string; kind: ImportKind | 'unknown'; items: number }>;
}
