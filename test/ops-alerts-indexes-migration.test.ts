import { Migrator, sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/store/index.js';
import { migrationProvider } from '../src/store/migrations/index.js';
import type { Database } from '../src/store/schema.js';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/databases.js';

/**
 * Migration 0009: ops_alerts loses its unused group_key index and its status index leaves out
 * the alerts the processor has not seen yet (fewer index writes per ingested alert). The readers
 * of the status index must still be able to use it.
 */
const dialects = await testDialects();

async function indexes(handle: DatabaseHandle): Promise<Map<string, string>> {
  const rows =
    handle.dialect === 'sqlite'
      ? (
          await sql<{ name: string; def: string | null }>`select name, sql as def from sqlite_master
            where type = 'index' and tbl_name = 'ops_alerts'`.execute(handle.db)
        ).rows
      : (
          await sql<{ name: string; def: string }>`select indexname as name, indexdef as def from pg_indexes
            where tablename = 'ops_alerts'`.execute(handle.db)
        ).rows;
  return new Map(rows.map((r) => [r.name, (r.def ?? '').toLowerCase()]));
}

/** The plan of the resolve-timeout scan (processor.expirable), sequential scans discouraged on PostgreSQL. */
async function planOfFiringScan(handle: DatabaseHandle): Promise<string> {
  const query = sql`select dedup_key from ops_alerts where tracked_status = 'firing'`;
  if (handle.dialect === 'sqlite') {
    const r = await sql<{ detail: string }>`explain query plan ${query}`.execute(handle.db);
    return r.rows.map((x) => x.detail).join('\n');
  }
  return handle.db.connection().execute(async (c: Kysely<Database>) => {
    await sql`set enable_seqscan = off`.execute(c);
    const r = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(c);
    await sql`reset enable_seqscan`.execute(c);
    return r.rows.map((x) => x['QUERY PLAN']).join('\n');
  });
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`migration 0009-ops-alerts-indexes on ${dialect}`, () => {
    let database: TestDatabase | undefined;
    let handle: DatabaseHandle | undefined;
    afterEach(async () => {
      await handle?.close();
      await database?.drop();
    });

    it('drops the group index, makes the status index partial and still usable, and back', async () => {
      database = await createTestDatabase(dialect);
      handle = openDatabase(database.url);
      const migrator = new Migrator({ db: handle.db, provider: migrationProvider });
      expect((await migrator.migrateTo('0009-ops-alerts-indexes')).error).toBeUndefined();
      const after = await indexes(handle);
      expect(after.has('ops_alerts_group_key_idx')).toBe(false);
      expect(after.get('ops_alerts_status_idx')).toMatch(/where \(?"?tracked_status"? is not null\)?/);
      expect(await planOfFiringScan(handle)).toContain('ops_alerts_status_idx');

      expect((await migrator.migrateDown()).error).toBeUndefined();
      const before = await indexes(handle);
      expect(before.has('ops_alerts_group_key_idx')).toBe(true);
      expect(before.get('ops_alerts_status_idx')).not.toContain('where');
    });
  });
}
