import type { Kysely, Migration } from 'kysely';

/** The estate context: estate snapshots, resources, findings, history and decommission plans. */
export const estateMigration: Migration = {
  async up(_db: Kysely<unknown>): Promise<void> {},
  async down(_db: Kysely<unknown>): Promise<void> {},
};
