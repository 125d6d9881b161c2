import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { DialectName, SqliteStatements } from './dialect.js';
import type { SqliteInboxFile } from './inbox-file.js';
import type { Database } from './schema.js';

/** What every context store is built from: an executor (the pool or a transaction) and settings. */
export interface StoreContext {
  db: Kysely<Database>;
  dialect: DialectName;
  /** SQLite: the connection's prepared statements (DatabaseHandle.sqlite); only inside a transaction. */
  sqlite?: SqliteStatements;
  /** SQLite database files: the ingest inbox file (DatabaseHandle.inboxFile). */
  inboxFile?: SqliteInboxFile;
  clock: Clock;
  /** True when `db` is a transaction; writers that need one open their own otherwise. */
  inTransaction: boolean;
}

export function iso(d: Date): string {
  return d.toISOString();
}

/** Runs `fn` inside a transaction: the current one, or a new one. */
export async function withTransaction<T>(
  ctx: StoreContext,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (ctx.inTransaction) return fn(ctx.db);
  return ctx.db.transaction().execute(fn);
}
