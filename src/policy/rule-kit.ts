/**
 * Small helpers for writing rules over evaluated attributes, with Unknown handled once here:
 * a check that touches an Unknown answers `unknown`, never `fail`.
 */
import type { IacResource } from '../iac/resource.js';
import { isObjectValue, isUnknown, type ObjectValue, type Value } from '../iac/terraform/value.js';
import type { CheckResult, Rule, RuleContext, RuleMeta, Violation } from './rule.js';

export const PASS: CheckResult = { status: 'pass' };
export const SKIP: CheckResult = { status: 'skip' };

export function fail(message: string, path?: string): CheckResult {
  const v: Violation = path === undefined ? { message } : { message, path };
  return { status: 'fail', violations: [v] };
}

export function unknownResult(reason: string): CheckResult {
  return { status: 'unknown', reason };
}

/**
 * Value at a dotted path (`versioning.0.enabled`, `tags.Owner`). A nested block written once is
 * still an array, so `versioning.enabled` also works: a numeric-less step into an array takes its
 * first element. Returns undefined when absent, the Unknown when an Unknown is crossed.
 */
export function get(from: IacResource | ObjectValue | Value | undefined, path: string): Value | undefined {
  let cur: Value | undefined = isResource(from) ? from.attributes : from;
  if (path === '') return cur;
  for (const step of path.split('.')) {
    if (cur === undefined || cur === null) return undefined;
    if (isUnknown(cur)) return cur;
    if (Array.isArray(cur)) {
      const i = /^\d+$/.test(step) ? Number(step) : -1;
      if (i >= 0) {
        cur = cur[i];
        continue;
      }
      cur = cur[0];
      if (cur === undefined || cur === null) return undefined;
      if (isUnknown(cur)) return cur;
    }
    if (!isObjectValue(cur)) return undefined;
    cur = cur[step];
  }
  return cur;
}

function isResource(v: IacResource | Value | undefined): v is IacResource {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'address' in v && 'attributeRanges' in v;
}

/** Nested blocks of a type as a list (empty when absent). Unknown when the block list is Unknown. */
export function blocks(
  from: IacResource | ObjectValue | Value | undefined,
  path: string,
): ObjectValue[] | Value {
  const v = get(from, path);
  if (v === undefined || v === null) return [];
  if (isUnknown(v)) return v;
  if (Array.isArray(v)) return v.filter(isObjectValue);
  if (isObjectValue(v)) return [v];
  return [];
}

/** Three-valued truth: true, false, or 'unknown'. Absent counts as `absent` (the provider default applies). */
export type Tri = boolean | 'unknown';

export function truthy(v: Value | undefined, absent: boolean): Tri {
  if (v === undefined || v === null) return absent;
  if (isUnknown(v)) return 'unknown';
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (v.toLowerCase() === 'true') return true;
    if (v.toLowerCase() === 'false') return false;
    return v.length > 0;
  }
  if (typeof v === 'number') return v !== 0;
  return true;
}

/** Turns a tri-state condition into a result: true passes, false fails with the message. */
export function expect(cond: Tri, message: string, path?: string): CheckResult {
  if (cond === 'unknown') return unknownResult(`${path ?? 'value'} is known only after apply`);
  return cond ? PASS : fail(message, path);
}

/** Combines results: any fail fails (violations merged), else any unknown, else pass; all skip -> skip. */
export function all(...results: CheckResult[]): CheckResult {
  const violations = results.flatMap((r) => (r.status === 'fail' ? r.violations : []));
  if (violations.length > 0) return { status: 'fail', violations };
  const u = results.find((r) => r.status === 'unknown');
  if (u) return u;
  if (results.length > 0 && results.every((r) => r.status === 'skip')) return SKIP;
  return PASS;
}

/** Strings in a value that may be a string or a list of strings; Unknown elements are reported. */
export function strings(v: Value | undefined): { values: string[]; unknown: boolean } {
  if (v === undefined || v === null) return { values: [], unknown: false };
  if (isUnknown(v)) return { values: [], unknown: true };
  if (typeof v === 'string') return { values: [v], unknown: false };
  if (Array.isArray(v)) {
    const out = { values: [] as string[], unknown: false };
    for (const x of v) {
      if (isUnknown(x)) out.unknown = true;
      else if (typeof x === 'string') out.values.push(x);
    }
    return out;
  }
  return { values: [], unknown: false };
}

export function defineRule(meta: RuleMeta, check: (r: IacResource, ctx: RuleContext) => CheckResult): Rule {
  return { meta, check };
}
