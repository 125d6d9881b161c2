/**
 * Helpers shared by the google rules. The provider-neutral pieces (three-valued logic, the
 * findings collector, scalar reads) are the same as the Azure pack's and are re-exported from it.
 */
import type { IacResource } from '../../../iac/resource.js';
import { isUnknown, type Value } from '../../../iac/terraform/value.js';
import type { CheckResult, Rule, RuleContext, RuleMeta } from '../../rule.js';
import { defineRule, type Tri } from '../../rule-kit.js';
import { text } from '../azure/kit.js';

export { and, blockList, Findings, not, rangeCovers, text, textAt } from '../azure/kit.js';

const GOOGLE_DOCS = 'https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/';

/** Terraform registry page of a google resource type. */
export function googleDoc(type: string): string {
  return GOOGLE_DOCS + type.replace(/^google_/, '');
}

export function gcpRule(
  meta: Omit<RuleMeta, 'provider'>,
  check: (r: IacResource, ctx: RuleContext) => CheckResult,
): Rule {
  return defineRule({ ...meta, provider: 'gcp' }, check);
}

/** A metadata flag (`"TRUE"`, `"true"`, `"1"`, `true`), three-valued; `absent` when not set. */
export function metadataFlag(v: Value | undefined, absent: boolean): Tri {
  const s = text(v);
  if (s === undefined) return absent;
  if (isUnknown(s)) return 'unknown';
  const l = s.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(l)) return true;
  if (['false', '0', 'no', 'off'].includes(l)) return false;
  return absent;
}

/** A text value for a message: the string itself, or a placeholder for unknown/absent. */
export function shown(v: ReturnType<typeof text>): string {
  return typeof v === 'string' ? v : '(unset)';
}

/** Principals that mean "anyone" in Google IAM. */
export function isPublicPrincipal(member: string): boolean {
  const m = member.trim();
  return m === 'allUsers' || m === 'allAuthenticatedUsers';
}

/** Whether a CIDR is the whole IPv4 or IPv6 internet. */
export function isAnyCidr(cidr: string): boolean {
  const c = cidr.trim();
  return c === '0.0.0.0/0' || c === '::/0' || c === '0.0.0.0';
}
