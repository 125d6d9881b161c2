import {
  chainEntry,
  createChainVerifier,
  redactSecrets,
  type AuditEntry,
  type ChainVerdict,
  type JsonValue,
} from '../governance/audit-chain.js';
import { iso, withTransaction, type StoreContext } from './context.js';
import { lockAuditAppend } from './dialect.js';
import type { AuditLogTable } from './schema.js';

export type { AuditEntry, ChainVerdict } from '../governance/audit-chain.js';

export interface NewAuditEntry {
  actor: string;
  action: string;
  target: string;
  summary: string;
  /** State before/after the change; secret-looking fields are redacted before storing. */
  before?: unknown;
  after?: unknown;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` to get the next (older) page; null when this is the last page. */
  nextBefore: number | null;
}

export interface AuditStore {
  /**
   * Appends one entry at the head of the chain. Appends are serialised across processes
   * (SQLite write lock, PostgreSQL advisory lock); inside `store.transaction` the entry commits
   * or rolls back with the change it describes.
   */
  append(input: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first, `limit` entries with seq < `before`. */
  list(options?: { limit?: number; before?: number }): Promise<AuditPage>;
  /** Entries with seq in [fromSeq, fromSeq + limit), ascending. */
  range(fromSeq: number, limit: number): Promise<AuditEntry[]>;
  head(): Promise<AuditEntry | undefined>;
  count(): Promise<number>;
  /** Reads the whole log in seq order, in pages, and checks the hash chain. */
  verify(): Promise<ChainVerdict>;
}

function parseJson(text: string | null): JsonValue | null {
  return text === null ? null : (JSON.parse(text) as JsonValue);
}

function toEntry(row: AuditLogTable): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    summary: row.summary,
    before: parseJson(row.before),
    after: parseJson(row.after),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const VERIFY_PAGE = 1000;

export function createAuditStore(ctx: StoreContext): AuditStore {
  const { db } = ctx;
  const head = async (): Promise<AuditEntry | undefined> => {
    const row = await db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toEntry(row) : undefined;
  };
  return {
    append(input) {
      return withTransaction(ctx, async (trx) => {
        await lockAuditAppend(trx, ctx.dialect);
        const last = await trx
          .selectFrom('audit_log')
          .select(['seq', 'hash'])
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst();
        const before = input.before === undefined ? null : redactSecrets(input.before);
        const after = input.after === undefined ? null : redactSecrets(input.after);
        const entry = chainEntry(last ? { seq: Number(last.seq), hash: last.hash } : undefined, {
          at: iso(ctx.clock.now()),
          actor: input.actor,
          action: input.action,
          target: input.target,
          summary: input.summary,
          before,
          after,
        });
        await trx
          .insertInto('audit_log')
          .values({
            seq: entry.seq,
            at: entry.at,
            actor: entry.actor,
            action: entry.action,
            target: entry.target,
            summary: entry.summary,
            before: before === null ? null : JSON.stringify(before),
            after: after === null ? null : JSON.stringify(after),
            prev_hash: entry.prevHash,
            hash: entry.hash,
          })
          .execute();
        return entry;
      });
    },
    async list(options = {}) {
      const limit = Math.max(1, Math.min(options.limit ?? 50, 500));
      let q = db.selectFrom('audit_log').selectAll();
      if (options.before !== undefined) q = q.where('seq', '<', options.before);
      const rows = await q
        .orderBy('seq', 'desc')
        .limit(limit + 1)
        .execute();
      const entries = rows.slice(0, limit).map(toEntry);
      const last = entries[entries.length - 1];
      return { entries, nextBefore: rows.length > limit && last ? last.seq : null };
    },
    async range(fromSeq, limit) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>=', fromSeq)
        .orderBy('seq', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toEntry);
    },
    head,
    async count() {
      const row = await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async verify() {
      const verifier = createChainVerifier();
      let after = 0;
      for (;;) {
        const rows = await db
          .selectFrom('audit_log')
          .selectAll()
          .where('seq', '>', after)
          .orderBy('seq', 'asc')
          .limit(VERIFY_PAGE)
          .execute();
        for (const row of rows) if (!verifier.push(toEntry(row))) return verifier.result();
        const last = rows[rows.length - 1];
        if (!last || rows.length < VERIFY_PAGE) return verifier.result();
        after = Number(last.seq);
      }
    },
  };
}
