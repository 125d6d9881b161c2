import { PostgresAdapter, type Kysely, type Migration } from 'kysely';

/** The ops context: alerts, ingest inbox, dead letters, integrations, incidents and their timelines. */
export const opsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable('ops_integrations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('key_prefix', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('auth_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('resolve_timeout_minutes', 'integer')
      .addColumn('last_received_at', 'text')
      .addColumn('sns_subscription', 'text')
      .execute();

    await db.schema
      .createTable('ops_alerts')
      .addColumn('dedup_key', 'text', (c) => c.primaryKey())
      .addColumn('integration_id', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('annotations', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text')
      .addColumn('source_group_key', 'text')
      .addColumn('generator_url', 'text')
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('seen_count', 'integer', (c) => c.notNull())
      .addColumn('first_received_at', 'text', (c) => c.notNull())
      .addColumn('last_received_at', 'text', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .addColumn('tracked_status', 'text')
      .addColumn('group_key', 'text')
      .addColumn('service_id', 'text')
      .addColumn('incident_id', 'text')
      .addColumn('silenced_by', 'text')
      .addColumn('flapping', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('first_seen', 'text')
      .addColumn('last_seen', 'text')
      .addColumn('changes', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema.createIndex('ops_alerts_group_key_idx').on('ops_alerts').column('group_key').execute();
    await db.schema
      .createIndex('ops_alerts_status_idx')
      .on('ops_alerts')
      .columns(['tracked_status', 'last_seen'])
      .execute();

    await db.schema
      .createTable('ops_inbox')
      .addColumn('seq', pg ? 'serial' : 'integer', (c) =>
        pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('integration_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('batch', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('ops_dead_letters')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('integration_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text')
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('body_bytes', 'integer', (c) => c.notNull())
      .addColumn('truncated', 'integer', (c) => c.notNull())
      .addColumn('error_code', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('ops_dead_letters_integration_idx')
      .on('ops_dead_letters')
      .columns(['integration_id', 'received_at'])
      .execute();

    await db.schema
      .createTable('ops_groups')
      .addColumn('group_key', 'text', (c) => c.primaryKey())
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('episode', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('resolved_at', 'text')
      .addColumn('alert_keys', 'text', (c) => c.notNull())
      .addColumn('incident_id', 'text')
      .execute();

    await db.schema
      .createTable('ops_incidents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'integer', (c) => c.notNull().unique())
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('assignee_id', 'text')
      .addColumn('group_key', 'text', (c) => c.notNull())
      .addColumn('episode', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('acknowledged_at', 'text')
      .addColumn('resolved_at', 'text')
      .addColumn('silenced', 'integer', (c) => c.notNull())
      .addColumn('alert_count', 'integer', (c) => c.notNull())
      .addColumn('firing_count', 'integer', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('ops_incidents_group_episode_uq', ['group_key', 'episode'])
      .execute();
    await db.schema
      .createIndex('ops_incidents_status_idx')
      .on('ops_incidents')
      .columns(['status', 'number'])
      .execute();

    await db.schema
      .createTable('ops_incident_alerts')
      .addColumn('incident_id', 'text', (c) => c.notNull().references('ops_incidents.id').onDelete('cascade'))
      .addColumn('dedup_key', 'text', (c) => c.notNull())
      .addColumn('attached_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ops_incident_alerts_pk', ['incident_id', 'dedup_key'])
      .execute();

    await db.schema
      .createTable('ops_timeline')
      .addColumn('id', pg ? 'serial' : 'integer', (c) =>
        pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('incident_id', 'text', (c) => c.notNull().references('ops_incidents.id').onDelete('cascade'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('entry', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('ops_timeline_incident_idx')
      .on('ops_timeline')
      .columns(['incident_id', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const t of [
      'ops_timeline',
      'ops_incident_alerts',
      'ops_incidents',
      'ops_groups',
      'ops_dead_letters',
      'ops_inbox',
      'ops_alerts',
      'ops_integrations',
    ]) {
      await db.schema.dropTable(t).execute();
    }
  },
};
