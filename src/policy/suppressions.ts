/**
 * In-source suppressions: opsdeck's own comments and the peers' (Checkov, tfsec, Trivy), read from
 * the comments the HCL parser keeps.
 *
 * - `# opsdeck:ignore OPS-AWS-S3-001[,OPS-...] reason="..." until=YYYY-MM-DD` (also `//`, `/* *\/`)
 *   on the resource's first line, on the line above it (or the comment lines directly above), or
 *   on/above the line of the attribute the finding points at.
 * - `#checkov:skip=CKV_AWS_19:reason` anywhere inside the resource block (Checkov's rule).
 * - `#tfsec:ignore:<long-id|AVD-id>[:exp:YYYY-MM-DD]` and `#trivy:ignore:<AVD-id|long-id>[:exp:...]`
 *   at the same places as opsdeck's own comments.
 * Peer ids map to opsdeck rules through each rule's `meta.peers`.
 */
import type { Comment } from '../iac/hcl/ast.js';

export type SuppressionKind = 'opsdeck' | 'checkov' | 'tfsec' | 'trivy';

export interface Suppression {
  kind: SuppressionKind;
  /** Ids as written (opsdeck rule ids, or the peer scanner's ids). */
  ids: string[];
  reason?: string;
  /** Expiry date `YYYY-MM-DD`; the suppression applies up to and including that day. */
  until?: string;
  file: string;
  line: number;
  endLine: number;
  /** Where it is written: `file:line`. */
  source: string;
}

export interface SuppressionWarning {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface ParsedSuppressions {
  byFile: Map<string, Suppression[]>;
  warnings: SuppressionWarning[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RULE_ID = /^[A-Za-z0-9_.-]+$/;

function validDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** `key="quoted value"` / `key=bare` pairs; returns undefined on a syntax error. */
function parsePairs(text: string): { pairs: Map<string, string>; error?: string } {
  const pairs = new Map<string, string>();
  const re = /\s*([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']\S*))/y;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return { pairs, error: `cannot read "${text.slice(i).trim()}" (expected key=value)` };
    const key = m[1] ?? '';
    pairs.set(key.toLowerCase(), (m[2]?.replace(/\\(.)/g, '$1') ?? m[3] ?? m[4] ?? '').trim());
    i = re.lastIndex;
  }
  return { pairs };
}

const MENTIONS_SCANNER = /opsdeck|checkov|tfsec|trivy/i;

function parseOne(c: Comment, warnings: SuppressionWarning[]): Suppression | undefined {
  // Most comments are prose: skip them before any further parsing.
  if (!MENTIONS_SCANNER.test(c.text)) return undefined;
  const text = c.text.trim();
  const file = c.range.file;
  const line = c.range.start.line;
  const base = {
    file,
    line,
    endLine: c.range.end.line,
    source: `${file}:${line}`,
  };
  const warn = (message: string) => {
    warnings.push({ file, line, column: c.range.start.column, message });
    return undefined;
  };

  const own = /^opsdeck:ignore(?:\s+|$)(.*)$/is.exec(text);
  if (own) {
    const rest = (own[1] ?? '').trim();
    const idMatch = /^([^\s=]+)(?=\s|$)(.*)$/s.exec(rest);
    if (!idMatch || (idMatch[1] ?? '').includes('=')) {
      return warn(
        'malformed suppression: `opsdeck:ignore` needs rule ids, e.g. `opsdeck:ignore OPS-AWS-S3-001 reason="..."`',
      );
    }
    const ids = (idMatch[1] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const badId = ids.find((id) => !RULE_ID.test(id));
    if (ids.length === 0 || badId !== undefined)
      return warn(`malformed suppression: bad rule id "${badId ?? ''}"`);
    const { pairs, error } = parsePairs(idMatch[2] ?? '');
    if (error) return warn(`malformed suppression: ${error}`);
    for (const k of pairs.keys()) {
      if (k !== 'reason' && k !== 'until')
        return warn(`malformed suppression: unknown key "${k}" (use reason= and until=)`);
    }
    const until = pairs.get('until');
    if (until !== undefined && !validDate(until)) {
      return warn(`malformed suppression: until="${until}" is not a date (YYYY-MM-DD)`);
    }
    const reason = pairs.get('reason');
    const s: Suppression = { kind: 'opsdeck', ids, ...base };
    if (reason !== undefined && reason !== '') s.reason = reason;
    if (until !== undefined) s.until = until;
    return s;
  }

  const checkov = /^checkov:skip\s*=\s*(.*)$/is.exec(text);
  if (checkov) {
    const body = (checkov[1] ?? '').trim();
    const m = /^([A-Za-z0-9_]+)\s*(?::\s*(.*))?$/s.exec(body);
    if (!m)
      return warn(
        `malformed suppression: checkov:skip needs a check id, e.g. checkov:skip=CKV_AWS_19:reason`,
      );
    const s: Suppression = { kind: 'checkov', ids: [m[1] ?? ''], ...base };
    const reason = m[2]?.trim();
    if (reason) s.reason = reason;
    return s;
  }

  const peer = /^(tfsec|trivy):ignore:(.*)$/is.exec(text);
  if (peer) {
    const kind = (peer[1] ?? '').toLowerCase() as 'tfsec' | 'trivy';
    const parts = (peer[2] ?? '').trim().split(/\s+/)[0]?.split(':') ?? [];
    const id = parts[0] ?? '';
    if (!RULE_ID.test(id)) return warn(`malformed suppression: ${kind}:ignore needs a check id`);
    const s: Suppression = { kind, ids: [id], ...base };
    for (let i = 1; i < parts.length; i += 2) {
      const key = parts[i]?.toLowerCase();
      const value = parts[i + 1] ?? '';
      if (key === 'exp') {
        if (!validDate(value)) return warn(`malformed suppression: exp:${value} is not a date (YYYY-MM-DD)`);
        s.until = value;
      } else if (key !== 'ws' && key !== 'params') {
        return warn(`malformed suppression: unknown ${kind} ignore option "${key ?? ''}"`);
      }
    }
    return s;
  }

  if (/^\s*(opsdeck|checkov|tfsec|trivy)\s*:/i.test(text) && /ignore|skip/i.test(text)) {
    return warn(`malformed suppression comment "${text.slice(0, 60)}"`);
  }
  return undefined;
}

/** Reads every suppression comment of the scanned files; malformed ones become warnings. */
export function parseSuppressions(
  files: ReadonlyArray<{ path: string; comments: readonly Comment[] }>,
): ParsedSuppressions {
  const byFile = new Map<string, Suppression[]>();
  const warnings: SuppressionWarning[] = [];
  for (const f of files) {
    const list: Suppression[] = [];
    for (const c of f.comments) {
      const s = parseOne(c, warnings);
      if (s) list.push(s);
    }
    if (list.length > 0) byFile.set(f.path, list);
  }
  return { byFile, warnings };
}

export interface SuppressionTarget {
  ruleId: string;
  peers: { checkov: string[]; trivy: string[]; tfsec: string[] };
  file: string;
  /** The resource block's lines. */
  resourceStart: number;
  resourceEnd: number;
  /** The line of the attribute the finding points at (may equal resourceStart). */
  line: number;
}

function idsMatch(s: Suppression, t: SuppressionTarget): boolean {
  const has = (list: string[], id: string) => list.some((x) => x.toLowerCase() === id.toLowerCase());
  switch (s.kind) {
    case 'opsdeck':
      return has(s.ids, t.ruleId);
    case 'checkov':
      return s.ids.some((id) => has(t.peers.checkov, id));
    case 'tfsec':
    case 'trivy':
      return s.ids.some((id) => has(t.peers.trivy, id) || has(t.peers.tfsec, id));
  }
}

/** Lines a comment may sit on to cover `line`: the line itself and the comment lines directly above. */
function covers(s: Suppression, line: number, commentLines: ReadonlySet<number>): boolean {
  if (s.line === line) return true;
  if (s.endLine >= line) return false;
  // Directly above, or above with only other comment lines in between.
  for (let l = s.endLine + 1; l < line; l++) if (!commentLines.has(l)) return false;
  return true;
}

/**
 * The suppression that applies to a finding, if any. `commentLines` are the lines of the file
 * holding comments (so a stack of comments above a resource all count as "above").
 */
export function findSuppression(
  suppressions: readonly Suppression[],
  commentLines: ReadonlySet<number>,
  t: SuppressionTarget,
): Suppression | undefined {
  for (const s of suppressions) {
    if (!idsMatch(s, t)) continue;
    if (s.kind === 'checkov') {
      if (s.line >= t.resourceStart && s.line <= t.resourceEnd) return s;
      if (covers(s, t.resourceStart, commentLines)) return s;
      continue;
    }
    if (covers(s, t.resourceStart, commentLines)) return s;
    if (t.line !== t.resourceStart && covers(s, t.line, commentLines)) return s;
  }
  return undefined;
}

/** True when the suppression has expired on `today` (YYYY-MM-DD). */
export function isExpired(s: Suppression, today: string): boolean {
  return s.until !== undefined && s.until < today;
}
