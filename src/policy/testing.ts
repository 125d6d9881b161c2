/**
 * Helpers for rule tests: run one rule over Terraform source (through the real evaluator) or over
 * hand-built resources, with a real resource graph. Free of test-framework imports.
 */
import type { Range } from '../iac/hcl/ast.js';
import type { IacResource } from '../iac/resource.js';
import { evaluateSnippet } from '../iac/terraform/testing.js';
import type { ObjectValue } from '../iac/terraform/value.js';
import { ruleApplies } from './engine.js';
import { buildGraph } from './graph.js';
import type { CheckResult, Rule, TagPolicy } from './rule.js';
import { DEFAULT_TAG_POLICY } from './tag-policy.js';

export interface CheckRuleOptions {
  tagPolicy?: TagPolicy;
  vars?: Record<string, string>;
}

export interface RuleOutcome {
  address: string;
  result: CheckResult;
}

/** Runs `rule` on every resource it applies to, with a graph of all `resources`. */
export function checkRuleOnResources(
  rule: Rule,
  resources: readonly IacResource[],
  opts: CheckRuleOptions = {},
): RuleOutcome[] {
  const graph = buildGraph(resources);
  const tagPolicy = opts.tagPolicy ?? DEFAULT_TAG_POLICY;
  return resources
    .filter((r) => ruleApplies(rule, r))
    .map((r) => ({ address: r.address, result: rule.check(r, { graph, tagPolicy }) }));
}

/**
 * Evaluates Terraform `files` (relative path -> source) with the real evaluator and runs `rule` on
 * every resource of its types, with a real graph of all resources of the snippet.
 */
export async function checkRule(
  rule: Rule,
  files: Record<string, string>,
  opts: CheckRuleOptions = {},
): Promise<RuleOutcome[]> {
  const result = await evaluateSnippet(files, opts.vars ? { vars: opts.vars } : {});
  return checkRuleOnResources(rule, result.resources, opts);
}

export interface ResourceSpec {
  type: string;
  name?: string;
  address?: string;
  mode?: 'managed' | 'data';
  attributes?: ObjectValue;
  providerConfig?: ObjectValue;
  references?: Record<string, string[]>;
  attributeRanges?: Record<string, [number, number]>;
  file?: string;
  lines?: [number, number];
  source?: 'hcl' | 'plan';
  modulePath?: string[];
}

function lineRange(file: string, start: number, end: number): Range {
  return { file, start: { line: start, column: 1, offset: 0 }, end: { line: end, column: 2, offset: 0 } };
}

/** A hand-built resource for tests: sensible defaults for everything not given. */
export function makeResource(spec: ResourceSpec): IacResource {
  const name = spec.name ?? 'this';
  const mode = spec.mode ?? 'managed';
  const file = spec.file ?? 'main.tf';
  const [start, end] = spec.lines ?? [1, 3];
  const address = spec.address ?? `${mode === 'data' ? 'data.' : ''}${spec.type}.${name}`;
  const r: IacResource = {
    address,
    mode,
    type: spec.type,
    name,
    provider: spec.type.split('_')[0] ?? spec.type,
    modulePath: spec.modulePath ?? [],
    attributes: spec.attributes ?? {},
    range: lineRange(file, start, end),
    attributeRanges: new Map(
      Object.entries(spec.attributeRanges ?? {}).map(([k, [s, e]]) => [k, lineRange(file, s, e)]),
    ),
    references: new Map(Object.entries(spec.references ?? {})),
    source: spec.source ?? 'hcl',
  };
  if (spec.providerConfig) r.providerConfig = spec.providerConfig;
  return r;
}
