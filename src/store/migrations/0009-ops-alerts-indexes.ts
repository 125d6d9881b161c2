import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Fewer index writes per ingested alert. Ingestion inserts an alert with the processor's columns
 * empty, and every index entry written then is rewritten when the processor fills them in:
 * - `ops_alerts_group_key_idx` is dropped: no query reads ops_alerts by group since 0008
 *   (membership is in ops_group_members).
 * - `ops_alerts_status_idx` (tracked_status, last_seen) becomes partial, `WHERE tracked_status IS
 *   NOT NULL`: the alerts the processor has not seen yet are not in it. Its readers compare
 *   tracked_status (`= 'firing'`, `IS NOT NULL`), which both databases prove implies the predicate.
 */
export const opsAlertsIndexesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('ops_alerts_group_key_idx').execute();
    await db.schema.dropIndex('ops_alerts_status_idx').execute();
    await db.schema
      .createIndex('ops_alerts_status_idx')
      .on('ops_alerts')
      .columns(['tracked_status', 'last_seen'])
      .where(sql.ref('tracked_status'), 'is not', null)
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('ops_alerts_status_idx').execute();
    await db.schema
      .createIndex('ops_alerts_status_idx')
      .on('ops_alerts')
      .columns(['tracked_status', 'last_seen'])
      .execute();
    await db.schema.createIndex('ops_alerts_group_key_idx').on('ops_alerts').column('group_key').execute();
  },
};
