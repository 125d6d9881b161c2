import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../src/ops/alert.js';
import { IngestCommitter } from '../src/server/ops/group-commit.js';
import { processInbox } from '../src/server/ops/processor.js';
import type { TransactionStore } from '../src/store/index.js';
import type { AcceptInput } from '../src/store/ops/index.js';
import { testDialects } from './helpers/databases.js';
import { amWebhook, createIntegration, ingest, type TestIntegration } from './helpers/ops.js';
import { buildTestApp, json, type TestApp } from './helpers/server.js';

/**
 * Group commit: concurrent ingest requests share one transaction, each answers only after that
 * commit, repeats across the group are deduplicated when the processor records them, and a
 * failing request fails alone.
 */
const dialects = await testDialects();

function alert(fp: string, summary: string | null = `alert ${fp}`): Alert {
  return {
    source: 'alertmanager',
    fingerprint: fp,
    dedupKey: `alertmanager:${fp}`,
    status: 'firing',
    severity: 'warning',
    summary: summary as string,
    labels: { alertname: 'GroupCommit', instance: fp },
    annotations: {},
    startsAt: '2026-11-27T08:00:00.000Z',
    raw: {},
  };
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`ingest group commit on ${dialect}`, () => {
    // The committer itself is dialect-neutral (tested on both); the route uses it on SQLite.
    let t: TestApp;
    let am: TestIntegration;
    beforeAll(async () => {
      t = await buildTestApp({ dialect });
      const admin = await t.login('admin', t.adminPassword);
      am = await createIntegration(t, admin, 'alertmanager');
    });
    afterAll(async () => t?.close());

    const stored = async (prefix: string): Promise<number> => {
      const rows = await t.store.db
        .selectFrom('ops_alerts')
        .select('dedup_key')
        .where('dedup_key', 'like', `alertmanager:${prefix}%`)
        .execute();
      return rows.length;
    };

    it('answers concurrent requests after one shared commit; the processor deduplicates across them', async () => {
      // 30 requests at once: 25 distinct alerts, 5 repeats of alerts sent in the same burst.
      const fps = Array.from({ length: 25 }, (_, i) => `gc${i.toString().padStart(4, '0')}`);
      const bodies = [...fps, ...fps.slice(0, 5)].map((fp) => amWebhook('GroupCommit', 'firing', [{ fp }]));
      const responses = await Promise.all(bodies.map((b) => ingest(t, am, b)));
      expect(responses.map((r) => r.statusCode)).toEqual(bodies.map(() => 202));
      expect(responses.map((r) => json<{ accepted: number }>(r))).toEqual(
        bodies.map(() => ({ accepted: 1 })),
      );
      // Committed to the inbox, not recorded yet.
      expect(await t.store.ops.inbox.count()).toBe(30);
      expect(await stored('gc')).toBe(0);
      await processInbox(t.app.opsdeck);
      expect(await stored('gc')).toBe(25);
      // The processor records in commit order, so a repeat always sees its first copy.
      const seen = await Promise.all(fps.map((fp) => t.store.ops.alerts.get(`alertmanager:${fp}`)));
      expect(seen.map((a) => a?.seenCount)).toEqual(fps.map((_, i) => (i < 5 ? 2 : 1)));
    });

    it('stores awkward text exactly (quotes, backslashes, braces, commas, NULL, unicode, newlines)', async () => {
      const awkward = [
        'NULL',
        'null',
        '{a,b}',
        'say "hi"',
        'back\\slash',
        'line\nbreak',
        'émoji 🚨',
        '',
        ' , ',
      ];
      const committer = new IngestCommitter(t.store);
      const alerts = awkward.map((text, i): Alert => ({
        ...alert(`awk${i}`, text),
        labels: { alertname: 'Awkward', instance: `awk${i}`, text },
        annotations: { description: text },
        raw: { text },
      }));
      await committer.submit({
        integrationId: am.id,
        receivedAt: new Date().toISOString(),
        source: 'alertmanager',
        alerts,
        acknowledgements: [],
      });
      // The body path too: an Alertmanager webhook with the same text through the route.
      const body = amWebhook(
        'Awkward',
        'firing',
        awkward.map((text, i) => ({
          fp: `awb${i}`,
          labels: { alertname: 'Awkward', instance: `awb${i}`, text },
        })),
      );
      expect((await ingest(t, am, body)).statusCode).toBe(202);
      await processInbox(t.app.opsdeck);
      for (const [i, text] of awkward.entries()) {
        const viaBody = await t.store.ops.alerts.get(`alertmanager:awb${i}`);
        expect(viaBody?.labels['text']).toBe(text);
      }
      for (const [i, text] of awkward.entries()) {
        const stored = await t.store.ops.alerts.get(`alertmanager:awk${i}`);
        expect(stored?.summary).toBe(text);
        expect(stored?.labels['text']).toBe(text);
        expect(stored?.annotations['description']).toBe(text);
      }
    });

    it('keeps an alert with U+0000 in its text (PostgreSQL text cannot hold it) as U+FFFD, and processing goes on', async () => {
      const body = amWebhook('Nul\u0000Name', 'firing', [
        { fp: 'nul1', labels: { alertname: 'Nul\u0000Name', 'key\u0000': 'a\u0000b' } },
        { fp: 'nul2' },
      ]);
      (body['alerts'] as { annotations: Record<string, string> }[])[0]!.annotations = {
        summary: 'disk\u0000full',
      };
      expect((await ingest(t, am, body)).statusCode).toBe(202);
      await processInbox(t.app.opsdeck);
      expect(await t.store.ops.inbox.count()).toBe(0);
      const nul = await t.store.ops.alerts.get('alertmanager:nul1');
      expect(nul?.labels).toEqual({ alertname: 'Nul\uFFFDName', 'key\uFFFD': 'a\uFFFDb' });
      expect(nul?.summary).toBe('disk\uFFFDfull');
      expect(nul?.incidentId).toEqual(expect.any(String));
      expect(await t.store.ops.alerts.get('alertmanager:nul2')).toMatchObject({ status: 'firing' });
    });

    it('stores a burst in one transaction, and a failing request fails alone', async () => {
      let transactions = 0;
      const counting: Pick<TransactionStore, 'ops'> = {
        ops: {
          ...t.store.ops,
          accept: (inputs) => {
            transactions++;
            return t.store.ops.accept(inputs);
          },
        },
      };
      const committer = new IngestCommitter(counting);
      const input = (fp: string, integrationId: string | null = am.id): AcceptInput => ({
        integrationId: integrationId as string,
        receivedAt: new Date().toISOString(),
        source: 'alertmanager',
        alerts: [alert(fp)],
        acknowledgements: [],
      });
      // The first request starts a commit on its own; the next ones queue behind it and share one.
      const burst = Array.from({ length: 20 }, (_, i) => committer.submit(input(`burst${i}`)));
      await Promise.all(burst);
      expect(transactions).toBe(1);
      expect(await t.store.ops.inbox.count()).toBe(20);
      await processInbox(t.app.opsdeck);
      expect(await stored('burst')).toBe(20);

      // An integration id NULL violates NOT NULL: the group's transaction fails, then each is
      // committed alone.
      const mixed = await Promise.allSettled([
        committer.submit(input('mixA')),
        committer.submit(input('mixB')),
        committer.submit(input('mixBad', null)),
        committer.submit(input('mixC')),
      ]);
      expect(mixed.map((m) => m.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect(await t.store.ops.inbox.count()).toBe(3);
      await processInbox(t.app.opsdeck);
      expect(await stored('mix')).toBe(3);
    });
  });
}
