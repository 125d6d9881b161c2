/**
 * Shared helpers of the AWS rule pack: rule metadata with registry links and peer ids, IAM policy
 * documents read from every form Terraform lets you write them in, and security group rule
 * normalisation. Everything here keeps Unknown three-valued: a helper that meets an Unknown says so.
 */
import type { IacResource } from '../../../iac/resource.js';
import {
  isObjectValue,
  isUnknown,
  partialOf,
  type ObjectValue,
  type Value,
} from '../../../iac/terraform/value.js';
import type { CheckResult, ControlFamily, RuleContext, RuleMeta, Severity } from '../../rule.js';
import { blocks, fail, get, PASS, SKIP, strings, unknownResult } from '../../rule-kit.js';

const REGISTRY = 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs';

/** Registry URL of a resource (`aws_s3_bucket`) or data source (`data.aws_iam_policy_document`). */
export function registryUrl(type: string): string {
  if (type.startsWith('data.')) return `${REGISTRY}/data-sources/${type.slice(5).replace(/^aws_/, '')}`;
  return `${REGISTRY}/resources/${type.replace(/^aws_/, '')}`;
}

export interface AwsRuleSpec {
  id: string;
  title: string;
  severity: Severity;
  family: ControlFamily;
  resourceTypes: string[];
  remediation: string;
  /** Extra vendor documentation links; registry links of `resourceTypes` are added first. */
  docs?: string[];
  checkov?: string[];
  /** Trivy checks as `[avd_id, long_id]` pairs (long_id is the tfsec id). */
  trivy?: Array<[string, string]>;
}

export function awsMeta(spec: AwsRuleSpec): RuleMeta {
  return {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    family: spec.family,
    provider: 'aws',
    resourceTypes: spec.resourceTypes,
    remediation: spec.remediation,
    references: [...spec.resourceTypes.map(registryUrl), ...(spec.docs ?? [])],
    peers: {
      checkov: spec.checkov ?? [],
      trivy: (spec.trivy ?? []).map(([avd]) => avd),
      tfsec: (spec.trivy ?? []).map(([, long]) => long),
    },
  };
}

/** Nested blocks as a list of objects, or 'unknown' when the block list itself is Unknown. */
export function blockList(
  from: IacResource | ObjectValue | Value | undefined,
  path: string,
): ObjectValue[] | 'unknown' {
  const b = blocks(from, path);
  if (!Array.isArray(b)) return isUnknown(b) ? 'unknown' : [];
  return (b as Value[]).filter(isObjectValue);
}

/** A string attribute that is set to a non-empty known value; 'unknown' when Unknown. */
export function isSet(v: Value | undefined): boolean | 'unknown' {
  if (v === undefined || v === null) return false;
  if (isUnknown(v)) return 'unknown';
  if (typeof v === 'string') return v.trim().length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

/**
 * Is a reference-like argument (a key id, an ARN) configured? A value known only after apply,
 * such as `aws_kms_key.k.arn`, is configured: it cannot turn out empty.
 */
export function isConfigured(v: Value | undefined): boolean {
  if (v === undefined || v === null) return false;
  if (isUnknown(v)) return true;
  return isSet(v) === true;
}

/** A number from a number or numeric string; undefined when absent or not numeric, the Unknown kept. */
export function num(v: Value | undefined): number | undefined | 'unknown' {
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return 'unknown';
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

/** A string value; undefined when absent or not a string, the literal 'unknown' when Unknown. */
export function str(v: Value | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return 'unknown';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * Managed resources of `type` attached to `target` through `via` (e.g. the versioning resource
 * whose `bucket` is this bucket). `for_each = aws_s3_bucket.b` with `bucket = each.value.id` is
 * recorded as a reference from `for_each`, so those count too when their instance key matches.
 */
export function attached(ctx: RuleContext, target: IacResource, type: string, via: string): IacResource[] {
  const out = new Set(ctx.graph.referencing(target, type, via));
  const key = /(\[[^\]]*\])$/.exec(target.address)?.[1];
  for (const r of ctx.graph.referencing(target, type, 'for_each')) {
    if (key !== undefined && r.address.endsWith(key)) out.add(r);
  }
  return [...out].filter((r) => r.mode === 'managed');
}

// ---------------------------------------------------------------------------------------------
// IAM policy documents
// ---------------------------------------------------------------------------------------------

export interface Principal {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for `"Principal": "*"`. */
  type: string;
  ids: string[];
}

/** One statement of a policy document, normalised from JSON or from `aws_iam_policy_document`. */
export interface Statement {
  sid?: string;
  /** 'unknown' when the effect is known only after apply: such a statement never decides a violation. */
  effect: 'Allow' | 'Deny' | 'unknown';
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: Principal[];
  notPrincipals?: Principal[];
  /** Condition as an object: operator -> key -> values (JSON shape). */
  condition?: Record<string, Record<string, string[]>>;
  /** Some condition operator or key is Unknown: the statement may be narrowed by it. */
  conditionUnknown?: boolean;
  /** Some part of the statement is Unknown: decisions that depend on it must answer unknown. */
  partial: boolean;
  /** Which parts are Unknown (set whenever `partial` is; the known values of a part are listed). */
  unknownParts?: StatementPart[];
}

/**
 * A part of a statement that can be Unknown. `statement`: the whole statement; `actions` covers
 * Action and NotAction, `resources` Resource and NotResource, `principals` both principal forms.
 */
export type StatementPart =
  | 'statement'
  | 'effect'
  | 'sid'
  | 'actions'
  | 'resources'
  | 'principals'
  | 'conditionKeys'
  | 'conditionValues';

function markUnknown(st: Statement, part: StatementPart): void {
  st.partial = true;
  const parts = (st.unknownParts ??= []);
  if (!parts.includes(part)) parts.push(part);
  if (part === 'conditionKeys') st.conditionUnknown = true;
}

/** Are the Unknown parts of a statement all outside `relevant`? (False for a partial statement of unknown shape.) */
function unknownOnlyOutside(st: Statement, relevant: readonly StatementPart[]): boolean {
  if (!st.partial) return true;
  if (!st.unknownParts) return false;
  return st.unknownParts.every((p) => !relevant.includes(p));
}

export type PolicyRead =
  | { kind: 'absent' }
  | { kind: 'unknown'; reason: string }
  | { kind: 'invalid'; reason: string }
  | { kind: 'document'; statements: Statement[]; source: string };

function toList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

function jsonPrincipals(p: unknown): Principal[] | undefined {
  if (p === undefined) return undefined;
  if (p === '*') return [{ type: '*', ids: ['*'] }];
  if (typeof p === 'object' && p !== null && !Array.isArray(p)) {
    return Object.entries(p as Record<string, unknown>).map(([type, ids]) => ({ type, ids: toList(ids) }));
  }
  return [];
}

function jsonCondition(c: unknown): Record<string, Record<string, string[]>> | undefined {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return undefined;
  const out: Record<string, Record<string, string[]>> = {};
  for (const [op, body] of Object.entries(c as Record<string, unknown>)) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) continue;
    const keys: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      keys[k] = Array.isArray(v) ? v.map(String) : [String(v)];
    }
    out[op] = keys;
  }
  return out;
}

/** Statements of a JSON policy document (already parsed). */
export function statementsFromJson(doc: unknown): Statement[] | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const raw = (doc as Record<string, unknown>)['Statement'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: Statement[] = [];
  for (const s of list) {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) continue;
    const o = s as Record<string, unknown>;
    const st: Statement = { effect: o['Effect'] === 'Deny' ? 'Deny' : 'Allow', partial: false };
    if (typeof o['Sid'] === 'string') st.sid = o['Sid'];
    if (o['Action'] !== undefined) st.actions = toList(o['Action']);
    if (o['NotAction'] !== undefined) st.notActions = toList(o['NotAction']);
    if (o['Resource'] !== undefined) st.resources = toList(o['Resource']);
    if (o['NotResource'] !== undefined) st.notResources = toList(o['NotResource']);
    const p = jsonPrincipals(o['Principal']);
    if (p) st.principals = p;
    const np = jsonPrincipals(o['NotPrincipal']);
    if (np) st.notPrincipals = np;
    const c = jsonCondition(o['Condition']);
    if (c && Object.keys(c).length > 0) st.condition = c;
    out.push(st);
  }
  return out;
}

/** Known strings of a JSON field (a string or a list of them), and whether any part is Unknown. */
function valueStrings(v: Value | undefined): { values: string[]; unknown: boolean } {
  if (isUnknown(v)) return { values: [], unknown: true };
  if (typeof v === 'string') return { values: [v], unknown: false };
  if (Array.isArray(v)) {
    return { values: v.filter((x): x is string => typeof x === 'string'), unknown: v.some(isUnknown) };
  }
  return { values: [], unknown: false };
}

function valuePrincipals(p: Value | undefined): { principals?: Principal[]; unknown: boolean } {
  if (p === undefined) return { unknown: false };
  if (isUnknown(p)) return { principals: [], unknown: true };
  if (p === '*') return { principals: [{ type: '*', ids: ['*'] }], unknown: false };
  if (!isObjectValue(p)) return { principals: [], unknown: false };
  let unknown = false;
  const principals = Object.entries(p).map(([type, ids]) => {
    const l = valueStrings(ids);
    if (l.unknown) unknown = true;
    return { type, ids: l.values };
  });
  return { principals, unknown };
}

/** Condition with known operators and keys; values that are Unknown are left out and flagged. */
function valueCondition(c: Value | undefined): {
  condition?: Record<string, Record<string, string[]>>;
  keysUnknown: boolean;
  valuesUnknown: boolean;
} {
  if (c === undefined) return { keysUnknown: false, valuesUnknown: false };
  if (isUnknown(c)) return { keysUnknown: true, valuesUnknown: false };
  if (!isObjectValue(c)) return { keysUnknown: false, valuesUnknown: false };
  const out: Record<string, Record<string, string[]>> = {};
  let keysUnknown = false;
  let valuesUnknown = false;
  for (const [op, body] of Object.entries(c)) {
    if (isUnknown(body)) {
      keysUnknown = true;
      continue;
    }
    if (!isObjectValue(body)) continue;
    const keys: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(body)) {
      const list = Array.isArray(v) ? v : [v];
      if (list.some(isUnknown)) valuesUnknown = true;
      keys[k] = list.filter((x) => !isUnknown(x)).map(String);
    }
    out[op] = keys;
  }
  return { condition: out, keysUnknown, valuesUnknown };
}

/**
 * Statements of an evaluated policy object whose leaves may be Unknown (the object given to
 * `jsonencode`, or the `partial` of the Unknown it returned). A known document reads exactly as
 * `statementsFromJson` reads its JSON; an Unknown part leaves the statement `partial` (an Unknown
 * statement becomes one whose effect is unknown). 'unknown' when the statement list is Unknown.
 */
export function statementsFromValue(doc: Value): Statement[] | 'unknown' | undefined {
  if (!isObjectValue(doc)) return undefined;
  const raw = doc['Statement'];
  if (isUnknown(raw)) return 'unknown';
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: Statement[] = [];
  for (const o of list) {
    if (isUnknown(o)) {
      out.push({ effect: 'unknown', partial: true, unknownParts: ['statement'] });
      continue;
    }
    if (!isObjectValue(o)) continue;
    const effect = o['Effect'];
    const st: Statement = {
      effect: isUnknown(effect) ? 'unknown' : effect === 'Deny' ? 'Deny' : 'Allow',
      partial: false,
    };
    if (isUnknown(effect)) markUnknown(st, 'effect');
    if (isUnknown(o['Sid'])) markUnknown(st, 'sid');
    if (typeof o['Sid'] === 'string') st.sid = o['Sid'];
    const fields: Array<[string, 'actions' | 'notActions' | 'resources' | 'notResources']> = [
      ['Action', 'actions'],
      ['NotAction', 'notActions'],
      ['Resource', 'resources'],
      ['NotResource', 'notResources'],
    ];
    for (const [attr, key] of fields) {
      if (o[attr] === undefined) continue;
      const l = valueStrings(o[attr]);
      st[key] = l.values;
      if (l.unknown) markUnknown(st, key === 'resources' || key === 'notResources' ? 'resources' : 'actions');
    }
    for (const [attr, key] of [
      ['Principal', 'principals'],
      ['NotPrincipal', 'notPrincipals'],
    ] as const) {
      const p = valuePrincipals(o[attr]);
      if (p.principals) st[key] = p.principals;
      if (p.unknown) markUnknown(st, 'principals');
    }
    const c = valueCondition(o['Condition']);
    if (c.condition && Object.keys(c.condition).length > 0) st.condition = c.condition;
    if (c.keysUnknown) markUnknown(st, 'conditionKeys');
    if (c.valuesUnknown) markUnknown(st, 'conditionValues');
    out.push(st);
  }
  return out;
}

function listOf(v: Value | undefined): { values: string[]; unknown: boolean } | undefined {
  if (v === undefined || v === null) return undefined;
  return strings(v);
}

function docPrincipals(list: ObjectValue[] | Value): { principals: Principal[]; unknown: boolean } {
  if (!Array.isArray(list)) return { principals: [], unknown: isUnknown(list) };
  const out: Principal[] = [];
  let unknown = false;
  for (const p of list) {
    if (!isObjectValue(p)) continue;
    const type = p['type'];
    const ids = strings(p['identifiers']);
    if (isUnknown(type) || ids.unknown) unknown = true;
    out.push({ type: typeof type === 'string' ? type : '', ids: ids.values });
  }
  return { principals: out, unknown };
}

/** Statements of an `aws_iam_policy_document` data source (its evaluated `statement` blocks). */
export function statementsFromDocument(doc: IacResource): Statement[] | 'unknown' {
  const list = blocks(doc, 'statement');
  if (!Array.isArray(list)) return 'unknown';
  const out: Statement[] = [];
  for (const s of list) {
    if (!isObjectValue(s)) continue;
    const effect = s['effect'];
    const st: Statement = {
      effect: isUnknown(effect) ? 'unknown' : effect === 'Deny' ? 'Deny' : 'Allow',
      partial: false,
    };
    if (isUnknown(effect)) markUnknown(st, 'effect');
    if (typeof s['sid'] === 'string') st.sid = s['sid'];
    const fields: Array<[string, 'actions' | 'notActions' | 'resources' | 'notResources']> = [
      ['actions', 'actions'],
      ['not_actions', 'notActions'],
      ['resources', 'resources'],
      ['not_resources', 'notResources'],
    ];
    for (const [attr, key] of fields) {
      const l = listOf(s[attr]);
      if (l === undefined) continue;
      if (l.unknown) markUnknown(st, key === 'resources' || key === 'notResources' ? 'resources' : 'actions');
      st[key] = l.values;
    }
    const p = blocks(s, 'principals');
    if (Array.isArray(p) ? p.length > 0 : true) {
      const r = docPrincipals(p);
      st.principals = r.principals;
      if (r.unknown) markUnknown(st, 'principals');
    }
    const np = blocks(s, 'not_principals');
    if (Array.isArray(np) ? np.length > 0 : true) {
      const r = docPrincipals(np);
      st.notPrincipals = r.principals;
      if (r.unknown) markUnknown(st, 'principals');
    }
    const conds = blockList(s, 'condition');
    if (conds === 'unknown') markUnknown(st, 'conditionKeys');
    else if (conds.length > 0) {
      const c: Record<string, Record<string, string[]>> = {};
      for (const cond of conds) {
        const test = cond['test'];
        const variable = cond['variable'];
        const values = strings(cond['values']);
        if (values.unknown) markUnknown(st, 'conditionValues');
        if (typeof test !== 'string' || typeof variable !== 'string') {
          // The key is not known: it may well narrow the statement.
          markUnknown(st, 'conditionKeys');
          continue;
        }
        // A known key with Unknown values still narrows (or not) by its key alone.
        (c[test] ??= {})[variable] = values.values;
      }
      st.condition = c;
    }
    out.push(st);
  }
  return out;
}

/**
 * Reads the policy document held by `attr` of `resource` (`policy`, `assume_role_policy`,
 * `inline_policy.0.policy`): a JSON string (jsonencode or heredoc), an evaluated object, or a
 * reference to a `data.aws_iam_policy_document` (Unknown until apply, so the data source's own
 * statements are read through the resource graph).
 */
export function readPolicy(resource: IacResource, attr: string, ctx: RuleContext): PolicyRead {
  const v = get(resource, attr);
  if (v === undefined || v === null) return { kind: 'absent' };
  if (typeof v === 'string') {
    if (v.trim() === '') return { kind: 'absent' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      return { kind: 'invalid', reason: `${attr} is not valid JSON` };
    }
    const st = statementsFromJson(parsed);
    return st
      ? { kind: 'document', statements: st, source: attr }
      : { kind: 'invalid', reason: `${attr} is not a policy` };
  }
  if (isObjectValue(v)) {
    const st = statementsFromValue(v);
    if (st === 'unknown') return { kind: 'unknown', reason: `${attr} statements are known only after apply` };
    return st
      ? { kind: 'document', statements: st, source: attr }
      : { kind: 'invalid', reason: `${attr} is not a policy` };
  }
  if (isUnknown(v)) {
    // jsonencode of a document with values known only after apply: read its known structure.
    const partial = partialOf(v);
    if (isObjectValue(partial)) {
      const st = statementsFromValue(partial);
      if (st !== 'unknown' && st !== undefined) return { kind: 'document', statements: st, source: attr };
      return { kind: 'unknown', reason: `${attr} statements are known only after apply` };
    }
    const docs = ctx.graph
      .referencedBy(resource, attr)
      .filter((d) => d.mode === 'data' && d.type === 'aws_iam_policy_document');
    if (docs.length === 1 && docs[0]) {
      const doc = docs[0];
      const extra = ['source_policy_documents', 'override_policy_documents', 'source_json', 'override_json'];
      if (extra.some((a) => get(doc, a) !== undefined && get(doc, a) !== null)) {
        return { kind: 'unknown', reason: `${doc.address} merges other documents` };
      }
      const st = statementsFromDocument(doc);
      if (st === 'unknown')
        return { kind: 'unknown', reason: `${doc.address} statements are known only after apply` };
      return { kind: 'document', statements: st, source: doc.address };
    }
    return { kind: 'unknown', reason: `${attr} is known only after apply` };
  }
  return { kind: 'invalid', reason: `${attr} is not a policy document` };
}

/** Does an IAM action pattern (`s3:*`, `iam:Pass*`, `*`) match the action `service:Name`? */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
    'i',
  );
  return re.test(action);
}

export function isFullWildcard(action: string): boolean {
  return action === '*' || action === '*:*';
}

/** Is the statement's principal everyone (`"*"` or `{"AWS": "*"}`)? */
export function isPublicPrincipal(st: Statement): boolean {
  return (st.principals ?? []).some((p) => (p.type === '*' || p.type === 'AWS') && p.ids.includes('*'));
}

/** Condition keys that really narrow who can use a public grant. */
const NARROWING_KEYS = [
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceip',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:resourceorgid',
  'aws:userid',
  'aws:username',
  'kms:calleraccount',
  'kms:viaservice',
  'sns:endpoint',
];

/**
 * Does a condition narrow the statement? True also when a condition key is Unknown (it may), so
 * a violation never rests on the absence of a condition that is not known yet.
 */
export function hasNarrowingCondition(st: Statement): boolean {
  if (st.conditionUnknown === true) return true;
  if (!st.condition) return false;
  for (const keys of Object.values(st.condition)) {
    for (const k of Object.keys(keys)) if (NARROWING_KEYS.includes(k.toLowerCase())) return true;
  }
  return false;
}

/** Describes a statement for messages: `statement "Admin"` or `statement 2`. */
export function stmtName(st: Statement, i: number): string {
  return st.sid ? `statement "${st.sid}"` : `statement ${i + 1}`;
}

const PUBLIC_POLICY_PARTS: readonly StatementPart[] = ['statement', 'effect', 'principals', 'conditionKeys'];

/** Public, unconditioned Allow statements of a policy read, as a check result. */
export function publicPolicyResult(read: PolicyRead, path: string, what: string): CheckResult {
  if (read.kind === 'absent') return SKIP;
  if (read.kind === 'unknown') return unknownResult(read.reason);
  if (read.kind === 'invalid') return SKIP;
  const bad: string[] = [];
  let partial = false;
  read.statements.forEach((st, i) => {
    if (st.effect === 'Deny') return;
    // The answer rests on Effect, Principal and condition keys: other Unknown parts do not matter.
    if (!unknownOnlyOutside(st, PUBLIC_POLICY_PARTS)) partial = true;
    if (st.effect !== 'Allow') return;
    if (isPublicPrincipal(st) && !hasNarrowingCondition(st)) bad.push(stmtName(st, i));
  });
  if (bad.length > 0) {
    const src = read.source === path ? '' : ` (from ${read.source})`;
    return fail(
      `${what} allows Principal "*" without a narrowing condition in ${bad.join(', ')}${src}`,
      path,
    );
  }
  if (partial) return unknownResult('parts of the policy are known only after apply');
  return PASS;
}

/** The attributes that hold identity policies, per resource type. */
export const IDENTITY_POLICY_ATTRS: Record<string, string[]> = {
  aws_iam_policy: ['policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_iam_role: ['inline_policy'],
};

/**
 * Prepares a read for the identity-policy rules (OPS-AWS-IAM-001..005), which judge an Allow
 * statement by its Effect, Action/NotAction and, for grants of every action or of iam:PassRole,
 * whether Resource includes "*". For those rules:
 * - an Unknown Resource (not known to include "*") on a grant of every action or of iam:PassRole
 *   decides between admin and scoped access, so the statement's effect is treated as unknown;
 * - Unknown parts they never look at (Resource otherwise, Principal, Condition, Sid) do not make
 *   the statement partial, so it can pass.
 */
function forIdentityRules(read: PolicyRead): PolicyRead {
  if (read.kind !== 'document') return read;
  const statements = read.statements.map((st): Statement => {
    if (st.effect !== 'Allow' || !st.partial || !st.unknownParts) return st;
    const scoped = (st.actions ?? []).some((a) => isFullWildcard(a) || actionMatches(a, 'iam:PassRole'));
    if (st.unknownParts.includes('resources') && scoped && !(st.resources ?? []).includes('*')) {
      return { ...st, effect: 'unknown' };
    }
    if (unknownOnlyOutside(st, ['statement', 'effect', 'actions'])) return { ...st, partial: false };
    return st;
  });
  return { ...read, statements };
}

/** Every identity policy document of a resource with the attribute path that holds it. */
export function identityPolicies(
  r: IacResource,
  ctx: RuleContext,
): Array<{ path: string; read: PolicyRead }> {
  if (r.type === 'aws_iam_role') {
    const inline = blocks(r, 'inline_policy');
    if (!Array.isArray(inline))
      return [
        {
          path: 'inline_policy',
          read: { kind: 'unknown', reason: 'inline_policy is known only after apply' },
        },
      ];
    return inline.map((_, i) => ({
      path: `inline_policy.${i}.policy`,
      read: forIdentityRules(readPolicy(r, `inline_policy.${i}.policy`, ctx)),
    }));
  }
  return [{ path: 'policy', read: forIdentityRules(readPolicy(r, 'policy', ctx)) }];
}

// ---------------------------------------------------------------------------------------------
// Security group rules
// ---------------------------------------------------------------------------------------------

/** One ingress or egress permission, from any of the four ways Terraform writes them. */
export interface SgRule {
  direction: 'ingress' | 'egress';
  /** Lower-case protocol (`tcp`, `-1`), or 'unknown'. */
  protocol: string;
  from: number | 'unknown' | undefined;
  to: number | 'unknown' | undefined;
  cidrs: string[];
  cidrsUnknown: boolean;
  /** Dotted path of the CIDR attribute that opens it (for the finding's location). */
  path: string;
  /** The rule's description; the literal 'unknown' when Unknown. */
  description: string | undefined;
}

function protocolOf(v: Value | undefined): string {
  const s = str(v);
  if (s === 'unknown') return 'unknown';
  return (s ?? '-1').toLowerCase();
}

function cidrsOf(
  block: ObjectValue,
  attrs: string[],
  base: string,
): { cidrs: string[]; unknown: boolean; path: string } {
  const out: string[] = [];
  let unknown = false;
  let path = base === '' ? (attrs[0] ?? '') : `${base}.${attrs[0] ?? ''}`;
  for (const a of attrs) {
    const s = strings(block[a]);
    if (s.unknown) unknown = true;
    if (s.values.some(isOpenCidr)) path = base === '' ? a : `${base}.${a}`;
    out.push(...s.values);
  }
  return { cidrs: out, unknown, path };
}

export function isOpenCidr(c: string): boolean {
  return c.trim() === '0.0.0.0/0' || c.trim() === '::/0';
}

/** The rules a resource declares (inline blocks of a security group, or a standalone rule resource). */
export function sgRules(r: IacResource): SgRule[] | 'unknown' {
  const a = r.attributes;
  if (r.type === 'aws_security_group' || r.type === 'aws_default_security_group') {
    const out: SgRule[] = [];
    for (const dir of ['ingress', 'egress'] as const) {
      const list = blockList(r, dir);
      if (list === 'unknown') return 'unknown';
      list.forEach((b, i) => {
        const c = cidrsOf(b, ['cidr_blocks', 'ipv6_cidr_blocks'], `${dir}.${i}`);
        const from = num(b['from_port']);
        const to = num(b['to_port']);
        out.push({
          direction: dir,
          protocol: protocolOf(b['protocol']),
          from,
          to,
          cidrs: c.cidrs,
          cidrsUnknown: c.unknown,
          path: c.path,
          description: str(b['description']),
        });
      });
    }
    return out;
  }
  if (r.type === 'aws_security_group_rule') {
    const t = str(a['type']);
    if (t === 'unknown') return 'unknown';
    const c = cidrsOf(a, ['cidr_blocks', 'ipv6_cidr_blocks'], '');
    return [
      {
        direction: t === 'egress' ? 'egress' : 'ingress',
        protocol: protocolOf(a['protocol']),
        from: num(a['from_port']),
        to: num(a['to_port']),
        cidrs: c.cidrs,
        cidrsUnknown: c.unknown,
        path: c.path,
        description: str(a['description']),
      },
    ];
  }
  if (r.type === 'aws_vpc_security_group_ingress_rule' || r.type === 'aws_vpc_security_group_egress_rule') {
    const c = cidrsOf(a, ['cidr_ipv4', 'cidr_ipv6'], '');
    return [
      {
        direction: r.type === 'aws_vpc_security_group_egress_rule' ? 'egress' : 'ingress',
        protocol: protocolOf(a['ip_protocol']),
        from: num(a['from_port']),
        to: num(a['to_port']),
        cidrs: c.cidrs,
        cidrsUnknown: c.unknown,
        path: c.path,
        description: str(a['description']),
      },
    ];
  }
  return [];
}

export function allProtocols(protocol: string): boolean {
  return protocol === '-1' || protocol === 'all';
}

/**
 * Does the rule admit TCP traffic to `port`? 'unknown' when a deciding value is Unknown.
 * Protocol -1 (all) admits every port whatever the port numbers say.
 */
export function admitsTcpPort(rule: SgRule, port: number): boolean | 'unknown' {
  if (rule.protocol === 'unknown') return 'unknown';
  if (allProtocols(rule.protocol)) return true;
  if (rule.protocol !== 'tcp' && rule.protocol !== '6') return false;
  if (rule.from === 'unknown' || rule.to === 'unknown') return 'unknown';
  if (rule.from === undefined || rule.to === undefined) return false;
  return rule.from <= port && port <= rule.to;
}

/** Does the rule open every port (protocol -1, or 0-65535 for TCP/UDP)? */
export function admitsAllPorts(rule: SgRule): boolean | 'unknown' {
  if (rule.protocol === 'unknown') return 'unknown';
  if (allProtocols(rule.protocol)) return true;
  if (rule.from === 'unknown' || rule.to === 'unknown') return 'unknown';
  if (rule.from === undefined || rule.to === undefined) return false;
  return rule.from <= 1 && rule.to >= 65535;
}
