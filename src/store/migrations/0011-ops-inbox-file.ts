import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely, type Migration } from 'kysely';
import { inboxFileOf } from '../inbox-file.js';

interface Db {
  ops_inbox_progress: { id: number; processed_seq: number };
}

/**
 * SQLite database files keep accepted ingest requests in a file of their own (`<database>.inbox`,
 * src/store/inbox-file.ts), so ingestion never waits for the incident processor's write lock.
 * `ops_inbox_progress.processed_seq` is how far the processor got in that file, written in its
 * own transactions. PostgreSQL (and `sqlite::memory:`) keep using the ops_inbox table; the row
 * exists there too and stays 0.
 *
 * Down refuses while the inbox file holds requests above processed_seq: earlier versions do not
 * read the file. Start the server of this version until the inbox is empty
 * (`opsdeck_ops_inbox_batches` 0), then migrate down.
 */
export const opsInboxFileMigration: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    await untyped.schema
      .createTable('ops_inbox_progress')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('processed_seq', 'bigint', (c) => c.notNull())
      .execute();
    const db = untyped as unknown as Kysely<Db>;
    await db.insertInto('ops_inbox_progress').values({ id: 1, processed_seq: 0 }).execute();
  },
  async down(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as unknown as Kysely<Db>;
    const pending = await pendingInFile(db);
    if (pending > 0)
      throw new Error(
        `0011-ops-inbox-file: ${pending} accepted ingest request(s) in the inbox file are not processed yet; ` +
          'run `opsdeck serve` of this version until the inbox is empty (metric opsdeck_ops_inbox_batches 0), then migrate down',
      );
    await untyped.schema.dropTable('ops_inbox_progress').execute();
  },
};

/** SQLite: requests in the database's inbox file above processed_seq (0 on PostgreSQL). */
async function pendingInFile(db: Kysely<Db>): Promise<number> {
  let main: string | undefined;
  try {
    const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
    main = rows.find((r) => r.name === 'main')?.file;
  } catch {
    return 0; // PostgreSQL: no pragma, no file.
  }
  if (!main || !existsSync(inboxFileOf(main))) return 0;
  const progress = await db.selectFrom('ops_inbox_progress').select('processed_seq').executeTakeFirst();
  const file = new BetterSqlite3(inboxFileOf(main), { readonly: true });
  try {
    const r = file
      .prepare('select count(*) as n from requests where seq > ?')
      .get(Number(progress?.processed_seq ?? 0));
    return (r as { n: number }).n;
  } finally {
    file.close();
  }
}
