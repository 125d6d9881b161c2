import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { backupSqlite, createStore, openDatabase, sqliteFileOf } from '../src/store/index.js';
import { inboxFileOf } from '../src/store/inbox-file.js';
import { migrationProvider } from '../src/store/migrations/index.js';
import type { AcceptInput } from '../src/store/ops/index.js';
import { openTestStore, type TestStore } from './helpers/databases.js';
import { amPayload, createIntegration, ingest, type TestIntegration } from './helpers/ops.js';
import { buildTestApp, type TestApp } from './helpers/server.js';

/**
 * SQLite database files keep accepted ingest requests in a file of their own (`<db>.inbox`,
 * src/store/inbox-file.ts): ingestion commits there without the database's write lock, which the
 * incident processor holds for its transactions. The database records how far the processor got
 * (`ops_inbox_progress`), so the two files stay consistent without a transaction across them.
 */
let ts: TestStore | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

const request = (n: number): AcceptInput => ({
  integrationId: 'i1',
  source: 'alertmanager',
  receivedAt: `2026-11-28T08:00:0${n}.000Z`,
  body: `{"n":${n}}`,
  headers: {},
  count: 1,
});

const dbFile = (t: TestStore): string => sqliteFileOf(t.database.url);

async function integration(t: TestStore): Promise<string> {
  const { integration } = await t.store.ops.integrations.create({
    name: 'am',
    source: 'alertmanager',
    createdBy: 'test',
  });
  return integration.id;
}

/** Runs `fn` while another connection holds the write lock of the app's database file. */
async function whileLocked(t: TestApp, fn: (other: BetterSqlite3.Database) => Promise<void>): Promise<void> {
  const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(t.store.db);
  const other = new BetterSqlite3(rows.find((r) => r.name === 'main')!.file);
  other.exec('begin immediate');
  try {
    await fn(other);
  } finally {
    other.exec('rollback');
    other.close();
  }
}

/** The status of an Alertmanager ingest request, or 'waited for the lock' after 2 s. */
function answerWithin2s(t: TestApp, am: TestIntegration): Promise<unknown> {
  return Promise.race([
    ingest(t, am, amPayload('payload-1.json')).then((r) => r.statusCode),
    new Promise((resolve) => setTimeout(() => resolve('waited for the lock'), 2000)),
  ]);
}

describe('the SQLite ingest inbox file', () => {
  it('commits ingest requests while another connection holds the database write lock', async () => {
    ts = await openTestStore('sqlite');
    const integrationId = await integration(ts);
    await ts.store.ops.accept([{ ...request(1), integrationId }]); // last_received_at written now
    const other = new BetterSqlite3(dbFile(ts));
    other.exec('begin immediate');
    try {
      const accepted = ts.store.ops.accept([
        { ...request(2), integrationId },
        { ...request(3), integrationId },
      ]);
      const outcome = await Promise.race([
        accepted.then(() => 'committed'),
        new Promise((resolve) => setTimeout(() => resolve('waited for the lock'), 2000)),
      ]);
      expect(outcome).toBe('committed');
    } finally {
      other.exec('rollback');
      other.close();
    }
    expect(existsSync(inboxFileOf(dbFile(ts)))).toBe(true);
    expect(await ts.store.ops.inbox.count()).toBe(3);
    const { n } = new BetterSqlite3(dbFile(ts), { readonly: true })
      .prepare('select count(*) as n from ops_inbox')
      .get() as { n: number };
    expect(n).toBe(0);
  });

  it('answers an ingest request 202 while another connection holds the database write lock', async () => {
    const t = await buildTestApp({ dialect: 'sqlite' });
    try {
      const admin = await t.login('admin', t.adminPassword);
      const am = await createIntegration(t, admin, 'alertmanager');
      expect((await ingest(t, am, amPayload('payload-1.json'))).statusCode).toBe(202);
      await whileLocked(t, async () => {
        expect(await answerWithin2s(t, am)).toBe(202);
      });
      expect(await t.store.ops.inbox.count()).toBe(2);
    } finally {
      await t.close();
    }
  });

  it("answers before writing the integration's last_received_at, which waits for the database write lock", async () => {
    const t = await buildTestApp({ dialect: 'sqlite' });
    try {
      const admin = await t.login('admin', t.adminPassword);
      const am = await createIntegration(t, admin, 'alertmanager');
      await whileLocked(t, async (other) => {
        // The integration's first request: its last_received_at is due, and the lock is taken.
        expect(await answerWithin2s(t, am)).toBe(202);
        // Read on the connection that holds the lock: the server's one connection is busy
        // waiting for it with the write.
        const row = other.prepare('select last_received_at from ops_integrations where id = ?').get(am.id);
        expect(row).toEqual({ last_received_at: null });
      });
      // Written once the lock is free.
      await expect
        .poll(async () => (await t.store.ops.integrations.get(am.id))?.lastReceivedAt, { timeout: 5000 })
        .toMatch(/^\d{4}-\d\d-\d\dT/);
    } finally {
      await t.close();
    }
  });

  it('waits for a prune holding the file lock without blocking the event loop', async () => {
    ts = await openTestStore('sqlite');
    await ts.store.ops.accept([request(1)]);
    const waitsBefore = { ...ts.handle.sqliteLockWaits! };
    const other = new BetterSqlite3(inboxFileOf(dbFile(ts)));
    other.exec('begin immediate');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    try {
      const accepted = ts.store.ops.accept([request(2)]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(ticks).toBeGreaterThanOrEqual(10);
      other.exec('commit');
      await accepted;
    } finally {
      clearInterval(ticker);
      if (other.inTransaction) other.exec('rollback');
      other.close();
    }
    expect(await ts.store.ops.inbox.count()).toBe(2);
    // Counted as the connection's wait (metric opsdeck_sqlite_lock_wait_*{connection="server"}).
    expect(ts.handle.sqliteLockWaits!.waits - waitsBefore.waits).toBe(1);
    expect(ts.handle.sqliteLockWaits!.seconds - waitsBefore.seconds).toBeGreaterThan(0.25);
  });

  it('marks requests processed in the database, prunes them later, and never reuses a number', async () => {
    ts = await openTestStore('sqlite');
    const t = ts;
    await t.store.ops.accept([request(1), request(2), request(3)]);
    const taken = await t.store.transaction((tx) => tx.ops.inbox.take(2));
    expect(taken.map((i) => [i.seq, i.inFile, i.body?.text])).toEqual([
      [1, true, '{"n":1}'],
      [2, true, '{"n":2}'],
    ]);
    await t.store.transaction((tx) => tx.ops.inbox.remove(taken));
    const progress = await t.store.db.selectFrom('ops_inbox_progress').selectAll().execute();
    expect(progress).toEqual([{ id: 1, processed_seq: 2 }]);
    expect(await t.store.ops.inbox.count()).toBe(1);
    const fileRows = (): number[] => {
      const f = new BetterSqlite3(inboxFileOf(dbFile(t)), { readonly: true });
      try {
        return (f.prepare('select seq from requests order by seq').all() as { seq: number }[]).map(
          (r) => r.seq,
        );
      } finally {
        f.close();
      }
    };
    // Processed, still in the file: pruned in bulk, not at every transaction.
    expect(fileRows()).toEqual([1, 2, 3]);
    const rest = await t.store.ops.inbox.take(10);
    expect(rest.map((i) => i.seq)).toEqual([3]);
    await t.store.transaction((tx) => tx.ops.inbox.remove(rest));
    // Nothing left to take: the processed requests are pruned.
    expect(await t.store.ops.inbox.take(10)).toEqual([]);
    expect(fileRows()).toEqual([]);
    await t.store.ops.accept([request(4)]);
    expect((await t.store.ops.inbox.take(10)).map((i) => i.seq)).toEqual([4]);
  });

  it('a deleted or older inbox file never hands out a number the database counts as processed', async () => {
    ts = await openTestStore('sqlite');
    await ts.store.ops.accept([request(1), request(2)]);
    await ts.store.transaction(async (tx) => tx.ops.inbox.remove(await tx.ops.inbox.take(10)));
    await ts.handle.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${inboxFileOf(dbFile(ts))}${suffix}`, { force: true });
    const handle = openDatabase(ts.database.url);
    try {
      const store = createStore(handle);
      await store.ops.accept([request(3)]);
      const [item] = await store.ops.inbox.take(10);
      expect(item?.seq).toBe(3);
      expect(item?.body?.text).toBe('{"n":3}');
    } finally {
      await handle.close();
      ts.handle = openDatabase(ts.database.url); // closed again by afterEach
    }
  });

  it('takes requests left in the ops_inbox table (accepted before the file) first', async () => {
    ts = await openTestStore('sqlite');
    await ts.store.ops.accept([request(2)]);
    await ts.store.db
      .insertInto('ops_inbox')
      .values({
        integration_id: 'i1',
        received_at: '2026-11-28T07:59:00.000Z',
        batch: JSON.stringify({ source: 'alertmanager', headers: {} }),
        alert_count: 1,
        body: '{"n":"table"}',
      })
      .execute();
    expect(await ts.store.ops.inbox.count()).toBe(2);
    const first = await ts.store.ops.inbox.take(10);
    expect(first.map((i) => [i.inFile ?? false, i.body?.text])).toEqual([[false, '{"n":"table"}']]);
    await ts.store.transaction((tx) => tx.ops.inbox.remove(first));
    const second = await ts.store.ops.inbox.take(10);
    expect(second.map((i) => [i.inFile ?? false, i.body?.text])).toEqual([[true, '{"n":2}']]);
  });

  it('db backup copies the inbox file after the database, and the copy keeps pending requests', async () => {
    ts = await openTestStore('sqlite');
    await ts.store.ops.accept([request(1), request(2)]);
    await ts.store.transaction(async (tx) => tx.ops.inbox.remove(await tx.ops.inbox.take(1)));
    const destination = path.join(ts.database.dir!, 'backup.db');
    const r = await backupSqlite(ts.database.url, destination);
    expect(r.inbox?.file).toBe(`${destination}.inbox`);
    const copy = openDatabase(`sqlite:${destination}`);
    try {
      const pending = await createStore(copy).ops.inbox.take(10);
      expect(pending.map((i) => i.body?.text)).toEqual(['{"n":2}']);
    } finally {
      await copy.close();
    }
    await expect(
      backupSqlite(ts.database.url, path.join(ts.database.dir!, 'other.db')),
    ).resolves.toBeDefined();
    rmSync(destination);
    // The inbox copy exists: never overwritten either.
    await expect(backupSqlite(ts.database.url, destination)).rejects.toThrow(
      /backup\.db\.inbox already exists/,
    );
  });

  it('migration 0011 goes down only when the inbox file holds no pending request', async () => {
    ts = await openTestStore('sqlite');
    await ts.store.ops.accept([request(1)]);
    const migrator = new Migrator({ db: ts.handle.db, provider: migrationProvider });
    const refused = await migrator.migrateTo('0010-ops-inbox-body');
    expect(refused.error).toBeInstanceOf(Error);
    expect((refused.error as Error).message).toMatch(
      /1 accepted ingest request\(s\) in the inbox file are not processed yet/,
    );
    const store = ts.store;
    await store.transaction(async (tx) => tx.ops.inbox.remove(await tx.ops.inbox.take(10)));
    expect((await migrator.migrateTo('0010-ops-inbox-body')).error).toBeUndefined();
    const tables = (await ts.handle.db.introspection.getTables()).map((t) => t.name);
    expect(tables).not.toContain('ops_inbox_progress');
  });
});
