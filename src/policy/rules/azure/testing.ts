/**
 * Test support for the rule tables of this pack: runs a rule over Terraform source through the
 * real evaluator and summarises each resource's result as one comparable string. Free of
 * test-framework imports.
 */
import type { Rule, TagPolicy } from '../../rule.js';
import { checkRule } from '../../testing.js';

/** `pass`, `skip`, `unknown`, `fail` (no path) or `fail:<path>[,<path>...]`. */
export type Outcome = string;

export interface RuleCase {
  /** Rule id under test. */
  id: string;
  /** What the row shows, read as part of the test name. */
  about: string;
  files: Record<string, string>;
  /** Expected outcome by resource address; every resource the rule applies to must be listed. */
  expected: Record<string, Outcome>;
  tagPolicy?: TagPolicy;
  vars?: Record<string, string>;
}

export function ruleById(rules: readonly Rule[], id: string): Rule {
  const rule = rules.find((r) => r.meta.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
}

/** Runs the case's rule and returns the outcome of every resource it applies to. */
export async function outcomes(rules: readonly Rule[], c: RuleCase): Promise<Record<string, Outcome>> {
  const opts = { ...(c.tagPolicy ? { tagPolicy: c.tagPolicy } : {}), ...(c.vars ? { vars: c.vars } : {}) };
  const results = await checkRule(ruleById(rules, c.id), c.files, opts);
  const out: Record<string, Outcome> = {};
  for (const { address, result } of results) {
    if (result.status !== 'fail') out[address] = result.status;
    else {
      const paths = result.violations.map((v) => v.path).filter((p): p is string => p !== undefined);
      out[address] = paths.length > 0 ? `fail:${paths.join(',')}` : 'fail';
    }
  }
  return out;
}

/** Rule ids that lack a row with a passing resource or a row with a failing resource. */
export function rulesLackingCases(rules: readonly Rule[], cases: readonly RuleCase[]): string[] {
  return rules
    .map((r) => r.meta.id)
    .filter((id) => {
      const expected = cases.filter((c) => c.id === id).flatMap((c) => Object.values(c.expected));
      return !expected.includes('pass') || !expected.some((o) => o.startsWith('fail'));
    });
}
