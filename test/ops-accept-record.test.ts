import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/core/clock.js';
import type { Alert } from '../src/ops/alert.js';
import { processInbox } from '../src/server/ops/processor.js';
import { createStore, openDatabase } from '../src/store/index.js';
import { openTestStore, testDialects, type TestStore } from './helpers/databases.js';

/**
 * Staged ingestion in the store. `accept` commits a group of requests as inbox rows in request
 * order (a body with the headers its normalizer reads, or normalized alerts), and `take` gives
 * them back with what is left to do. `processor.record` then records their alerts in ops_alerts
 * (`planRecord`, then `writeAlerts` without processor state; on PostgreSQL the stored hashes and
 * one statement, on SQLite prepared statements): both dialects must decide the same duplicates,
 * against what was stored before and earlier in the same requests. The processor itself writes
 * the planned rows once, with their processor state.
 */
const dialects = await testDialects();

function alert(fp: string, status: 'firing' | 'resolved' = 'firing', summary = `alert ${fp}`): Alert {
  return {
    source: 'pagerduty',
    fingerprint: fp,
    dedupKey: `pagerduty:${fp}`,
    status,
    severity: 'critical',
    summary,
    labels: { service: 'api', fp },
    annotations: {},
    startsAt: '2026-11-27T08:00:00.000Z',
    raw: { dedup_key: fp },
  };
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`accept and record on ${dialect}`, () => {
    let ts: TestStore | undefined;
    afterEach(async () => {
      await ts?.close();
      ts = undefined;
    });

    async function pagerDutyIntegration(store: TestStore['store']): Promise<string> {
      const { integration } = await store.ops.integrations.create({
        name: 'pd',
        source: 'pagerduty',
        createdBy: 'test',
      });
      return integration.id;
    }

    it('accept commits one inbox row per request, in order, and take returns what is left to do', async () => {
      ts = await openTestStore(dialect);
      const integrationId = await pagerDutyIntegration(ts.store);
      const at = (s: number) => `2026-11-27T08:01:0${s}.000Z`;
      await ts.store.ops.accept([
        { integrationId, source: 'pagerduty', receivedAt: at(1), body: '{"b":1}', count: 1 },
        {
          integrationId,
          source: 'cloudwatch',
          receivedAt: at(2),
          body: 'text "with" quotes\n',
          headers: { 'x-amz-sns-message-type': 'Notification' },
          count: 3,
        },
        {
          integrationId,
          source: 'pagerduty',
          receivedAt: at(3),
          alerts: [alert('x')],
          acknowledgements: ['pagerduty:y'],
        },
      ]);
      await ts.store.ops.accept([]);
      expect(await ts.store.ops.inbox.count()).toBe(3);
      const items = await ts.store.ops.inbox.take(10);
      // SQLite database files keep them in the inbox file, PostgreSQL in the ops_inbox table.
      expect(items.map((i) => i.inFile === true)).toEqual(Array(3).fill(dialect === 'sqlite'));
      expect(items.map(({ seq: _seq, inFile: _inFile, ...rest }) => rest)).toEqual([
        {
          integrationId,
          receivedAt: at(1),
          source: 'pagerduty',
          body: { text: '{"b":1}', headers: {} },
          alerts: [],
          acknowledgements: [],
          record: true,
        },
        {
          integrationId,
          receivedAt: at(2),
          source: 'cloudwatch',
          body: { text: 'text "with" quotes\n', headers: { 'x-amz-sns-message-type': 'Notification' } },
          alerts: [],
          acknowledgements: [],
          record: true,
        },
        {
          integrationId,
          receivedAt: at(3),
          source: 'pagerduty',
          alerts: [alert('x')],
          acknowledgements: ['pagerduty:y'],
          record: true,
        },
      ]);
      // The counts given at accept size the processor's transactions: the first row is taken
      // whatever its size, then no more once 4 alerts are taken.
      expect((await ts.store.ops.inbox.take(10, 1)).length).toBe(1);
      expect((await ts.store.ops.inbox.take(10, 4)).length).toBe(2);
      // The integration's last receipt is the group's latest.
      expect((await ts.store.ops.integrations.get(integrationId))?.lastReceivedAt).toBe(at(3));
    });

    it('record counts repeats of stored alerts and of alerts earlier in the requests, and returns the changed ones in order', async () => {
      ts = await openTestStore(dialect);
      const integrationId = await pagerDutyIntegration(ts.store);
      const request = (alerts: Alert[], second = 1) => ({
        integrationId,
        source: 'pagerduty' as const,
        receivedAt: `2026-11-27T08:01:0${second}.000Z`,
        alerts,
      });
      const record = (requests: ReturnType<typeof request>[]) =>
        ts!.store.transaction((tx) => tx.ops.processor.record(requests));
      // Stored before: x firing.
      expect(await record([request([alert('x')])])).toEqual({
        changed: [[alert('x')]],
        outcomes: [{ source: 'pagerduty', accepted: 1, duplicates: 0, stored: 1 }],
      });

      const { changed, outcomes } = await record([
        // x repeats what is stored (a summary is not part of the content hash); y is new.
        request([alert('x', 'firing', 'other text'), alert('y')], 2),
        // y again, as just sent: a repeat within the requests; z is new.
        request([alert('y'), alert('z')], 3),
        // Nothing (an acknowledgement only).
        request([], 4),
        // x resolves; then y repeats again.
        request([alert('x', 'resolved'), alert('y')], 5),
        // Everything a repeat.
        request([alert('z')], 6),
      ]);
      expect(outcomes).toEqual([
        { source: 'pagerduty', accepted: 2, duplicates: 1, stored: 1 },
        { source: 'pagerduty', accepted: 2, duplicates: 1, stored: 1 },
        { source: 'pagerduty', accepted: 0, duplicates: 0, stored: 0 },
        { source: 'pagerduty', accepted: 2, duplicates: 1, stored: 1 },
        { source: 'pagerduty', accepted: 1, duplicates: 1, stored: 0 },
      ]);
      expect(changed.map((list) => list.map((a) => `${a.fingerprint}:${a.status}`))).toEqual([
        ['y:firing'],
        ['z:firing'],
        [],
        ['x:resolved'],
        [],
      ]);
      expect(await ts.store.ops.alerts.get('pagerduty:x')).toMatchObject({
        status: 'resolved',
        seenCount: 3,
        firstReceivedAt: '2026-11-27T08:01:01.000Z',
        lastReceivedAt: '2026-11-27T08:01:05.000Z',
      });
      expect(await ts.store.ops.alerts.get('pagerduty:y')).toMatchObject({
        status: 'firing',
        seenCount: 3,
        summary: 'alert y',
      });
      // The source's JSON of the alert is kept beside it.
      const raw = await ts.store.db
        .selectFrom('ops_alerts')
        .select('raw')
        .where('dedup_key', '=', 'pagerduty:y')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(raw.raw)).toEqual({ dedup_key: 'y' });
      expect(await ts.store.ops.alerts.get('pagerduty:z')).toMatchObject({ seenCount: 2 });
    });

    it('processing writes each alert row once: recorded content and processor state in one statement', async () => {
      ts = await openTestStore(dialect);
      const integrationId = await pagerDutyIntegration(ts.store);
      const { db } = ts.store;
      // Every row write on ops_alerts, as the database sees it (an upsert that finds the row is an update).
      await sql`create table alert_writes (kind text, dedup_key text)`.execute(db);
      if (dialect === 'postgres') {
        await sql
          .raw(
            `create function note_alert_write() returns trigger language plpgsql as $$
             begin insert into alert_writes values (lower(TG_OP), new.dedup_key); return null; end $$`,
          )
          .execute(db);
        await sql`create trigger alert_writes after insert or update on ops_alerts
          for each row execute function note_alert_write()`.execute(db);
      } else {
        for (const op of ['insert', 'update'])
          await sql
            .raw(
              `create trigger alert_writes_${op} after ${op} on ops_alerts
               begin insert into alert_writes values ('${op}', new.dedup_key); end`,
            )
            .execute(db);
      }
      const writes = async () => {
        const rows = await db
          .selectFrom('alert_writes' as never)
          .select(['kind', 'dedup_key'] as never[])
          .execute();
        await sql`delete from alert_writes`.execute(db);
        return (rows as { kind: string; dedup_key: string }[]).map((r) => `${r.kind} ${r.dedup_key}`).sort();
      };
      const event = (key: string, action = 'trigger') =>
        JSON.stringify({
          routing_key: '[redacted]',
          event_action: action,
          dedup_key: key,
          payload: { summary: `disk ${key}`, source: 'db-1', severity: 'critical' },
        });
      const accept = (bodies: string[], second: number) =>
        ts!.store.ops.accept(
          bodies.map((body) => ({
            integrationId,
            source: 'pagerduty' as const,
            receivedAt: `2026-11-27T08:03:0${second}.000Z`,
            body,
            count: 1,
          })),
        );
      const ctx = { store: ts.store, clock: systemClock };

      await accept([event('a'), event('b'), event('c')], 1);
      expect(await processInbox(ctx)).toBe(3);
      // Inserted with their processor state: no second write of the same rows.
      expect(await writes()).toEqual(['insert pagerduty:a', 'insert pagerduty:b', 'insert pagerduty:c']);
      const a = await ts.store.ops.alerts.get('pagerduty:a');
      expect(a).toMatchObject({ status: 'firing', seenCount: 1 });
      expect(a?.incidentId).toEqual(expect.any(String));

      // a repeats (a duplicate: its receipts change, its processor state stays), b resolves.
      await accept([event('a'), event('b', 'resolve')], 2);
      expect(await processInbox(ctx)).toBe(2);
      expect(await writes()).toEqual(['update pagerduty:a', 'update pagerduty:b']);
      expect(await ts.store.ops.alerts.get('pagerduty:a')).toMatchObject({
        seenCount: 2,
        incidentId: a?.incidentId,
        lastReceivedAt: '2026-11-27T08:03:02.000Z',
      });
      expect(await ts.store.ops.alerts.get('pagerduty:b')).toMatchObject({
        status: 'resolved',
        seenCount: 2,
      });
    });

    it('takes up to 400 alerts a transaction while ingestion is busy, 1,000 otherwise', async () => {
      ts = await openTestStore(dialect);
      const integrationId = await pagerDutyIntegration(ts.store);
      const accept = async (prefix: string, n: number) => {
        const inputs = Array.from({ length: n }, (_, i) => ({
          integrationId,
          source: 'pagerduty' as const,
          receivedAt: '2026-11-27T08:05:00.000Z',
          body: JSON.stringify({
            routing_key: '[redacted]',
            event_action: 'trigger',
            dedup_key: `${prefix}${i}`,
            payload: { summary: `disk ${i}`, source: `db-${i % 7}`, severity: 'critical' },
          }),
          count: 1,
        }));
        for (let i = 0; i < n; i += 100) await ts!.store.ops.accept(inputs.slice(i, i + 100));
      };
      const transactions = async (busy: boolean): Promise<number[]> => {
        const alerts: number[] = [];
        await processInbox(
          { store: ts!.store, clock: systemClock },
          {
            ingestBusy: () => busy,
            // No pause between the transactions (the pause is not what this test is about).
            yieldFactor: 0,
            onRecorded: (outcomes) => alerts.push(outcomes.reduce((sum, o) => sum + o.accepted, 0)),
          },
        );
        return alerts;
      };
      await accept('busy-', 1100);
      expect(await transactions(true)).toEqual([400, 400, 300]);
      await accept('idle-', 1100);
      expect(await transactions(false)).toEqual([1000, 100]);
      expect(await ts.store.ops.inbox.count()).toBe(0);
    });

    it('sets aside a request that fails processing on its own (twice) as a dead letter, and processes the rest', async () => {
      ts = await openTestStore(dialect);
      const integrationId = await pagerDutyIntegration(ts.store);
      const receivedAt = '2026-11-27T08:04:00.000Z';
      // A summary the database refuses (NOT NULL): what an alert PostgreSQL cannot store does.
      const refused = { ...alert('bad'), summary: null as unknown as string };
      const input = (alerts: Alert[]) => ({
        integrationId,
        source: 'pagerduty' as const,
        receivedAt,
        alerts,
        acknowledgements: [],
      });
      await ts.store.ops.accept([input([alert('g1')]), input([refused]), input([alert('g2'), alert('g3')])]);
      const setAside: { seq: number; error: string }[] = [];
      const processed = await processInbox(
        { store: ts.store, clock: systemClock },
        { onSetAside: (item, error) => setAside.push({ seq: item.seq, error: String(error) }) },
      );
      expect(processed).toBe(3);
      expect(await ts.store.ops.inbox.count()).toBe(0);
      for (const fp of ['g1', 'g2', 'g3'])
        expect(await ts.store.ops.alerts.get(`pagerduty:${fp}`)).toMatchObject({ status: 'firing' });
      expect(await ts.store.ops.alerts.get('pagerduty:bad')).toBeUndefined();
      expect(setAside).toHaveLength(1);
      expect(setAside[0]!.error).toMatch(/null/i);
      const [dead] = await ts.store.ops.deadLetters.list(integrationId, 10);
      expect(dead).toMatchObject({ errorCode: 'OPSDECK_E_INTERNAL', receivedAt });
      expect(dead?.message).toMatch(/^accepted, then failed processing twice and set aside: .*null/i);
      const kept = JSON.parse((await ts.store.ops.deadLetters.get(dead!.id))!.body) as { alerts: Alert[] };
      expect(kept.alerts.map((a) => a.fingerprint)).toEqual(['bad']);
    });

    it('sets aside one request per pass while nothing succeeds between them', async () => {
      ts = await openTestStore(dialect);
      const integrationId = await pagerDutyIntegration(ts.store);
      const refused = (fp: string) => ({ ...alert(fp), summary: null as unknown as string });
      const input = (alerts: Alert[]) => ({
        integrationId,
        source: 'pagerduty' as const,
        receivedAt: '2026-11-27T08:06:00.000Z',
        alerts,
        acknowledgements: [],
      });
      await ts.store.ops.accept([input([refused('bad1')]), input([refused('bad2')]), input([alert('ok')])]);
      const ctx = { store: ts.store, clock: systemClock };
      // Two failures in a row look like a fault of the processor, not of a request: the pass stops.
      await expect(processInbox(ctx)).rejects.toThrow(/null/i);
      expect(await ts.store.ops.deadLetters.list(integrationId, 10)).toHaveLength(1);
      expect(await ts.store.ops.inbox.count()).toBe(2);
      // The next pass sets the second aside and goes on.
      expect(await processInbox(ctx)).toBe(2);
      expect(await ts.store.ops.deadLetters.list(integrationId, 10)).toHaveLength(2);
      expect(await ts.store.ops.alerts.get('pagerduty:ok')).toMatchObject({ status: 'firing' });
    });

    it('leaves the inbox as it is when the database fails (a transient error is not set aside)', async () => {
      ts = await openTestStore(dialect);
      const integrationId = await pagerDutyIntegration(ts.store);
      await ts.store.ops.accept([
        {
          integrationId,
          source: 'pagerduty',
          receivedAt: '2026-11-27T08:05:00.000Z',
          alerts: [alert('t1')],
          acknowledgements: [],
        },
      ]);
      const busy = Object.assign(new Error('could not serialize access'), {
        code: dialect === 'postgres' ? '40001' : 'SQLITE_BUSY',
      });
      // The first two transactions do their work, then fail on commit as a lock race would; the
      // ones after would succeed (a set-aside would then stick).
      let calls = 0;
      const store = ts.store;
      const failing = {
        ...store,
        transaction: <T>(fn: (tx: Parameters<Parameters<typeof store.transaction>[0]>[0]) => Promise<T>) =>
          store.transaction(async (tx) => {
            const result = await fn(tx);
            if (++calls <= 2) throw busy;
            return result;
          }),
      };
      await expect(processInbox({ store: failing, clock: systemClock })).rejects.toBe(busy);
      expect(await ts.store.ops.inbox.count()).toBe(1);
      expect(await ts.store.ops.deadLetters.list(integrationId, 10)).toEqual([]);
    });

    it('keeps a staged body the processor cannot normalize as a dead letter, and goes on', async () => {
      ts = await openTestStore(dialect);
      const integrationId = await pagerDutyIntegration(ts.store);
      const event = (key: string) =>
        JSON.stringify({
          routing_key: 'k'.repeat(32),
          event_action: 'trigger',
          dedup_key: key,
          payload: { summary: `disk ${key}`, source: 'db-1', severity: 'critical' },
        });
      const receivedAt = '2026-11-27T08:02:00.000Z';
      const NO_ACTION = JSON.stringify({ routing_key: 'k'.repeat(32) });
      await ts.store.ops.accept([
        { integrationId, source: 'pagerduty', receivedAt, body: event('ok-1'), count: 1 },
        // Accepted by an older normalizer, say: this one finds no event_action.
        { integrationId, source: 'pagerduty', receivedAt, body: NO_ACTION, count: 1 },
        { integrationId, source: 'pagerduty', receivedAt, body: event('ok-2'), count: 1 },
      ]);
      const recorded: unknown[] = [];
      expect(
        await processInbox(
          { store: ts.store, clock: systemClock },
          { onRecorded: (o) => recorded.push(...o) },
        ),
      ).toBe(3);
      expect(await ts.store.ops.inbox.count()).toBe(0);
      expect(await ts.store.ops.alerts.get('pagerduty:ok-1')).toMatchObject({ summary: 'disk ok-1' });
      expect(await ts.store.ops.alerts.get('pagerduty:ok-2')).toMatchObject({ summary: 'disk ok-2' });
      expect(recorded).toEqual([
        { source: 'pagerduty', accepted: 1, duplicates: 0, stored: 1 },
        { source: 'pagerduty', accepted: 1, duplicates: 0, stored: 1 },
      ]);
      const [dead] = await ts.store.ops.deadLetters.list(integrationId, 10);
      expect(dead).toMatchObject({ path: '/event_action', bodyBytes: NO_ACTION.length });
      expect(dead?.message).toMatch(/^accepted, then rejected by the processor: /);
      expect((await ts.store.ops.deadLetters.get(dead!.id))?.body).toBe(NO_ACTION);
    });
    it.skipIf(dialect !== 'postgres')(
      'on PostgreSQL, runs the inbox append and the alert upsert as statements prepared once per connection',
      async () => {
        ts = await openTestStore(dialect);
        const integrationId = await pagerDutyIntegration(ts.store);
        // One connection, so the session that prepared them is the one asked.
        const handle = openDatabase(ts.database.url, { poolSize: 1 });
        try {
          const store = createStore(handle);
          const receivedAt = '2026-11-27T08:03:00.000Z';
          for (const fp of ['p-1', 'p-2']) {
            await store.ops.accept([
              { integrationId, source: 'pagerduty', receivedAt, alerts: [alert(fp)], acknowledgements: [] },
            ]);
            await store.transaction((tx) =>
              tx.ops.processor.record([
                { integrationId, receivedAt, source: 'pagerduty', alerts: [alert(fp)] },
              ]),
            );
          }
          expect(await store.ops.inbox.count()).toBe(2);
          expect((await store.ops.alerts.get('pagerduty:p-2'))?.summary).toBe('alert p-2');
          const { rows } = await sql<{ name: string; statement: string }>`
            select name, statement from pg_prepared_statements order by name`.execute(handle.db);
          expect(rows.map((r) => r.statement.replace(/\s+/g, ' ').slice(0, 40))).toEqual([
            '/* prepared */ insert into ops_inbox (in',
            '/* prepared */ insert into ops_alerts (d',
          ]);
        } finally {
          await handle.close();
        }
      },
    );
  });
}
