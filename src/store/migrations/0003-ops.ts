import type { Kysely, Migration } from 'kysely';

/** The ops context: alerts, ingest inbox, dead letters, integrations, incidents and their timelines. */
export const opsMigration: Migration = {
  async up(_db: Kysely<unknown>): Promise<void> {},
  async down(_db: Kysely<unknown>): Promise<void> {},
};
