import type { IacResource } from '../iac/resource.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CONTROL_FAMILIES = [
  'tagging',
  'encryption',
  'logging',
  'public-exposure',
  'least-privilege',
  'resilience',
  'cost',
] as const;
export type ControlFamily = (typeof CONTROL_FAMILIES)[number];

export type CloudProvider = 'aws' | 'azure' | 'gcp';

/** The facts about a rule. Documented in docs/rules.md, generated from this metadata. */
export interface RuleMeta {
  /** Stable id, never reused: `OPS-AWS-S3-001`, `OPS-AZ-STORAGE-002`, `OPS-GCP-GCS-001`. */
  id: string;
  title: string;
  severity: Severity;
  family: ControlFamily;
  provider: CloudProvider;
  /** Terraform resource types this rule checks. */
  resourceTypes: string[];
  /** Which resource modes the engine runs the rule on; default `['managed']` (add 'data' for data sources). */
  modes?: Array<'managed' | 'data'>;
  /** What to change, in a sentence or two, with the attribute names. */
  remediation: string;
  /** Links to provider documentation. */
  references: string[];
  /** Equivalent rule ids in other scanners, as facts (see ../shared/data/peer-rules). */
  peers: {
    checkov: string[];
    /** Trivy AVD ids (`AVD-AWS-0088`), which tfsec's ids map to. */
    trivy: string[];
    /** tfsec long ids (`aws-s3-enable-bucket-encryption`), from trivy-checks long_id. */
    tfsec: string[];
  };
}

/** One reason a resource fails a rule. `path` is the dotted attribute path that locates it. */
export interface Violation {
  message: string;
  /** Dotted path into attributes (`versioning.0.enabled`); omitted for the whole resource. */
  path?: string;
}

export type CheckResult =
  | { status: 'pass' }
  | { status: 'fail'; violations: Violation[] }
  /** The answer depends on values known only after apply. Never reported as a violation. */
  | { status: 'unknown'; reason: string }
  /** The rule does not apply to this resource (e.g. a data source, or a feature not used). */
  | { status: 'skip' };

export interface TagPolicy {
  /** Required tag keys. */
  required: string[];
  /** Allowed values per key: a list of literals or `/regex/` strings. */
  allowed?: Record<string, string[]>;
  /** Whether key comparison is case-sensitive (AWS: true). */
  caseSensitive: boolean;
}

/** Connected resources: lets a rule look at other resources of the same scan. */
export interface ResourceGraph {
  all(): readonly IacResource[];
  /** Managed resources of a type; data sources as `data.<type>` (`data.aws_iam_policy_document`). */
  byType(type: string): readonly IacResource[];
  /**
   * Resources of `type` that reference `target` (in any attribute, or in `viaAttribute` only),
   * e.g. the `aws_s3_bucket_public_access_block` whose `bucket` references an `aws_s3_bucket`.
   * For plan input, references come from the plan's `configuration` section, and resources whose
   * `viaAttribute` value equals the target's matching id/name also count.
   */
  referencing(target: IacResource, type: string, viaAttribute?: string): readonly IacResource[];
  /** Resources that `from` references (optionally only from the attribute `viaAttribute`). */
  referencedBy(from: IacResource, viaAttribute?: string): readonly IacResource[];
}

export interface RuleContext {
  graph: ResourceGraph;
  tagPolicy: TagPolicy;
}

export interface Rule {
  meta: RuleMeta;
  check(resource: IacResource, ctx: RuleContext): CheckResult;
}
