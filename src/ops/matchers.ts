import { RE2JS } from 're2js';
import { err, ok } from '../core/result.js';
import type { Result } from '../core/result.js';

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** An Alertmanager-style label matcher. Regexes are anchored (`^(?:re)$`); a missing label is "". */
export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

const MATCHER_RE = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]*))\s*$/;

/** Parses `name="value"`, `name!=value`, `name=~"re"`, `name!~"re"` (quotes optional without spaces). */
export function parseMatcher(text: string): Result<LabelMatcher, string> {
  const m = MATCHER_RE.exec(text);
  if (!m)
    return err(`"${text}" is not a matcher (expected name=value, name!=value, name=~regex or name!~regex)`);
  const op = m[2] as MatchOp;
  const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? '');
  const matcher = { name: m[1] ?? '', op, value };
  if (op === '=~' || op === '!~') {
    try {
      RE2JS.compile(value); // the error names the pattern as written, not the anchored one
      anchored(value);
    } catch (e) {
      return err(`"${text}": invalid regular expression (${(e as Error).message})`);
    }
  }
  return ok(matcher);
}

const regexCache = new Map<string, RE2JS>();

/**
 * The matcher's regex, anchored as Alertmanager anchors it, compiled by RE2JS: the syntax and
 * semantics of Go's regexp (Alertmanager's), matched in time linear in the label's length. A
 * backtracking engine (RegExp) let one pattern such as `(a+)+$` stall the incident processor for
 * a minute on one label value.
 */
function anchored(value: string): RE2JS {
  let re = regexCache.get(value);
  if (!re) {
    re = RE2JS.compile(`^(?:${value})$`);
    // Patterns come from stored configuration (routing rules, silences, runbooks): a few hundred.
    if (regexCache.size >= 10_000) regexCache.clear();
    regexCache.set(value, re);
  }
  return re;
}

export function matches(m: LabelMatcher, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchored(m.value).matches(v);
    case '!~':
      return !anchored(m.value).matches(v);
  }
}

/** True when every matcher matches (an empty list matches everything). */
export function matchesAll(list: readonly LabelMatcher[], labels: Readonly<Record<string, string>>): boolean {
  return list.every((m) => matches(m, labels));
}

export function formatMatcher(m: LabelMatcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}
