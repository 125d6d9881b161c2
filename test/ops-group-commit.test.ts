import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../src/ops/alert.js';
import { IngestCommitter, type IngestInput } from '../src/server/ops/group-commit.js';
import type { TransactionStore } from '../src/store/index.js';
import { testDialects } from './helpers/databases.js';
import { amWebhook, createIntegration, ingest, type TestIntegration } from './helpers/ops.js';
import { buildTestApp, json, type TestApp } from './helpers/server.js';

/**
 * Group commit: concurrent ingest requests share one transaction, each answers only after that
 * commit, repeats across the group are still deduplicated, and a failing request fails alone.
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

    it('answers concurrent requests after one shared commit, deduplicating across them', async () => {
      // 30 requests at once: 25 distinct alerts, 5 repeats of alerts sent in the same burst.
      const fps = Array.from({ length: 25 }, (_, i) => `gc${i.toString().padStart(4, '0')}`);
      const bodies = [...fps, ...fps.slice(0, 5)].map((fp) => amWebhook('GroupCommit', 'firing', [{ fp }]));
      const responses = await Promise.all(bodies.map((b) => ingest(t, am, b)));
      expect(responses.map((r) => r.statusCode)).toEqual(bodies.map(() => 202));
      const outcomes = responses.map((r) =>
        json<{ accepted: number; duplicates: number; stored: number }>(r),
      );
      const storedSum = outcomes.reduce((n, o) => n + o.stored, 0);
      const duplicateSum = outcomes.reduce((n, o) => n + o.duplicates, 0);
      expect(storedSum + duplicateSum).toBe(30);
      // SQLite groups the burst, so a repeat always sees its first copy. PostgreSQL commits
      // requests in parallel: a repeat racing its first copy may be queued twice (the processor
      // treats it as a duplicate), but the alert is still one row.
      if (dialect === 'sqlite') expect(duplicateSum).toBe(5);
      expect(await stored('gc')).toBe(25);
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
      const outcome = await committer.submit({
        integrationId: am.id,
        receivedAt: new Date().toISOString(),
        source: 'alertmanager',
        alerts,
        acknowledgements: [],
      });
      expect(outcome).toEqual({ accepted: awkward.length, duplicates: 0, stored: awkward.length });
      for (const [i, text] of awkward.entries()) {
        const stored = await t.store.ops.alerts.get(`alertmanager:awk${i}`);
        expect(stored?.summary).toBe(text);
        expect(stored?.labels['text']).toBe(text);
        expect(stored?.annotations['description']).toBe(text);
      }
    });

    it('stores a burst in one transaction, and a failing request fails alone', async () => {
      let transactions = 0;
      const counting: Pick<TransactionStore, 'ops'> = {
        ops: {
          ...t.store.ops,
          ingestMany: (inputs) => {
            transactions++;
            return t.store.ops.ingestMany(inputs);
          },
        },
      };
      const committer = new IngestCommitter(counting);
      const input = (fp: string, summary?: string | null): IngestInput => ({
        integrationId: am.id,
        receivedAt: new Date().toISOString(),
        source: 'alertmanager',
        alerts: [alert(fp, summary)],
        acknowledgements: [],
      });
      // The first request starts a commit on its own; the next ones queue behind it and share one.
      const burst = Array.from({ length: 20 }, (_, i) => committer.submit(input(`burst${i}`)));
      const outcomes = await Promise.all(burst);
      expect(outcomes.every((o) => o.stored === 1)).toBe(true);
      expect(transactions).toBe(1);
      expect(await stored('burst')).toBe(20);

      // summary NULL violates NOT NULL: the group's transaction fails, then each is stored alone.
      const mixed = await Promise.allSettled([
        committer.submit(input('mixA')),
        committer.submit(input('mixB')),
        committer.submit(input('mixBad', null)),
        committer.submit(input('mixC')),
      ]);
      expect(mixed.map((m) => m.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect(await stored('mix')).toBe(3);
    });
  });
}
