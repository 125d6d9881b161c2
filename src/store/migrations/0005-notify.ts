import type { Kysely, Migration } from 'kysely';

/** The notify context: durable jobs, notification channels and delivery attempts. */
export const notifyMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('key', 'text')
      // The key while the job is pending, NULL otherwise: UNIQUE makes "one pending job per key"
      // (NULLs are distinct on both SQLite and PostgreSQL).
      .addColumn('pending_key', 'text', (c) => c.unique())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('run_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema.createIndex('jobs_status_run_at_idx').on('jobs').columns(['status', 'run_at']).execute();
    await db.schema.createIndex('jobs_key_idx').on('jobs').column('key').execute();

    await db.schema
      .createTable('notify_channels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      // AES-256-GCM of the target (webhook URL or e-mail address): base64url(iv | tag | ciphertext).
      .addColumn('target_enc', 'text', (c) => c.notNull())
      // What may be shown: the host of a URL, a masked address.
      .addColumn('target_hint', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('service_id', 'text')
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('notify_channels_user_id_idx')
      .on('notify_channels')
      .column('user_id')
      .execute();
    await db.schema
      .createIndex('notify_channels_service_id_idx')
      .on('notify_channels')
      .column('service_id')
      .execute();

    await db.schema
      .createTable('notify_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel_id', 'text', (c) => c.references('notify_channels.id').onDelete('set null'))
      .addColumn('channel_type', 'text', (c) => c.notNull())
      .addColumn('incident_id', 'text')
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('last_response', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('notify_deliveries_incident_id_idx')
      .on('notify_deliveries')
      .column('incident_id')
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('notify_deliveries').execute();
    await db.schema.dropTable('notify_channels').execute();
    await db.schema.dropTable('jobs').execute();
  },
};
