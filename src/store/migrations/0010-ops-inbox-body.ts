import type { Kysely, Migration } from 'kysely';
import { redactRoutingKeys } from '../../ops/sources/pagerduty.js';

interface Db {
  ops_inbox: { seq: number; body: string | null };
  ops_alerts: { dedup_key: string; source: string; raw: string };
  ops_dead_letters: { id: string; body: string };
}

/**
 * Staged ingestion: an ingest request commits only its body to `ops_inbox.body` (with the source
 * and the headers the normalizer reads in `batch`) before its 202; the incident processor
 * normalizes it again, records the alerts in `ops_alerts` (deduplication, seen counts, the raw
 * JSON) and processes them, in one transaction. Rows written before this migration hold
 * normalized alerts already recorded at ingest and are processed as before.
 *
 * It also removes PagerDuty routing keys (the integration's ingest key, a secret stored otherwise
 * only as its SHA-256) that earlier versions kept in plain text in `ops_alerts.raw` (the event as
 * sent) and in dead letters; from here on they are redacted before anything is stored.
 *
 * Down refuses while staged rows wait: before 0010 the inbox had no way to hold them (their
 * alerts are not in ops_alerts yet). Start the server of this version until the inbox is empty
 * (`opsdeck_ops_inbox_batches` 0), then migrate down.
 */
export const opsInboxBodyMigration: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    await untyped.schema.alterTable('ops_inbox').addColumn('body', 'text').execute();
    const db = untyped as unknown as Kysely<Db>;
    const raws = await db
      .selectFrom('ops_alerts')
      .select(['dedup_key', 'raw'])
      .where('source', '=', 'pagerduty')
      .where('raw', 'like', '%routing_key%')
      .execute();
    for (const r of raws) {
      const raw = redactRoutingKeys(r.raw);
      if (raw !== r.raw)
        await db.updateTable('ops_alerts').set({ raw }).where('dedup_key', '=', r.dedup_key).execute();
    }
    const letters = await db
      .selectFrom('ops_dead_letters')
      .select(['id', 'body'])
      .where('body', 'like', '%routing_key%')
      .execute();
    for (const d of letters) {
      const body = redactRoutingKeys(d.body);
      if (body !== d.body)
        await db.updateTable('ops_dead_letters').set({ body }).where('id', '=', d.id).execute();
    }
  },
  async down(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as unknown as Kysely<Db>;
    const waiting = await db
      .selectFrom('ops_inbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('body', 'is not', null)
      .executeTakeFirst();
    const n = Number(waiting?.n ?? 0);
    if (n > 0)
      throw new Error(
        `0010-ops-inbox-body: ${n} accepted ingest request(s) in ops_inbox are not processed yet; ` +
          'run `opsdeck serve` of this version until the inbox is empty (metric opsdeck_ops_inbox_batches 0), then migrate down',
      );
    await untyped.schema.alterTable('ops_inbox').dropColumn('body').execute();
  },
};
