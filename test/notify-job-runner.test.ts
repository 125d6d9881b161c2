import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../src/core/clock.js';
import type { ServerContext } from '../src/server/context.js';
import { retryDelayMs, runDueJobs } from '../src/server/jobs/runner.js';
import { AuthCache } from '../src/server/auth/auth-cache.js';
import { BackgroundTasks } from '../src/server/background.js';
import { createMetrics } from '../src/server/metrics.js';
import { createStore, openDatabase, type DatabaseHandle, type Store } from '../src/store/index.js';
import { openTestStore, testDialects, type TestStore } from './helpers/databases.js';
import { testConfig } from './helpers/server.js';

const dialects = await testDialects();

/** A clock the test moves by hand. */
function manualClock(start: string): Clock & { set(iso: string): void; advance(ms: number): void } {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    set: (iso) => {
      t = Date.parse(iso);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`durable job runner on ${dialect}`, () => {
    let t: TestStore & { app: { opsdeck: ServerContext } };
    const clock = manualClock('2026-05-01T10:00:00.000Z');
    /** What a server replica's job runner uses: its store (own pool), clock, metrics, handlers. */
    const replica = (store: Store): ServerContext => ({
      config: testConfig(),
      store,
      clock,
      metrics: createMetrics(),
      authCache: new AuthCache(clock),
      background: new BackgroundTasks(),
      jobHandlers: new Map(),
      verifiers: {},
    });
    /** A second replica: its own pool over the same database, its own handler registry. */
    let second: { handle: DatabaseHandle; ctx: ServerContext };

    beforeAll(async () => {
      const opened = await openTestStore(dialect, { clock });
      t = { ...opened, app: { opsdeck: replica(opened.store) } };
      const handle = openDatabase(opened.database.url, { poolSize: 4 });
      second = { handle, ctx: replica(createStore(handle, { clock })) };
    });
    afterAll(async () => {
      await second?.handle.close();
      await t?.close();
    });
    beforeEach(async () => {
      await t.store.db.deleteFrom('jobs').execute();
      clock.set('2026-05-01T10:00:00.000Z');
    });

    it('two replicas racing over 200 jobs run each exactly once', async () => {
      const ctxA = t.app.opsdeck;
      const ctxB = second.ctx;
      const runs = new Map<string, string[]>();
      const handler = (replica: string) => async (job: { payload: unknown }) => {
        const n = (job.payload as { n: number }).n;
        // Yield so the other replica's claim overlaps this one's work.
        await new Promise((r) => setTimeout(r, 1));
        runs.set(String(n), [...(runs.get(String(n)) ?? []), replica]);
      };
      ctxA.jobHandlers.set('test.race', handler('A'));
      ctxB.jobHandlers.set('test.race', handler('B'));
      for (let n = 0; n < 200; n++) {
        await t.store.notify.jobs.enqueue({
          kind: 'test.race',
          runAt: clock.now().toISOString(),
          payload: { n },
        });
      }
      const drain = async (ctx: ServerContext, workerId: string) => {
        let total = 0;
        for (;;) {
          const n = await runDueJobs(ctx, { workerId, limit: 7 });
          total += n;
          if (n === 0) return total;
        }
      };
      // SQLite: one server process owns the file (better-sqlite3 blocks the event loop while it
      // waits for another connection's lock), so its two runners share the store's connection.
      const ctxB2 = dialect === 'sqlite' ? { ...ctxA, jobHandlers: ctxB.jobHandlers } : ctxB;
      const [a, b] = await Promise.all([drain(ctxA, 'replica-a'), drain(ctxB2, 'replica-b')]);
      expect(a + b).toBe(200);
      expect(runs.size).toBe(200);
      expect([...runs.values()].filter((r) => r.length !== 1)).toEqual([]);
      // Both runners did work: the claims really interleaved.
      expect(a).toBeGreaterThan(0);
      expect(b).toBeGreaterThan(0);
      expect(await t.store.notify.jobs.counts()).toEqual({ pending: 0, running: 0, done: 200, failed: 0 });
      ctxA.jobHandlers.delete('test.race');
    });

    it('retries a throwing job with exponential backoff and gives up after its max attempts', async () => {
      const ctx = t.app.opsdeck;
      const seen: number[] = [];
      ctx.jobHandlers.set('test.flaky', (job) => {
        seen.push(job.attempt);
        return Promise.reject(new Error(`boom ${job.attempt}`));
      });
      await t.store.notify.jobs.enqueue({
        kind: 'test.flaky',
        runAt: clock.now().toISOString(),
        payload: null,
        key: 'flaky',
        maxAttempts: 3,
      });
      expect(await runDueJobs(ctx)).toBe(1);
      const pending = await t.store.notify.jobs.pendingByKey('flaky');
      expect(pending).toMatchObject({ attempt: 1, lastError: 'boom 1' });
      expect(Date.parse(pending!.runAt) - clock.now().getTime()).toBe(retryDelayMs(1));
      // Not due yet.
      clock.advance(retryDelayMs(1) - 1);
      expect(await runDueJobs(ctx)).toBe(0);
      clock.advance(1);
      expect(await runDueJobs(ctx)).toBe(1);
      expect(
        Date.parse((await t.store.notify.jobs.pendingByKey('flaky'))!.runAt) - clock.now().getTime(),
      ).toBe(retryDelayMs(2));
      expect(retryDelayMs(2)).toBe(2 * retryDelayMs(1));
      clock.advance(retryDelayMs(2));
      expect(await runDueJobs(ctx)).toBe(1);
      expect(seen).toEqual([1, 2, 3]);
      const [failed] = await t.store.notify.jobs.list({ status: 'failed' });
      expect(failed?.lastError).toBe('gave up after 3 attempts: boom 3');
      expect(
        await t.app.opsdeck.metrics.registry.getSingleMetricAsString('opsdeck_jobs_runs_total'),
      ).toContain('kind="test.flaky",outcome="failed"} 1');
      ctx.jobHandlers.delete('test.flaky');
    });

    it('a handler returning retryAt runs again then; an unknown kind is retried, not lost', async () => {
      const ctx = t.app.opsdeck;
      let calls = 0;
      ctx.jobHandlers.set('test.later', () => {
        calls++;
        return Promise.resolve(
          calls === 1 ? { retryAt: new Date(clock.now().getTime() + 60_000).toISOString() } : undefined,
        );
      });
      await t.store.notify.jobs.enqueue({
        kind: 'test.later',
        runAt: clock.now().toISOString(),
        payload: null,
      });
      await t.store.notify.jobs.enqueue({
        kind: 'test.nobody',
        runAt: clock.now().toISOString(),
        payload: null,
      });
      expect(await runDueJobs(ctx)).toBe(2);
      clock.advance(60_000);
      // test.later again, and test.nobody's first retry (due after 5 s).
      expect(await runDueJobs(ctx)).toBe(2);
      expect(calls).toBe(2);
      expect(await t.store.notify.jobs.list({ kind: 'test.later' })).toMatchObject([
        { status: 'done', attempt: 2 },
      ]);
      const [nobody] = await t.store.notify.jobs.list({ kind: 'test.nobody' });
      expect(nobody).toMatchObject({
        status: 'pending',
        attempt: 2,
        lastError: 'no handler registered for job kind test.nobody',
      });
      ctx.jobHandlers.delete('test.later');
    });

    it('a job whose replica died mid-run is reclaimed after its lease and run by another', async () => {
      const ctx = t.app.opsdeck;
      const ran: string[] = [];
      ctx.jobHandlers.set('test.lease', (job) => {
        ran.push(`${job.id}#${job.attempt}`);
        return Promise.resolve();
      });
      await t.store.notify.jobs.enqueue({
        kind: 'test.lease',
        runAt: clock.now().toISOString(),
        payload: null,
      });
      // Replica B claims it and dies (never completes).
      const [claimed] = await second.ctx.store.notify.jobs.claim('dead-replica', {
        now: clock.now(),
        limit: 1,
        leaseMs: 30_000,
      });
      expect(claimed).toBeDefined();
      expect(await runDueJobs(ctx, { leaseMs: 30_000 })).toBe(0);
      clock.advance(30_001);
      expect(await runDueJobs(ctx, { leaseMs: 30_000 })).toBe(1);
      expect(ran).toEqual([`${claimed!.id}#2`]);
      expect(await t.store.notify.jobs.get(claimed!.id)).toMatchObject({ status: 'done' });
      // The dead replica's late outcome is refused.
      expect(await second.ctx.store.notify.jobs.complete(claimed!, clock.now())).toBe(false);
      ctx.jobHandlers.delete('test.lease');
    });

    it('a pending job survives a restart: a new store over the same database runs it', async () => {
      await second.ctx.store.notify.jobs.enqueue({
        kind: 'test.restart',
        runAt: clock.now().toISOString(),
        payload: { hello: 'world' },
      });
      await second.handle.close();
      const handle = openDatabase(t.database.url, { poolSize: 4 });
      const got: unknown[] = [];
      const ctx = replica(createStore(handle, { clock }));
      ctx.jobHandlers.set('test.restart', (job) => {
        got.push(job.payload);
        return Promise.resolve();
      });
      second = { handle, ctx };
      expect(await runDueJobs(ctx)).toBe(1);
      expect(got).toEqual([{ hello: 'world' }]);
    });
  });
}
