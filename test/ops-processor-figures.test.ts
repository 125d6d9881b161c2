import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processInbox } from '../src/server/ops/processor.js';
import { commonLabels } from '../src/store/ops/index.js';
import { testDialects } from './helpers/databases.js';
import { amWebhook, createIntegration, ingest, type TestIntegration } from './helpers/ops.js';
import { buildTestApp, json, type TestApp } from './helpers/server.js';

/**
 * The processor updates an incident's alert_count, firing_count and common labels from the alerts
 * it attaches in a transaction (not from every attached alert), and recomputes them in full when
 * an alert already attached changes. Both must agree with the attached alerts themselves, over
 * many transactions and through resolves.
 */
const dialects = await testDialects();

interface IncidentView {
  id: string;
  status: string;
  alertCount: number;
  firingCount: number;
  labels: Record<string, string>;
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`processor incident figures on ${dialect}`, () => {
    let t: TestApp;
    let admin: string;
    let am: TestIntegration;
    beforeAll(async () => {
      t = await buildTestApp({ dialect });
      admin = await t.login('admin', t.adminPassword);
      am = await createIntegration(t, admin, 'alertmanager');
    });
    afterAll(async () => t?.close());

    const incident = async (): Promise<IncidentView> => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/incidents',
        cookies: { opsdeck_session: admin },
      });
      const items = json<{ items: IncidentView[] }>(res).items;
      expect(items).toHaveLength(1);
      return items[0]!;
    };
    /** The figures computed from the attached alerts themselves. */
    const expected = async (id: string) => {
      const alerts = await t.store.ops.alertsOf(id);
      return {
        alertCount: alerts.length,
        firingCount: alerts.filter((a) => a.status === 'firing').length,
        labels: commonLabels(alerts.map((a) => a.labels)),
      };
    };
    const alert = (i: number) => ({
      fp: `f${i.toString(16).padStart(15, '0')}`,
      labels: {
        alertname: 'DiskFull',
        team: 'storage',
        // Shared by the first 4 alerts only: drops out of the common labels at the 5th.
        ...(i < 4 ? { zone: 'eu-1' } : { zone: `z${i}` }),
        host: `h${i}`,
      },
    });

    it('keeps counts and common labels equal to the attached alerts across transactions', async () => {
      // 1 alert, then 3, then 6, each processed in its own transaction.
      let next = 0;
      for (const n of [1, 3, 6]) {
        const batch = Array.from({ length: n }, () => alert(next++));
        expect((await ingest(t, am, amWebhook('DiskFull', 'firing', batch))).statusCode).toBe(202);
        expect(await processInbox(t.app.opsdeck, { maxBatches: 1 })).toBe(1);
        const inc = await incident();
        expect({ alertCount: inc.alertCount, firingCount: inc.firingCount, labels: inc.labels }).toEqual(
          await expected(inc.id),
        );
        expect(inc.alertCount).toBe(next);
      }
      const inc = await incident();
      expect(inc.labels).toEqual({ alertname: 'DiskFull', team: 'storage' });
      expect(inc.firingCount).toBe(10);
    });

    it('recomputes when attached alerts resolve, and a duplicate changes nothing', async () => {
      // Three members resolve (a change of attached alerts); a firing duplicate (same content) is
      // recorded (seen count) but not processed again.
      expect(
        (await ingest(t, am, amWebhook('DiskFull', 'resolved', [alert(0), alert(5), alert(9)]))).statusCode,
      ).toBe(202);
      expect((await ingest(t, am, amWebhook('DiskFull', 'firing', [alert(1)]))).statusCode).toBe(202);
      expect(await processInbox(t.app.opsdeck)).toBe(2);
      const inc = await incident();
      expect({ alertCount: inc.alertCount, firingCount: inc.firingCount, labels: inc.labels }).toEqual(
        await expected(inc.id),
      );
      expect(inc).toMatchObject({ status: 'triggered', alertCount: 10, firingCount: 7 });
      // Two new alerts after the recompute: incremental again from the recomputed figures.
      expect((await ingest(t, am, amWebhook('DiskFull', 'firing', [alert(10), alert(11)]))).statusCode).toBe(
        202,
      );
      expect(await processInbox(t.app.opsdeck)).toBe(1);
      const after = await incident();
      expect({ alertCount: after.alertCount, firingCount: after.firingCount, labels: after.labels }).toEqual(
        await expected(after.id),
      );
      expect(after).toMatchObject({ alertCount: 12, firingCount: 9 });
    });
  });
}
