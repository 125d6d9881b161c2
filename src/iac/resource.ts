import type { Range } from './hcl/ast.js';
import type { ObjectValue } from './terraform/value.js';

/**
 * One resource (or data source) instance as the rules see it, whether it came from evaluated
 * Terraform source or from a `terraform show -json` plan.
 *
 * `attributes` follows the shape of Terraform plan JSON `planned_values`: arguments by name, and
 * nested blocks as arrays of objects under the block type (`versioning: [{ enabled: true }]`),
 * also for blocks written once. Values Terraform computes at apply time are Unknown.
 */
export interface IacResource {
  /** Full address: `aws_s3_bucket.b`, `aws_s3_bucket.b["logs"]`, `module.net.aws_vpc.this[0]`. */
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** `aws`, `azurerm`, `google`, ... (the part of the type before the first `_`, or the provider meta-argument's name). */
  provider: string;
  /** Module instance path, e.g. `["module.net", "module.subnets[\"a\"]"]`; empty for the root module. */
  modulePath: string[];
  attributes: ObjectValue;
  /** Evaluated configuration of the provider (block) that serves this resource, e.g. `default_tags`. */
  providerConfig?: ObjectValue;
  /** The resource block. For plan input without a source file, `file` is the plan file and lines are 1. */
  range: Range;
  /**
   * Source ranges of attributes and nested blocks by dotted path into `attributes`, with block list
   * indexes: `tags`, `versioning.0.enabled`, `ingress.1.cidr_blocks`.
   */
  attributeRanges: Map<string, Range>;
  /**
   * Addresses of the resources this one references, by the dotted attribute path that holds the
   * reference. Each is the referenced resource's address with its module path and without its own
   * instance key (`aws_s3_bucket.b`, `module.x.aws_kms_key.k`), so it matches `baseAddress()`.
   */
  references: Map<string, string[]>;
  source: 'hcl' | 'plan';
}

/** Address without the resource's own instance key: `module.m[0].aws_s3_bucket.b["logs"]` -> `module.m[0].aws_s3_bucket.b`. */
export function baseAddress(address: string): string {
  return address.replace(/\[[^\]]*\]$/, '');
}
