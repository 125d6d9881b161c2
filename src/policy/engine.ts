/**
 * The policy engine: runs rules over resources and turns violations into findings with a
 * location, a stable fingerprint and a status (open, suppressed, baselined).
 */
import { createHash } from 'node:crypto';
import type { Comment, Range } from '../iac/hcl/ast.js';
import type { IacResource } from '../iac/resource.js';
import { buildGraph } from './graph.js';
import {
  CONTROL_FAMILIES,
  SEVERITIES,
  type CloudProvider,
  type ControlFamily,
  type Rule,
  type RuleContext,
  type RuleMeta,
  type Severity,
  type TagPolicy,
} from './rule.js';
import { findSuppression, isExpired, parseSuppressions, type SuppressionKind } from './suppressions.js';
import { DEFAULT_TAG_POLICY } from './tag-policy.js';

export type FindingStatus = 'open' | 'suppressed' | 'baselined';

export interface Finding {
  ruleId: string;
  title: string;
  severity: Severity;
  family: ControlFamily;
  provider: CloudProvider;
  peers: RuleMeta['peers'];
  address: string;
  resourceType: string;
  file: string;
  startLine: number;
  endLine: number;
  startColumn: number;
  endColumn: number;
  /** Dotted attribute path of the violation, when the rule gave one. */
  path?: string;
  message: string;
  status: FindingStatus;
  suppression?: {
    kind: SuppressionKind | 'baseline';
    reason?: string;
    until?: string;
    /** `file:line` of the comment, or the baseline file. */
    source: string;
  };
  /** Set when a suppression matched but had expired, so the finding stays open. */
  note?: string;
  remediation: string;
  references: string[];
  /** Stable across line moves: hash of rule id, scope (root module), address and violation path. */
  fingerprint: string;
}

export interface Inconclusive {
  ruleId: string;
  address: string;
  file: string;
  line: number;
  reason: string;
}

export interface EngineWarning {
  kind: 'malformed-suppression' | 'expired-suppression' | 'rule-error';
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface RuleSelection {
  /** When non-empty, only rules whose id or family is listed run. */
  enable?: string[];
  /** Rules whose id or family is listed do not run. */
  disable?: string[];
  /** Severity per rule id (or per family). */
  severityOverrides?: Record<string, Severity>;
}

export interface EngineOptions extends RuleSelection {
  rules: readonly Rule[];
  tagPolicy?: TagPolicy;
  /** Findings below this severity are dropped (counted in `belowThreshold`). Default: 'info' (all). */
  severityThreshold?: Severity;
  /** Parsed files with their comments, for in-source suppressions. */
  files?: ReadonlyArray<{ path: string; comments: readonly Comment[] }>;
  /** Fingerprints of the baseline; matching open findings become 'baselined'. */
  baseline?: ReadonlySet<string>;
  baselineSource?: string;
  /** Today's date (YYYY-MM-DD) for suppression expiry, given by the caller (no clock reads here). */
  today: string;
  /** Distinguishes equal addresses of different root modules in one scan (e.g. its directory). */
  scopeOf?: (resource: IacResource) => string;
}

export interface EngineResult {
  findings: Finding[];
  inconclusive: Inconclusive[];
  warnings: EngineWarning[];
  stats: {
    rules: number;
    resources: number;
    checks: number;
    passed: number;
    failed: number;
    skipped: number;
    inconclusive: number;
    belowThreshold: number;
  };
}

/** True when the rule applies to the resource: one of its types, and managed unless the rule asks for data. */
export function ruleApplies(rule: Rule, resource: IacResource): boolean {
  const modes = rule.meta.modes ?? ['managed'];
  return modes.includes(resource.mode) && rule.meta.resourceTypes.includes(resource.type);
}

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

function listed(meta: RuleMeta, list: readonly string[] | undefined): boolean {
  if (!list || list.length === 0) return false;
  const id = meta.id.toLowerCase();
  return list.some((x) => x.toLowerCase() === id || x === meta.family || x.toLowerCase() === meta.provider);
}

/** The rules that run under a selection, with severities overridden. */
export function selectRules(rules: readonly Rule[], sel: RuleSelection): Rule[] {
  const out: Rule[] = [];
  for (const rule of rules) {
    if (sel.enable && sel.enable.length > 0 && !listed(rule.meta, sel.enable)) continue;
    if (listed(rule.meta, sel.disable)) continue;
    const overrides = sel.severityOverrides ?? {};
    const sev =
      Object.entries(overrides).find(([k]) => k.toLowerCase() === rule.meta.id.toLowerCase())?.[1] ??
      overrides[rule.meta.family];
    out.push(
      sev && sev !== rule.meta.severity
        ? { meta: { ...rule.meta, severity: sev }, check: (r, c) => rule.check(r, c) }
        : rule,
    );
  }
  return out;
}

/** Ids and families a selection may name; anything else is a configuration error. */
export function unknownSelectors(rules: readonly Rule[], names: readonly string[]): string[] {
  const known = new Set<string>([...CONTROL_FAMILIES, 'aws', 'azure', 'gcp']);
  for (const r of rules) known.add(r.meta.id.toLowerCase());
  return names.filter((n) => !known.has(n.toLowerCase()));
}

/**
 * Where a violation is: the range of its attribute path, else of the nearest parent path, else the
 * resource block. Paths written without list indexes (`versioning.enabled`) match the first block.
 */
export function locate(resource: IacResource, path: string | undefined): Range {
  if (path === undefined || path === '') return resource.range;
  const ranges = resource.attributeRanges;
  const steps = path.split('.');
  for (let n = steps.length; n > 0; n--) {
    const p = steps.slice(0, n).join('.');
    const exact = ranges.get(p);
    if (exact) return exact;
    const withIndexes = ranges.get(insertIndexes(steps.slice(0, n)));
    if (withIndexes) return withIndexes;
  }
  return resource.range;
}

function insertIndexes(steps: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] ?? '';
    out.push(s);
    const next = steps[i + 1];
    if (next !== undefined && !/^\d+$/.test(next) && !/^\d+$/.test(s) && i < steps.length - 1) out.push('0');
  }
  return out.join('.');
}

export function fingerprint(
  ruleId: string,
  scope: string,
  address: string,
  path: string | undefined,
): string {
  return createHash('sha256')
    .update(`${ruleId}\u0000${scope}\u0000${address}\u0000${path ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}

/** Runs the selected rules over the resources and returns findings, inconclusive checks and warnings. */
export function runEngine(resources: readonly IacResource[], opts: EngineOptions): EngineResult {
  const rules = selectRules(opts.rules, opts);
  // One graph per root module: resources of different roots never reference each other.
  const tagPolicy = opts.tagPolicy ?? DEFAULT_TAG_POLICY;
  const groups = new Map<string, IacResource[]>();
  for (const r of resources) {
    const scope = opts.scopeOf?.(r) ?? '';
    const list = groups.get(scope);
    if (list) list.push(r);
    else groups.set(scope, [r]);
  }
  const contexts = new Map<string, RuleContext>();
  for (const [scope, list] of groups) contexts.set(scope, { graph: buildGraph(list), tagPolicy });
  const threshold = opts.severityThreshold ?? 'info';
  const parsed = parseSuppressions(opts.files ?? []);
  const commentLines = new Map<string, Set<number>>();
  for (const f of opts.files ?? []) {
    const lines = new Set<number>();
    for (const c of f.comments) for (let l = c.range.start.line; l <= c.range.end.line; l++) lines.add(l);
    commentLines.set(f.path, lines);
  }
  const warnings: EngineWarning[] = parsed.warnings.map((w) => ({ kind: 'malformed-suppression', ...w }));
  // A typo in a rule id would silently suppress nothing: say so.
  const knownIds = new Set(opts.rules.map((r) => r.meta.id.toLowerCase()));
  for (const list of parsed.byFile.values()) {
    for (const s of list) {
      if (s.kind !== 'opsdeck') continue;
      for (const id of s.ids) {
        if (knownIds.has(id.toLowerCase())) continue;
        warnings.push({
          kind: 'malformed-suppression',
          file: s.file,
          line: s.line,
          column: 1,
          message: `suppression names unknown rule id "${id}"`,
        });
      }
    }
  }
  const expiredWarned = new Set<string>();
  const stats: EngineResult['stats'] = {
    rules: rules.length,
    resources: resources.length,
    checks: 0,
    passed: 0,
    failed: 0,
    skipped: 0,
    inconclusive: 0,
    belowThreshold: 0,
  };
  const findings: Finding[] = [];
  const inconclusive: Inconclusive[] = [];

  const byType = new Map<string, Rule[]>();
  for (const rule of rules) {
    for (const t of rule.meta.resourceTypes) {
      const list = byType.get(t);
      if (list) list.push(rule);
      else byType.set(t, [rule]);
    }
  }

  for (const resource of resources) {
    const candidates = byType.get(resource.type);
    if (!candidates) continue;
    const ctx = contexts.get(opts.scopeOf?.(resource) ?? '') ?? { graph: buildGraph([resource]), tagPolicy };
    for (const rule of candidates) {
      if (!ruleApplies(rule, resource)) continue;
      stats.checks++;
      let result;
      try {
        result = rule.check(resource, ctx);
      } catch (e) {
        warnings.push({
          kind: 'rule-error',
          file: resource.range.file,
          line: resource.range.start.line,
          column: resource.range.start.column,
          message: `rule ${rule.meta.id} failed on ${resource.address}: ${e instanceof Error ? e.message : String(e)}`,
        });
        continue;
      }
      if (result.status === 'pass') stats.passed++;
      else if (result.status === 'skip') stats.skipped++;
      else if (result.status === 'unknown') {
        stats.inconclusive++;
        inconclusive.push({
          ruleId: rule.meta.id,
          address: resource.address,
          file: resource.range.file,
          line: resource.range.start.line,
          reason: result.reason,
        });
      } else {
        stats.failed++;
        if (!atOrAbove(rule.meta.severity, threshold)) {
          stats.belowThreshold += result.violations.length;
          continue;
        }
        const seen = new Set<string>();
        for (const v of result.violations) {
          const key = `${v.path ?? ''}\u0000${v.message}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const range = locate(resource, v.path);
          const meta = rule.meta;
          const f: Finding = {
            ruleId: meta.id,
            title: meta.title,
            severity: meta.severity,
            family: meta.family,
            provider: meta.provider,
            peers: meta.peers,
            address: resource.address,
            resourceType: resource.type,
            file: range.file,
            startLine: range.start.line,
            endLine: range.end.line,
            startColumn: range.start.column,
            endColumn: range.end.column,
            message: v.message,
            status: 'open',
            remediation: meta.remediation,
            references: meta.references,
            fingerprint: fingerprint(meta.id, opts.scopeOf?.(resource) ?? '', resource.address, v.path),
          };
          if (v.path !== undefined) f.path = v.path;
          applySuppression(f, resource, range);
          findings.push(f);
        }
      }
    }
  }

  function applySuppression(f: Finding, resource: IacResource, range: Range): void {
    const inFile = parsed.byFile.get(resource.range.file);
    if (inFile && range.file === resource.range.file) {
      const s = findSuppression(inFile, commentLines.get(resource.range.file) ?? new Set(), {
        ruleId: f.ruleId,
        peers: f.peers,
        file: resource.range.file,
        resourceStart: resource.range.start.line,
        resourceEnd: resource.range.end.line,
        line: range.start.line,
      });
      if (s) {
        if (isExpired(s, opts.today)) {
          f.note = `suppression at ${s.source} expired on ${s.until ?? ''}`;
          if (!expiredWarned.has(s.source)) {
            expiredWarned.add(s.source);
            warnings.push({
              kind: 'expired-suppression',
              file: s.file,
              line: s.line,
              column: 1,
              message: `suppression of ${s.ids.join(',')} expired on ${s.until ?? ''}; the finding is reported again`,
            });
          }
        } else {
          f.status = 'suppressed';
          f.suppression = { kind: s.kind, source: s.source };
          if (s.reason !== undefined) f.suppression.reason = s.reason;
          if (s.until !== undefined) f.suppression.until = s.until;
          return;
        }
      }
    }
    if (opts.baseline?.has(f.fingerprint)) {
      f.status = 'baselined';
      f.suppression = { kind: 'baseline', source: opts.baselineSource ?? 'baseline' };
    }
  }

  findings.sort(compareFindings);
  return { findings, inconclusive, warnings, stats };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    a.startLine - b.startLine ||
    severityRank(b.severity) - severityRank(a.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.address.localeCompare(b.address)
  );
}
