/**
 * Table-test support for the AWS rule tests: runs a rule over Terraform source through the real
 * evaluator and compares each listed resource's status (and violation path) with the expectation.
 */
import type { CheckResult, Rule, TagPolicy } from '../../rule.js';
import { checkRule } from '../../testing.js';
import { awsRules } from './index.js';

/** `'pass' | 'skip' | 'unknown'`, or `fail` / `fail:<path>` (a fail whose first violation has that path; `fail:` for none). */
export type Expected = 'pass' | 'skip' | 'unknown' | 'fail' | `fail:${string}`;

export interface RuleCase {
  rule: string;
  /** What the case shows, for the test name. */
  name: string;
  files: Record<string, string>;
  expect: Record<string, Expected>;
  vars?: Record<string, string>;
  tagPolicy?: TagPolicy;
}

export function ruleById(id: string): Rule {
  const r = awsRules.find((x) => x.meta.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
}

function describeResult(r: CheckResult): string {
  if (r.status === 'fail') return `fail:${r.violations[0]?.path ?? ''}`;
  return r.status;
}

/** Actual outcomes in the same notation as the expectation, for one `toEqual`. */
export async function outcomes(c: RuleCase): Promise<Record<string, string>> {
  const opts: { vars?: Record<string, string>; tagPolicy?: TagPolicy } = {};
  if (c.vars) opts.vars = c.vars;
  if (c.tagPolicy) opts.tagPolicy = c.tagPolicy;
  const res = await checkRule(ruleById(c.rule), c.files, opts);
  const out: Record<string, string> = {};
  for (const [address, want] of Object.entries(c.expect)) {
    const got = res.find((o) => o.address === address);
    if (!got) {
      out[address] = `missing (have ${res.map((o) => o.address).join(', ')})`;
      continue;
    }
    const d = describeResult(got.result);
    out[address] = want === 'fail' && d.startsWith('fail') ? 'fail' : d;
  }
  return out;
}
