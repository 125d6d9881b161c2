import type { Kysely, Migration } from 'kysely';

/** The certs context: TLS endpoints to check and their results. */
export const certsMigration: Migration = {
  async up(_db: Kysely<unknown>): Promise<void> {},
  async down(_db: Kysely<unknown>): Promise<void> {},
};
