import type { Kysely, Migration } from 'kysely';

/**
 * A group is found by its incident when someone resolves or reopens the incident (the group
 * closes or opens with it: `setIncidentGroupOpen`).
 */
export const opsGroupsIncidentMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('ops_groups_incident_idx').on('ops_groups').column('incident_id').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('ops_groups_incident_idx').execute();
  },
};
