import type { Migration, MigrationProvider } from 'kysely';
import { identityMigration } from './0001-identity.js';
import { auditLogMigration } from './0002-audit-log.js';

/** All migrations in order. Names are permanent: never rename or edit an applied migration. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-identity': identityMigration,
  '0002-audit-log': auditLogMigration,
};

/** A static provider (no folder scan), so bundled and compiled builds find every migration. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
