import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../src/ops/alert.js';
import { openTestStore, testDialects, type TestStore } from './helpers/databases.js';

/**
 * ingestMany stores a group of requests at once (on PostgreSQL the stored hashes, then one
 * statement; on SQLite prepared statements in one transaction): both must decide the same
 * duplicates, against what was stored before the group and within it, and append the same inbox
 * batches in request order.
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
  describe.skipIf(!available)(`ingestMany on ${dialect}`, () => {
    let ts: TestStore | undefined;
    afterEach(async () => {
      await ts?.close();
      ts = undefined;
    });

    it('counts repeats of stored alerts and of alerts earlier in the group, and queues the rest in order', async () => {
      ts = await openTestStore(dialect);
      const { integration } = await ts.store.ops.integrations.create({
        name: 'pd',
        source: 'pagerduty',
        createdBy: 'test',
      });
      const input = (alerts: Alert[], acknowledgements: string[] = []) => ({
        integrationId: integration.id,
        source: 'pagerduty' as const,
        receivedAt: '2026-11-27T08:01:00.000Z',
        alerts,
        acknowledgements,
      });
      // Stored before the group: x firing.
      expect(await ts.store.ops.ingestMany([input([alert('x')])])).toEqual([
        { accepted: 1, duplicates: 0, stored: 1 },
      ]);
      await ts.store.ops.inbox.remove((await ts.store.ops.inbox.take(10)).map((i) => i.seq));

      const outcomes = await ts.store.ops.ingestMany([
        // x repeats what is stored (a summary is not part of the content hash); y is new.
        input([alert('x', 'firing', 'other text'), alert('y')]),
        // y again, as just sent: a repeat within the group; z is new.
        input([alert('y'), alert('z')]),
        // Only an acknowledgement.
        input([], ['pagerduty:x']),
        // x resolves: queued; then y repeats again.
        input([alert('x', 'resolved'), alert('y')]),
        // Everything a repeat: no inbox row.
        input([alert('z')]),
      ]);
      expect(outcomes).toEqual([
        { accepted: 2, duplicates: 1, stored: 1 },
        { accepted: 2, duplicates: 1, stored: 1 },
        { accepted: 0, duplicates: 0, stored: 0 },
        { accepted: 2, duplicates: 1, stored: 1 },
        { accepted: 1, duplicates: 1, stored: 0 },
      ]);
      const inbox = await ts.store.ops.inbox.take(10);
      expect(
        inbox.map((i) => ({
          alerts: i.alerts.map((a) => `${a.fingerprint}:${a.status}`),
          acknowledgements: i.acknowledgements,
        })),
      ).toEqual([
        { alerts: ['y:firing'], acknowledgements: [] },
        { alerts: ['z:firing'], acknowledgements: [] },
        { alerts: [], acknowledgements: ['pagerduty:x'] },
        { alerts: ['x:resolved'], acknowledgements: [] },
      ]);
      expect(inbox[0]!.alerts[0]).toMatchObject({ labels: { service: 'api', fp: 'y' }, summary: 'alert y' });
      const x = await ts.store.ops.alerts.get('pagerduty:x');
      expect(x).toMatchObject({ status: 'resolved', seenCount: 3 });
    });
  });
}
