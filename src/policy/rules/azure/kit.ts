/**
 * Helpers shared by the azurerm rules: metadata defaults, scalar reads with Unknown kept, a
 * collector for rules that look at many entries (NSG rules, role scopes), and NSG port/source math.
 */
import type { IacResource } from '../../../iac/resource.js';
import {
  isObjectValue,
  isUnknown,
  type ObjectValue,
  type Unknown,
  type Value,
} from '../../../iac/terraform/value.js';
import type { CheckResult, Rule, RuleContext, RuleMeta, Violation } from '../../rule.js';
import { blocks, defineRule, get, strings, type Tri } from '../../rule-kit.js';

const AZURERM_DOCS = 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/';

/** Terraform registry page of an azurerm resource type. */
export function azurermDoc(type: string): string {
  return AZURERM_DOCS + type.replace(/^azurerm_/, '');
}

export function azureRule(
  meta: Omit<RuleMeta, 'provider'>,
  check: (r: IacResource, ctx: RuleContext) => CheckResult,
): Rule {
  return defineRule({ ...meta, provider: 'azure' }, check);
}

/** A scalar as text: undefined when absent or null, the Unknown itself when unknown. */
export function text(v: Value | undefined): string | Unknown | undefined {
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return v;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Negation over a three-valued condition. */
export function not(cond: Tri): Tri {
  return cond === 'unknown' ? 'unknown' : !cond;
}

/** Conjunction over three-valued conditions: false wins, then unknown. */
export function and(...conds: Tri[]): Tri {
  if (conds.includes(false)) return false;
  if (conds.includes('unknown')) return 'unknown';
  return true;
}

/**
 * Collects violations over many entries of a resource. A certain violation anywhere fails the
 * resource; otherwise one Unknown makes the answer unknown; otherwise it passes.
 */
export class Findings {
  private readonly violations: Violation[] = [];
  private unknownReason: string | undefined;

  add(cond: Tri, message: string, path?: string): void {
    if (cond === 'unknown') this.unknownReason ??= `${path ?? 'a value'} is known only after apply`;
    else if (cond) this.violations.push(path === undefined ? { message } : { message, path });
  }

  result(): CheckResult {
    if (this.violations.length > 0) return { status: 'fail', violations: this.violations };
    if (this.unknownReason !== undefined) return { status: 'unknown', reason: this.unknownReason };
    return { status: 'pass' };
  }
}

/** Sources that mean "any address on the internet" in an NSG rule. */
const INTERNET_SOURCES = new Set(['*', 'any', 'internet', '0.0.0.0', '0.0.0.0/0', '::/0', '::']);

export function isInternetSource(s: string): boolean {
  return INTERNET_SOURCES.has(s.trim().toLowerCase());
}

/** Whether an NSG/port-range string (`22`, `20-25`, `*`) covers `port`, or every port for 'all'. */
export function rangeCovers(range: string, port: number | 'all'): boolean {
  const r = range.trim();
  if (r === '*') return true;
  const m = /^(\d+)\s*-\s*(\d+)$/.exec(r);
  const [lo, hi] = m ? [Number(m[1]), Number(m[2])] : /^\d+$/.test(r) ? [Number(r), Number(r)] : [NaN, NaN];
  if (Number.isNaN(lo)) return false;
  return port === 'all' ? lo <= 1 && hi >= 65535 : lo <= port && port <= hi;
}

export interface ExposureTarget {
  port: number | 'all';
  /** Lower-case protocols that carry the service; `*` always counts. */
  protocols: string[];
}

/**
 * Whether one NSG security rule (an inline `security_rule` entry or an
 * `azurerm_network_security_rule`) allows inbound traffic from the internet to the target.
 */
export function nsgRuleExposes(rule: ObjectValue, target: ExposureTarget): Tri {
  const direction = text(rule['direction']);
  const access = text(rule['access']);
  const protocol = text(rule['protocol']);
  const dirOk: Tri = isUnknown(direction) ? 'unknown' : direction?.toLowerCase() === 'inbound';
  const accessOk: Tri = isUnknown(access) ? 'unknown' : access?.toLowerCase() === 'allow';
  const protoOk: Tri = isUnknown(protocol)
    ? 'unknown'
    : protocol !== undefined && (protocol === '*' || target.protocols.includes(protocol.toLowerCase()));

  const src = strings(rule['source_address_prefixes']);
  const one = text(rule['source_address_prefix']);
  const sources = [...src.values, ...(typeof one === 'string' ? [one] : [])];
  const srcOk: Tri = sources.some(isInternetSource)
    ? true
    : src.unknown || isUnknown(one)
      ? 'unknown'
      : false;

  const ranges = strings(rule['destination_port_ranges']);
  const single = text(rule['destination_port_range']);
  const ports = [...ranges.values, ...(typeof single === 'string' ? [single] : [])];
  const portOk: Tri = ports.some((p) => rangeCovers(p, target.port))
    ? true
    : ranges.unknown || isUnknown(single)
      ? 'unknown'
      : false;
  return and(dirOk, accessOk, protoOk, srcOk, portOk);
}

/** Lower-cased Azure resource id scopes that cover a whole subscription or more. */
export function isBroadScope(scope: string): boolean {
  const s = scope.trim().toLowerCase().replace(/\/+$/, '');
  return (
    s === '' ||
    /^\/subscriptions\/[^/]+$/.test(s) ||
    /^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(s)
  );
}

/** Nested blocks at `path` as a list of objects (empty when absent), or the Unknown. */
export function blockList(r: IacResource | ObjectValue, path: string): ObjectValue[] | Unknown {
  const v = blocks(r, path);
  if (isUnknown(v)) return v;
  if (!Array.isArray(v)) return [];
  const out: ObjectValue[] = [];
  for (const x of v as Value[]) if (isObjectValue(x)) out.push(x);
  return out;
}

/** The value at `path` of a resource, as text (see `text`). */
export function textAt(r: IacResource | ObjectValue, path: string): string | Unknown | undefined {
  return text(get(r, path));
}
