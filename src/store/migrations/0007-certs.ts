import type { Kysely, Migration } from 'kysely';

/** The certs context: TLS endpoints to check and their results. */
export const certsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('certs_targets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('port', 'integer', (c) => c.notNull())
      // '' when the certificate is checked against `host` itself (no separate SNI name).
      .addColumn('servername', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('added_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      // The newest row of certs_results for this target (set in the transaction that adds it).
      .addColumn('last_result_id', 'text')
      .execute();
    await db.schema
      .createIndex('certs_targets_endpoint_idx')
      .on('certs_targets')
      .columns(['host', 'port', 'servername'])
      .unique()
      .execute();

    await db.schema
      .createTable('certs_results')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('target_id', 'text', (c) => c.notNull().references('certs_targets.id').onDelete('cascade'))
      .addColumn('checked_at', 'text', (c) => c.notNull())
      // expired | critical | warning | notice | ok; NULL when the endpoint could not be checked.
      .addColumn('level', 'text')
      .addColumn('days_to_expiry', 'integer')
      .addColumn('not_after', 'text')
      // ok | invalid (hostname, trust, weak) | error (could not be checked)
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('certs_results_target_checked_idx')
      .on('certs_results')
      .columns(['target_id', 'checked_at'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('certs_results').execute();
    await db.schema.dropTable('certs_targets').execute();
  },
};
