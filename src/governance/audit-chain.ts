import { createHash } from 'node:crypto';

/**
 * The audit log's hash chain, as pure functions: every entry's hash covers the previous entry's
 * hash and the canonical JSON of its own fields, so altering, deleting or reordering entries
 * breaks the chain at a point `verifyChain` names.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The fields an entry's hash covers. */
export interface AuditEntryBody {
  seq: number;
  /** ISO 8601 UTC timestamp. */
  at: string;
  /** `user:<username>`, `token:<id>`, `cli:<os user>`, `system`. */
  actor: string;
  /** Dotted verb, e.g. `user.create`, `token.revoke`. */
  action: string;
  /** What was acted on, e.g. `user:<id>`. */
  target: string;
  summary: string;
  before: JsonValue | null;
  after: JsonValue | null;
}

export interface AuditEntry extends AuditEntryBody {
  prevHash: string;
  hash: string;
}

/** `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted (by UTF-16 code units) and no whitespace; `undefined` object
 * members are dropped. Throws on values JSON cannot represent (NaN, Infinity, functions, bigint).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
}

/** sha256(prevHash + canonicalJson({seq, at, actor, action, target, summary, before, after})) as hex. */
export function entryHash(prevHash: string, body: AuditEntryBody): string {
  const { seq, at, actor, action, target, summary, before, after } = body;
  return createHash('sha256')
    .update(prevHash + canonicalJson({ seq, at, actor, action, target, summary, before, after }), 'utf8')
    .digest('hex');
}

/** Builds the entry that follows `head` (undefined for an empty log). */
export function chainEntry(
  head: { seq: number; hash: string } | undefined,
  body: Omit<AuditEntryBody, 'seq'>,
): AuditEntry {
  const seq = head ? head.seq + 1 : 1;
  const prevHash = head ? head.hash : GENESIS_HASH;
  const full: AuditEntryBody = { ...body, seq };
  return { ...full, prevHash, hash: entryHash(prevHash, full) };
}

export interface ChainVerdict {
  ok: boolean;
  /** Entries checked before the first bad one (all of them when ok). */
  checked: number;
  firstBad?: { seq: number; reason: string };
}

/** Incremental verifier, for logs read in pages: push entries in seq order, then `result()`. */
export interface ChainVerifier {
  /** Returns false once the chain is broken (further pushes are ignored). */
  push(entry: AuditEntry): boolean;
  result(): ChainVerdict;
}

export function createChainVerifier(): ChainVerifier {
  let prev: { seq: number; hash: string } | undefined;
  let checked = 0;
  let firstBad: ChainVerdict['firstBad'];
  return {
    push(entry) {
      if (firstBad) return false;
      const expectedSeq = prev ? prev.seq + 1 : 1;
      const expectedPrev = prev ? prev.hash : GENESIS_HASH;
      if (entry.seq > expectedSeq) {
        const range = entry.seq - 1 > expectedSeq ? `${expectedSeq}-${entry.seq - 1}` : `${expectedSeq}`;
        firstBad = {
          seq: expectedSeq,
          reason: `entry ${range} missing: seq jumps from ${prev ? prev.seq : 0} to ${entry.seq} (deleted)`,
        };
      } else if (entry.seq < expectedSeq) {
        firstBad = {
          seq: entry.seq,
          reason: `seq ${entry.seq} appears after seq ${prev ? prev.seq : 0} (reordered or duplicated)`,
        };
      } else if (entry.prevHash !== expectedPrev) {
        firstBad = {
          seq: entry.seq,
          reason: prev
            ? `prev_hash does not match the hash of seq ${prev.seq} (entry reordered, replaced or inserted)`
            : 'prev_hash of the first entry is not the genesis hash (log truncated at the start)',
        };
      } else if (entryHash(entry.prevHash, entry) !== entry.hash) {
        firstBad = { seq: entry.seq, reason: 'hash does not match the content (entry altered)' };
      }
      if (firstBad) return false;
      checked++;
      prev = { seq: entry.seq, hash: entry.hash };
      return true;
    },
    result() {
      return firstBad ? { ok: false, checked, firstBad } : { ok: true, checked };
    },
  };
}

/**
 * Verifies entries given in the order they are stored (ascending seq).
 * Detects altered content, deleted entries (seq gap), and reordered or replaced entries
 * (prev_hash mismatch). Deleting only the newest entries cannot be detected from the chain alone.
 */
export function verifyChain(entries: Iterable<AuditEntry>): ChainVerdict {
  const verifier = createChainVerifier();
  for (const e of entries) if (!verifier.push(e)) break;
  return verifier.result();
}

const SECRET_KEY =
  /(password|passwd|passphrase|secret|token|tokenhash|passwordhash|apikey|privatekey|credentials?)$/;
const SECRET_VALUE = /^odk_[A-Za-z0-9_-]{20,}$/;
export const REDACTED = '[redacted]';

/**
 * Replaces secret-looking fields (password, secret, token, ...hash of them, api keys) and API token
 * strings with `[redacted]`, recursively. Audit before/after values go through this.
 */
export function redactSecrets(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return SECRET_VALUE.test(value) ? REDACTED : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      out[k] = SECRET_KEY.test(k.toLowerCase().replace(/[_-]/g, '')) ? REDACTED : redactSecrets(v);
    }
    return out;
  }
  return null;
}
