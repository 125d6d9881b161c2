import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { normalize } from '../src/ops/sources/alertmanager.js';
import { startProcessorThread, type ProcessorThread } from '../src/server/ops/processor-thread.js';
import { sqliteFileOf } from '../src/store/dialect.js';
import { openTestStore, testDialects, type TestStore } from './helpers/databases.js';
import { amWebhook } from './helpers/ops.js';

/**
 * The incident processor in its own thread (as `opsdeck serve` runs it): it opens its own
 * connection, turns the inbox into incidents when woken, stops cleanly, and reports a thread that
 * could not start (the server then processes in-process). On SQLite, a transaction of the request
 * thread waiting for the write lock another connection holds must leave the event loop running.
 */
const dialects = await testDialects();

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const errors: unknown[][] = [];
const logger = { error: (...args: unknown[]) => void errors.push(args) };

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`incident processor thread on ${dialect}`, () => {
    let ts: TestStore | undefined;
    let thread: ProcessorThread | undefined;
    afterEach(async () => {
      await thread?.stop();
      thread = undefined;
      await ts?.close();
      ts = undefined;
      errors.length = 0;
    });

    it('opens the incident of ingested alerts in its own thread, and stops', async () => {
      ts = await openTestStore(dialect);
      const { integration } = await ts.store.ops.integrations.create({
        name: 'am',
        source: 'alertmanager',
        createdBy: 'test',
      });
      // A staged request, as the ingest route commits it: the thread normalizes and records it.
      const body = JSON.stringify(
        amWebhook('DiskFull', 'firing', [{ fp: 'a1b2c3d4e5f60001' }, { fp: 'a1b2c3d4e5f60002' }]),
      );
      const normalized = normalize(body);
      if (!normalized.ok) throw new Error(normalized.error.message);
      await ts.store.ops.accept([
        {
          integrationId: integration.id,
          source: 'alertmanager',
          receivedAt: new Date().toISOString(),
          body,
          count: normalized.value.alerts.length,
        },
      ]);
      const exits: number[] = [];
      const recorded: unknown[] = [];
      thread = startProcessorThread(
        { databaseUrl: ts.database.url, logLevel: 'silent' },
        logger,
        () => exits.push(1),
        (outcomes) => recorded.push(...outcomes),
      );
      thread.wake();
      await until(async () => (await ts!.store.ops.inbox.count()) === 0, 30_000);
      const incidents = await ts.store.ops.incidents.list({ limit: 10 });
      expect(incidents).toHaveLength(1);
      expect(incidents[0]).toMatchObject({ status: 'triggered', alertCount: 2, firingCount: 2 });
      expect(await ts.store.ops.alerts.get('alertmanager:a1b2c3d4e5f60001')).toMatchObject({ seenCount: 1 });
      // What it recorded reaches this thread (the server counts it on its registry).
      await until(() => Promise.resolve(recorded.length > 0), 5_000);
      expect(recorded).toEqual([{ source: 'alertmanager', stored: 2, duplicates: 0 }]);
      await thread.stop();
      expect(thread.alive).toBe(false);
      expect(exits).toEqual([]);
      expect(errors).toEqual([]);
    }, 60_000);

    it.skipIf(dialect !== 'sqlite')(
      "counts its connection's waits for the write lock where the server reads them",
      async () => {
        ts = await openTestStore('sqlite');
        const { integration } = await ts.store.ops.integrations.create({
          name: 'am',
          source: 'alertmanager',
          createdBy: 'test',
        });
        const body = JSON.stringify(amWebhook('DiskFull', 'firing', [{ fp: 'a1b2c3d4e5f60003' }]));
        await ts.store.ops.accept([
          {
            integrationId: integration.id,
            source: 'alertmanager',
            receivedAt: new Date().toISOString(),
            body,
            count: 1,
          },
        ]);
        thread = startProcessorThread(
          { databaseUrl: ts.database.url, logLevel: 'silent' },
          logger,
          () => undefined,
        );
        // Started: it has processed the request.
        thread.wake();
        await until(async () => (await ts!.store.ops.inbox.count()) === 0, 30_000);
        expect(thread.lockWaits).toEqual({ waits: 0, seconds: 0 });
        // Another connection holds the lock when the thread is woken again, for 500 ms: its pass
        // begins a transaction and waits.
        const other = new BetterSqlite3(sqliteFileOf(ts.database.url));
        try {
          other.exec('begin immediate');
          const held = performance.now();
          thread.wake();
          await new Promise((r) => setTimeout(r, 500));
          other.exec('commit');
          const heldFor = (performance.now() - held) / 1000;
          const t = thread;
          await until(() => Promise.resolve(t.lockWaits.waits >= 1), 10_000);
          expect(t.lockWaits.waits).toBe(1);
          // From its first attempt after the wake until its first poll after the commit (every 1 ms).
          expect(t.lockWaits.seconds).toBeGreaterThan(0.1);
          expect(t.lockWaits.seconds).toBeLessThanOrEqual(heldFor + 0.1);
        } finally {
          other.close();
        }
        // This thread's connection did not wait.
        expect(ts.store.sqliteLockWaits).toEqual({ waits: 0, seconds: 0 });
      },
      60_000,
    );
  });
}

describe('incident processor thread that cannot start', () => {
  it('reports the exit so the server can process in-process', async () => {
    const exits: number[] = [];
    errors.length = 0;
    // A database below a regular file cannot be created.
    const dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-thread-'));
    writeFileSync(path.join(dir, 'file'), '');
    const thread = startProcessorThread(
      { databaseUrl: `sqlite:${path.join(dir, 'file', 'opsdeck.db')}`, logLevel: 'silent' },
      logger,
      () => exits.push(1),
    );
    await until(() => Promise.resolve(exits.length > 0), 30_000);
    expect(thread.alive).toBe(false);
    expect(errors.map((e) => e[1])).toContain('incident processor thread failed');
    expect(JSON.stringify(errors)).toContain('Cannot create the SQLite database');
    await thread.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});

describe('SQLite write lock held by another connection', () => {
  let ts: TestStore | undefined;
  afterEach(async () => {
    await ts?.close();
    ts = undefined;
  });

  /**
   * Runs `work` on the store while another connection holds the write lock for 300 ms, released
   * by a timer of this thread: a wait that blocks the event loop would never see it. Asserts that
   * `work` waited for the lock, that the event loop kept running meanwhile, and that the wait was
   * counted once (metrics opsdeck_sqlite_lock_wait*).
   */
  async function underAnotherConnectionsLock<T>(work: (store: TestStore['store']) => Promise<T>): Promise<T> {
    ts = await openTestStore('sqlite');
    const other = new BetterSqlite3(sqliteFileOf(ts.database.url));
    try {
      other.exec('begin immediate');
      setTimeout(() => other.exec('commit'), 300);
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 10);
      const started = performance.now();
      const waits = ts.store.sqliteLockWaits!;
      expect(waits).toEqual({ waits: 0, seconds: 0 });
      const result = await work(ts.store);
      clearInterval(ticker);
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(waits.waits).toBe(1);
      // It polled from the first attempt until the other connection committed, 300 ms later.
      expect(waits.seconds).toBeGreaterThanOrEqual(0.25);
      expect(waits.seconds).toBeLessThanOrEqual((performance.now() - started) / 1000);
      return result;
    } finally {
      other.close();
    }
  }

  it('is waited for without blocking the event loop', async () => {
    const count = await underAnotherConnectionsLock((store) =>
      store.transaction((tx) => tx.ops.inbox.count()),
    );
    expect(count).toBe(0);
  });

  /** One accepted ingest request (the group commit's input). */
  const request = (integrationId: string, n: number) => ({
    integrationId,
    receivedAt: new Date(Date.UTC(2026, 10, 28, 3, 0, n)).toISOString(),
    source: 'alertmanager' as const,
    body: `{"n":${n}}`,
    count: 1,
  });

  it('is waited for without blocking the event loop by an ingest group commit', async () => {
    await underAnotherConnectionsLock((store) => store.ops.accept([request('i-1', 1), request('i-1', 2)]));
    expect(await ts!.store.ops.inbox.count()).toBe(2);
  });

  it('lets an ingest group commit wait for a transaction of this thread, not join it', async () => {
    ts = await openTestStore('sqlite');
    const store = ts.store;
    const { integration } = await store.ops.integrations.create({
      name: 'am',
      source: 'alertmanager',
      createdBy: 'test',
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    // A transaction of this thread that writes, then awaits, then rolls back.
    const rolledBack = store.transaction(async (tx) => {
      await tx.ops.integrations.recordAuthFailure(integration.id);
      opened();
      await held;
      throw new Error('rolled back on purpose');
    });
    await isOpen;
    const accepted = store.ops.accept([request(integration.id, 1)]);
    await new Promise((r) => setTimeout(r, 30));
    release();
    await expect(rolledBack).rejects.toThrow('rolled back on purpose');
    await accepted;
    // Committed on its own: the other transaction's rollback did not take it along.
    expect(await store.ops.inbox.count()).toBe(1);
    expect((await store.ops.integrations.get(integration.id))?.lastReceivedAt).toBe(
      request(integration.id, 1).receivedAt,
    );
  });

  it('is waited for without blocking the event loop by a statement outside a transaction', async () => {
    // One UPDATE in autocommit (a job runner's kind of statement): SQLite's own busy handler
    // would sleep in this thread until the lock is free, and the releasing timer would never run.
    await underAnotherConnectionsLock((store) =>
      store.ops.integrations.recordAuthFailure('no-such-integration'),
    );
  });
});
