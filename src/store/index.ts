/**
 * The store: all SQL of opsdeck. Open a database, migrate it, and use the context stores.
 * @example
 * const handle = openDatabase(config.databaseUrl);
 * const store = createStore(handle);
 * await store.migrate();
 * const { generatedPassword } = await ensureAdmin(store, { password: config.adminPassword });
 * ...
 * await handle.close();
 */
export {
  backupSqlite,
  dialectOf,
  isConnectionError,
  openDatabase,
  redactUrl,
  sqliteFileOf,
  type DatabaseHandle,
  type DialectName,
  type OpenDatabaseOptions,
  type SqliteLockWaitCounter,
  type SqliteLockWaits,
} from './dialect.js';
export { migrateToLatest, migrationStatus, type MigrationStatus } from './migrate.js';
export { MIGRATIONS } from './migrations/index.js';
export { createStore, type CreateStoreOptions, type Store, type TransactionStore } from './store.js';
export { ensureAdmin, type EnsureAdminOptions, type EnsureAdminResult } from './bootstrap.js';
export type { User, UserCredentials, NewUser, UserPatch, UsersStore, UsersReader } from './users-store.js';
export type { Session, SessionsStore } from './sessions-store.js';
export type { ApiToken, NewApiToken, TokensStore } from './tokens-store.js';
export type { AuditEntry, AuditPage, AuditStore, ChainVerdict, NewAuditEntry } from './audit-store.js';
export type { LoginAttemptsStore } from './login-attempts-store.js';
export type { Database } from './schema.js';
