import type { Kysely, Migration } from 'kysely';

/** The notify context: durable jobs, notification channels and delivery attempts. */
export const notifyMigration: Migration = {
  async up(_db: Kysely<unknown>): Promise<void> {},
  async down(_db: Kysely<unknown>): Promise<void> {},
};
