import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, openDatabase, type DatabaseHandle } from '../src/store/index.js';
import { migrationProvider } from '../src/store/migrations/index.js';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/databases.js';

/**
 * Migration 0010 adds ops_inbox.body (staged ingestion). A row written before it holds alerts
 * already recorded at ingest: after it, the row is still processed, and its alerts are not
 * recorded a second time. It redacts the PagerDuty routing keys earlier versions kept. Down
 * refuses while staged rows wait, and works once they are gone.
 */
const dialects = await testDialects();

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`migration 0010-ops-inbox-body on ${dialect}`, () => {
    let database: TestDatabase | undefined;
    let handle: DatabaseHandle | undefined;
    afterEach(async () => {
      await handle?.close();
      await database?.drop();
    });

    it('keeps rows from before it as recorded, redacts kept routing keys, and goes down only with no staged row waiting', async () => {
      database = await createTestDatabase(dialect);
      handle = openDatabase(database.url);
      const migrator = new Migrator({ db: handle.db, provider: migrationProvider });
      expect((await migrator.migrateTo('0009-ops-alerts-indexes')).error).toBeUndefined();
      const legacyAlert = {
        source: 'alertmanager',
        fingerprint: 'f1',
        dedupKey: 'alertmanager:f1',
        status: 'firing',
        severity: 'warning',
        summary: 's',
        labels: { alertname: 'A' },
        annotations: {},
        startsAt: '2026-11-27T08:00:00.000Z',
      };
      await handle.db
        .insertInto('ops_inbox')
        .values({
          integration_id: 'i1',
          received_at: '2026-11-27T08:00:01.000Z',
          batch: JSON.stringify({ source: 'alertmanager', alerts: [legacyAlert], acknowledgements: [] }),
          alert_count: 1,
        })
        .execute();

      // Earlier versions kept PagerDuty events with their routing_key (the ingest key) as sent.
      const key = 'K'.repeat(32);
      await handle.db
        .insertInto('ops_alerts')
        .values({
          dedup_key: 'pagerduty:db-7',
          integration_id: 'i2',
          source: 'pagerduty',
          fingerprint: 'db-7',
          status: 'firing',
          severity: 'critical',
          summary: 'lag',
          labels: '{}',
          annotations: '{}',
          starts_at: '2026-11-27T08:00:00.000Z',
          ends_at: null,
          source_group_key: null,
          generator_url: null,
          content_hash: 'h',
          seen_count: 1,
          first_received_at: '2026-11-27T08:00:00.000Z',
          last_received_at: '2026-11-27T08:00:00.000Z',
          raw: JSON.stringify({ routing_key: key, event_action: 'trigger', dedup_key: 'db-7' }),
          tracked_status: null,
          group_key: null,
          service_id: null,
          incident_id: null,
          silenced_by: null,
          flapping: 0,
          first_seen: null,
          last_seen: null,
          changes: '[]',
        })
        .execute();
      await handle.db
        .insertInto('ops_dead_letters')
        .values({
          id: 'd1',
          integration_id: 'i2',
          received_at: '2026-11-27T08:00:00.000Z',
          content_type: 'application/json',
          body: `{"routing_key": "${key}", "event_action": "explode"`,
          body_bytes: 10,
          truncated: 0,
          error_code: 'OPSDECK_E_VALIDATION',
          path: '',
          message: 'not JSON',
        })
        .execute();

      expect((await migrator.migrateTo('0010-ops-inbox-body')).error).toBeUndefined();
      const raw = await handle.db
        .selectFrom('ops_alerts')
        .select('raw')
        .where('dedup_key', '=', 'pagerduty:db-7')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(raw.raw)).toEqual({
        routing_key: '[redacted]',
        event_action: 'trigger',
        dedup_key: 'db-7',
      });
      const letter = await handle.db.selectFrom('ops_dead_letters').select('body').executeTakeFirstOrThrow();
      expect(letter.body).toBe('{"routing_key": "[redacted]", "event_action": "explode"');
      // The store on the ops_inbox table, as at 0010 (the inbox file and its progress row are 0011's).
      const { inboxFile: _inboxFile, ...tableOnly } = handle;
      const store = createStore(tableOnly);
      const [legacy] = await store.ops.inbox.take(10);
      expect(legacy).toMatchObject({ source: 'alertmanager', alerts: [legacyAlert], record: false });
      expect(legacy?.body).toBeUndefined();

      await store.ops.accept([
        {
          integrationId: 'i1',
          source: 'alertmanager',
          receivedAt: '2026-11-27T08:00:02.000Z',
          body: '{}',
          count: 1,
        },
      ]);
      const down = await migrator.migrateDown();
      expect(down.error).toBeInstanceOf(Error);
      expect((down.error as Error).message).toMatch(
        /1 accepted ingest request\(s\) in ops_inbox are not processed yet/,
      );
      expect(await store.ops.inbox.count()).toBe(2);

      await store.ops.inbox.remove(await store.ops.inbox.take(10));
      expect((await migrator.migrateDown()).error).toBeUndefined();
      const columns = (await handle.db.introspection.getTables()).find(
        (t) => t.name === 'ops_inbox',
      )?.columns;
      expect(columns?.map((c) => c.name)).not.toContain('body');
    });
  });
}
