import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, testDialects, type TestStore } from './helpers/databases.js';

const dialects = await testDialects();

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`durable jobs store on ${dialect}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await openTestStore(dialect);
    });
    afterAll(async () => t?.close());
    beforeEach(async () => {
      await t.store.db.deleteFrom('jobs').execute();
    });

    it('enqueues with a key at most once while pending; replace moves the pending job', async () => {
      const { jobs } = t.store.notify;
      expect(
        await jobs.enqueue({ kind: 'k', runAt: '2026-01-01T00:00:00Z', payload: { a: 1 }, key: 'once' }),
      ).toBe(true);
      expect(
        await jobs.enqueue({ kind: 'k', runAt: '2026-01-01T00:00:00Z', payload: { a: 2 }, key: 'once' }),
      ).toBe(false);
      const pending = await jobs.pendingByKey('once');
      expect(pending?.payload).toEqual({ a: 1 });
      expect(pending?.runAt).toBe('2026-01-01T00:00:00.000Z');
      expect(
        await jobs.enqueue(
          { kind: 'k2', runAt: '2026-01-02T00:00:00Z', payload: { a: 3 }, key: 'once' },
          { replace: true },
        ),
      ).toBe(true);
      const moved = await jobs.pendingByKey('once');
      expect(moved).toMatchObject({
        id: pending?.id,
        kind: 'k2',
        payload: { a: 3 },
        runAt: '2026-01-02T00:00:00.000Z',
      });
      expect(await jobs.cancel('once')).toBe(true);
      expect(await jobs.pendingByKey('once')).toBeUndefined();
    });

    it('a rolled-back transaction enqueues nothing; a committed one does', async () => {
      await expect(
        t.store.transaction(async (tx) => {
          await tx.notify.jobs.enqueue({
            kind: 'tx',
            runAt: '2026-01-01T00:00:00Z',
            payload: 1,
            key: 'tx-key',
          });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await t.store.notify.jobs.pendingByKey('tx-key')).toBeUndefined();
      await t.store.transaction((tx) =>
        tx.notify.jobs.enqueue({ kind: 'tx', runAt: '2026-01-01T00:00:00Z', payload: 1, key: 'tx-key' }),
      );
      expect(await t.store.notify.jobs.pendingByKey('tx-key')).toBeDefined();
      await t.store.notify.jobs.cancel('tx-key');
    });

    it('claims due jobs only, lets the key be re-enqueued while running, and reclaims an expired lease', async () => {
      const { jobs } = t.store.notify;
      await jobs.enqueue({ kind: 'c', runAt: '2026-03-01T00:00:00Z', payload: null, key: 'periodic' });
      await jobs.enqueue({ kind: 'c', runAt: '2026-03-01T00:10:00Z', payload: null });
      const now = new Date('2026-03-01T00:05:00Z');
      const claimed = await jobs.claim('w1', { now, limit: 10, leaseMs: 60_000 });
      expect(claimed.map((j) => [j.key, j.attempt, j.lockedBy])).toEqual([['periodic', 1, 'w1']]);
      // The handler of a periodic job enqueues its next run with the same key while running.
      expect(
        await jobs.enqueue({ kind: 'c', runAt: '2026-03-01T01:00:00Z', payload: null, key: 'periodic' }),
      ).toBe(true);
      // Nothing else is due, and the running one is leased.
      expect(await jobs.claim('w2', { now, limit: 10, leaseMs: 60_000 })).toEqual([]);
      // w1 dies; after its lease w2 reclaims the job as attempt 2, and w1's late completion is refused.
      const later = new Date('2026-03-01T00:06:01Z');
      const reclaimed = await jobs.claim('w2', { now: later, limit: 10, leaseMs: 60_000 });
      expect(reclaimed.map((j) => [j.id, j.attempt, j.lockedBy])).toEqual([[claimed[0]!.id, 2, 'w2']]);
      expect(await jobs.complete(claimed[0]!, later)).toBe(false);
      // Retrying while a newer job holds the key: the retry is superseded, not duplicated.
      expect(await jobs.retry(reclaimed[0]!, later, 'boom', later)).toBe(true);
      const old = await jobs.get(claimed[0]!.id);
      expect(old).toMatchObject({ status: 'done' });
      expect(old?.lastError).toContain('superseded');
    });

    it('retries back to pending and gives up as failed', async () => {
      const { jobs } = t.store.notify;
      await jobs.enqueue({ kind: 'r', runAt: '2026-04-01T00:00:00Z', payload: 'x', key: 'retry-me' });
      const now = new Date('2026-04-01T00:00:00Z');
      const [first] = await jobs.claim('w', { now, limit: 1, leaseMs: 1000 });
      expect(await jobs.retry(first!, new Date('2026-04-01T00:01:00Z'), 'HTTP 500', now)).toBe(true);
      expect(await jobs.pendingByKey('retry-me')).toMatchObject({ attempt: 1, lastError: 'HTTP 500' });
      expect(await jobs.claim('w', { now, limit: 5, leaseMs: 1000 })).toEqual([]);
      const [second] = await jobs.claim('w', {
        now: new Date('2026-04-01T00:01:00Z'),
        limit: 5,
        leaseMs: 1000,
      });
      expect(second).toMatchObject({ id: first!.id, attempt: 2 });
      expect(await jobs.fail(second!, 'gave up', now)).toBe(true);
      expect(await jobs.get(first!.id)).toMatchObject({ status: 'failed', lastError: 'gave up' });
    });
  });
}
