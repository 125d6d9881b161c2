import { sql, type Kysely, type Migration } from 'kysely';

/** Floating point on both dialects (REAL affinity on SQLite, float8 on PostgreSQL). */
const double = sql`double precision`;

/**
 * The estate context: one row per pushed snapshot with the figures trends are drawn from, the
 * snapshot's live resources and findings (cascade-deleted with it), and decommission plans.
 */
export const estateMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('estate_snapshots')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('taken_at', 'text', (c) => c.notNull())
      .addColumn('imported_at', 'text', (c) => c.notNull())
      .addColumn('imported_by', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('files', 'integer', (c) => c.notNull())
      .addColumn('resources', 'integer', (c) => c.notNull())
      .addColumn('state_instances', 'integer', (c) => c.notNull())
      .addColumn('metric_series', 'integer', (c) => c.notNull())
      .addColumn('cost_rows', 'integer', (c) => c.notNull())
      .addColumn('diagnostics', 'integer', (c) => c.notNull())
      .addColumn('coverage_pct', double)
      .addColumn('managed', 'integer', (c) => c.notNull())
      .addColumn('unmanaged', 'integer', (c) => c.notNull())
      .addColumn('missing', 'integer', (c) => c.notNull())
      .addColumn('ignored', 'integer', (c) => c.notNull())
      .addColumn('drifted', 'integer', (c) => c.notNull())
      .addColumn('tag_compliance_pct', double, (c) => c.notNull())
      .addColumn('tag_spend_compliance_pct', double)
      .addColumn('non_compliant', 'integer', (c) => c.notNull())
      .addColumn('waste_findings', 'integer', (c) => c.notNull())
      .addColumn('waste_monthly', double, (c) => c.notNull())
      .addColumn('waste_by_category', 'text', (c) => c.notNull())
      .addColumn('rightsizing_findings', 'integer', (c) => c.notNull())
      .addColumn('rightsizing_monthly', double, (c) => c.notNull())
      .addColumn('cost_total', double)
      .addColumn('cost_currency', 'text')
      .addColumn('untagged_cost_pct', double)
      .addColumn('cost_by_owner', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('estate_snapshots_taken_at_idx')
      .on('estate_snapshots')
      .columns(['taken_at', 'imported_at'])
      .execute();

    await db.schema
      .createTable('estate_resources')
      .addColumn('snapshot_id', 'text', (c) =>
        c.notNull().references('estate_snapshots.id').onDelete('cascade'),
      )
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('account', 'text')
      .addColumn('region', 'text')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text', (c) => c.notNull())
      .addColumn('arn', 'text')
      .addColumn('name', 'text')
      .addColumn('state', 'text')
      .addColumn('created_at', 'text')
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('coverage', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('drift', 'text')
      .addColumn('compliant', 'integer', (c) => c.notNull())
      .addColumn('tag_missing', 'text')
      .addColumn('tag_bad', 'text')
      .addColumn('remediation', 'text')
      .addColumn('owner', 'text')
      .addColumn('monthly_cost', double)
      .addColumn('billed_cost', double)
      .addColumn('findings', 'integer', (c) => c.notNull())
      .addColumn('search', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('estate_resources_pk', ['snapshot_id', 'key'])
      .execute();
    await db.schema.createIndex('estate_resources_key_idx').on('estate_resources').column('key').execute();

    await db.schema
      .createTable('estate_findings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('snapshot_id', 'text', (c) =>
        c.notNull().references('estate_snapshots.id').onDelete('cascade'),
      )
      .addColumn('resource_key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('monthly_cost', double)
      .addColumn('monthly_saving', double)
      .addColumn('evidence', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('estate_findings_snapshot_idx')
      .on('estate_findings')
      .columns(['snapshot_id', 'kind', 'category'])
      .execute();
    await db.schema
      .createIndex('estate_findings_resource_idx')
      .on('estate_findings')
      .columns(['resource_key', 'snapshot_id'])
      .execute();

    await db.schema
      .createTable('estate_plans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'integer', (c) => c.notNull().unique())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('snapshot_id', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text', (c) => c.notNull())
      .addColumn('author_name', 'text', (c) => c.notNull())
      .addColumn('decided_by_id', 'text')
      .addColumn('decided_by_name', 'text')
      .addColumn('decision_note', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text')
      .addColumn('completed_at', 'text')
      .addColumn('monthly_saving', double, (c) => c.notNull())
      .addColumn('owners', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('rollback', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('estate_plans_status_idx').on('estate_plans').column('status').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('estate_plans').execute();
    await db.schema.dropTable('estate_findings').execute();
    await db.schema.dropTable('estate_resources').execute();
    await db.schema.dropTable('estate_snapshots').execute();
  },
};
