import type { Kysely, Migration } from 'kysely';

/** The oncall context: services, routing rules, silences, teams, schedules, escalation policies, runbooks. */
export const oncallMigration: Migration = {
  async up(_db: Kysely<unknown>): Promise<void> {},
  async down(_db: Kysely<unknown>): Promise<void> {},
};
