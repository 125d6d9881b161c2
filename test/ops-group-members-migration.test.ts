import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/store/index.js';
import { migrationProvider } from '../src/store/migrations/index.js';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/databases.js';

/**
 * Migration 0008 moves group membership from the ops_groups.alert_keys JSON array into
 * ops_group_members rows: a database holding groups before it keeps every member after it, and
 * going back down restores the array.
 */
const dialects = await testDialects();

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`migration 0008-ops-group-members on ${dialect}`, () => {
    let database: TestDatabase | undefined;
    let handle: DatabaseHandle | undefined;
    afterEach(async () => {
      await handle?.close();
      await database?.drop();
    });

    it('moves every member of every group, and back', async () => {
      database = await createTestDatabase(dialect);
      handle = openDatabase(database.url);
      const migrator = new Migrator({ db: handle.db, provider: migrationProvider });
      expect((await migrator.migrateTo('0007-certs')).error).toBeUndefined();
      // Before 0008 the table has the alert_keys array as the only record of membership.
      const big = Array.from({ length: 1000 }, (_, i) => `alertmanager:${i.toString(16).padStart(16, '0')}`);
      const group = (key: string, keys: string[]) => ({
        group_key: key,
        service_id: 'default',
        episode: 2,
        status: 'open',
        opened_at: '2026-11-27T08:00:00.000Z',
        resolved_at: null,
        alert_keys: JSON.stringify(keys),
        incident_id: null,
      });
      await handle.db
        .insertInto('ops_groups')
        .values([
          group('default/a', big),
          group('default/b', ['grafana:x', 'grafana:y']),
          group('default/c', []),
        ])
        .execute();

      expect((await migrator.migrateTo('0008-ops-group-members')).error).toBeUndefined();
      const rows = await handle.db.selectFrom('ops_group_members').selectAll().execute();
      const members = (key: string) =>
        rows
          .filter((r) => r.group_key === key)
          .map((r) => r.dedup_key)
          .sort();
      expect(members('default/a')).toEqual([...big].sort());
      expect(members('default/b')).toEqual(['grafana:x', 'grafana:y']);
      expect(members('default/c')).toEqual([]);
      const arrays = await handle.db.selectFrom('ops_groups').select('alert_keys').execute();
      expect(arrays.every((r) => r.alert_keys === '[]')).toBe(true);

      expect((await migrator.migrateDown()).error).toBeUndefined();
      const back = await handle.db
        .selectFrom('ops_groups')
        .select(['group_key', 'alert_keys'])
        .orderBy('group_key')
        .execute();
      expect(back.map((r) => [r.group_key, (JSON.parse(r.alert_keys) as string[]).sort()])).toEqual([
        ['default/a', [...big].sort()],
        ['default/b', ['grafana:x', 'grafana:y']],
        ['default/c', []],
      ]);
    });
  });
}
