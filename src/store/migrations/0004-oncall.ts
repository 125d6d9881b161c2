import { sql, type Kysely, type Migration } from 'kysely';

/** The oncall context: services, routing rules, silences, teams, schedules, escalation policies, runbooks. */
export const oncallMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('oncall_teams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('oncall_team_members')
      .addColumn('team_id', 'text', (c) => c.notNull().references('oncall_teams.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('oncall_team_members_pk', ['team_id', 'user_id'])
      .execute();
    await db.schema
      .createIndex('oncall_team_members_user_idx')
      .on('oncall_team_members')
      .column('user_id')
      .execute();

    await db.schema
      .createTable('oncall_escalation_policies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('steps', 'text', (c) => c.notNull())
      .addColumn('repeat', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('ack_timeout_minutes', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('oncall_services')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('team_id', 'text', (c) => c.references('oncall_teams.id'))
      .addColumn('escalation_policy_id', 'text', (c) => c.references('oncall_escalation_policies.id'))
      .addColumn('group_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('oncall_routing_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('service_id', 'text', (c) => c.notNull().references('oncall_services.id'))
      .addColumn('matchers', 'text', (c) => c.notNull())
      .addColumn('severities', 'text')
      .addColumn('sources', 'text')
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .createIndex('oncall_routing_rules_position_idx')
      .on('oncall_routing_rules')
      .column('position')
      .execute();

    await db.schema
      .createTable('oncall_silences')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('matchers', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text')
      .addColumn('ends_at', 'text')
      .addColumn('time_zone', 'text')
      .addColumn('days', 'text')
      .addColumn('start_time', 'text')
      .addColumn('end_time', 'text')
      .addColumn('valid_from', 'text')
      .addColumn('valid_until', 'text')
      .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expired_at', 'text')
      .execute();

    await db.schema
      .createTable('oncall_schedules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('layers', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.references('oncall_teams.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('oncall_schedule_overrides')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('schedule_id', 'text', (c) =>
        c.notNull().references('oncall_schedules.id').onDelete('cascade'),
      )
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('oncall_schedule_overrides_schedule_idx')
      .on('oncall_schedule_overrides')
      .columns(['schedule_id', 'seq'])
      .unique()
      .execute();

    await db.schema
      .createTable('oncall_runbooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('path', 'text', (c) => c.notNull().unique())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('services', 'text', (c) => c.notNull())
      .addColumn('matchers', 'text', (c) => c.notNull())
      .addColumn('last_reviewed', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('oncall_runbook_versions')
      .addColumn('runbook_id', 'text', (c) =>
        c.notNull().references('oncall_runbooks.id').onDelete('cascade'),
      )
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('oncall_runbook_versions_pk', ['runbook_id', 'version'])
      .execute();

    // The default service: where alerts no routing rule matches go (routing.defaultServiceId).
    const now = new Date().toISOString();
    await sql`insert into oncall_services (id, name, description, team_id, escalation_policy_id, group_by, created_at, updated_at)
      values ('default', 'Default', 'Alerts that no routing rule matches', null, null, null, ${now}, ${now})`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const t of [
      'oncall_runbook_versions',
      'oncall_runbooks',
      'oncall_schedule_overrides',
      'oncall_schedules',
      'oncall_silences',
      'oncall_routing_rules',
      'oncall_services',
      'oncall_escalation_policies',
      'oncall_team_members',
      'oncall_teams',
    ]) {
      await db.schema.dropTable(t).execute();
    }
  },
};
