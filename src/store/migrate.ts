import { Migrator, type Kysely } from 'kysely';
import { OpsdeckError } from '../core/errors.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: migrationProvider });
}

/**
 * Applies every pending migration, in order, each in its own transaction (Kysely's Migrator also
 * takes a lock, so concurrent starts of several replicas are safe). Returns the names applied now.
 * @throws OpsdeckError OPSDECK_E_DB_MIGRATION naming the failed migration.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results = [] } = await migrator(db).migrateToLatest();
  if (error) {
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    const failed = results.find((r) => r.status === 'Error');
    throw new OpsdeckError(
      'OPSDECK_E_DB_MIGRATION',
      `Migration ${failed ? `"${failed.migrationName}" ` : ''}failed: ${reason}`,
      failed ? [{ path: `migration ${failed.migrationName}`, message: reason }] : [],
      { cause: error },
    );
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Which migrations are applied and which are pending (reads only, creates nothing). */
export async function migrationStatus(db: Kysely<Database>): Promise<MigrationStatus> {
  const all = await migrator(db).getMigrations();
  return {
    applied: all.filter((m) => m.executedAt !== undefined).map((m) => m.name),
    pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}
