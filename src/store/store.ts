import { sql, type Kysely } from 'kysely';
import { systemClock, type Clock } from '../core/clock.js';
import { OpsdeckError } from '../core/errors.js';
import { createAuditStore, type AuditStore } from './audit-store.js';
import { createCertsStore, type CertsStore } from './certs/index.js';
import { createEstateStore, type EstateStore } from './estate/index.js';
import { createNotifyStore, type NotifyStore } from './notify/index.js';
import { createOncallStore, type OncallStore } from './oncall/index.js';
import { createOpsStore, type OpsStore } from './ops/index.js';
import type { StoreContext } from './context.js';
import type { DatabaseHandle, DialectName, SqliteLockWaits } from './dialect.js';
import { createLoginAttemptsStore, type LoginAttemptsStore } from './login-attempts-store.js';
import { migrateToLatest, migrationStatus, type MigrationStatus } from './migrate.js';
import type { Database } from './schema.js';
import { createSessionsStore, type SessionsStore } from './sessions-store.js';
import { createTokensStore, type TokensStore } from './tokens-store.js';
import { createUsersStore, type UsersStore } from './users-store.js';

/** The context stores, bound to the pool or to one transaction. */
export interface TransactionStore {
  readonly dialect: DialectName;
  readonly users: UsersStore;
  readonly sessions: SessionsStore;
  readonly tokens: TokensStore;
  readonly audit: AuditStore;
  readonly loginAttempts: LoginAttemptsStore;
  readonly ops: OpsStore;
  readonly oncall: OncallStore;
  readonly notify: NotifyStore;
  readonly estate: EstateStore;
  readonly certs: CertsStore;
  /**
   * Runs `fn` in one database transaction: everything done through `tx` commits together or
   * rolls back when `fn` throws. Inside a transaction, nested calls reuse it.
   * @example
   * await store.transaction(async (tx) => {
   *   const user = await tx.users.update(id, { role: 'engineer' });
   *   await tx.audit.append({ actor, action: 'user.update', target: `user:${id}`, summary, after: user });
   * });
   */
  transaction<T>(fn: (tx: TransactionStore) => Promise<T>): Promise<T>;
}

export interface Store extends TransactionStore {
  /** Resolves when the database answers a trivial query.
   * @throws OpsdeckError OPSDECK_E_DB_UNREACHABLE */
  ping(): Promise<void>;
  migrationStatus(): Promise<MigrationStatus>;
  /** Applies pending migrations; returns the names applied now. */
  migrate(): Promise<string[]>;
  /** The underlying Kysely instance (for tests and tools; application code uses the stores). */
  readonly db: Kysely<Database>;
  /** SQLite: this connection's waits for the write lock (see DatabaseHandle.sqliteLockWaits). */
  readonly sqliteLockWaits?: SqliteLockWaits;
}

export interface CreateStoreOptions {
  clock?: Clock;
}

function bind(ctx: StoreContext): TransactionStore {
  const self: TransactionStore = {
    dialect: ctx.dialect,
    users: createUsersStore(ctx),
    sessions: createSessionsStore(ctx),
    tokens: createTokensStore(ctx),
    audit: createAuditStore(ctx),
    loginAttempts: createLoginAttemptsStore(ctx),
    ops: createOpsStore(ctx),
    oncall: createOncallStore(ctx),
    notify: createNotifyStore(ctx),
    estate: createEstateStore(ctx),
    certs: createCertsStore(ctx),
    transaction: (fn) =>
      ctx.inTransaction
        ? fn(self)
        : ctx.db.transaction().execute((trx) => fn(bind({ ...ctx, db: trx, inTransaction: true }))),
  };
  return self;
}

/** The store over an open database (see `openDatabase`). Closing stays with the handle's owner. */
export function createStore(
  handle: Pick<DatabaseHandle, 'db' | 'dialect' | 'sqlite' | 'sqliteLockWaits' | 'inboxFile'>,
  options: CreateStoreOptions = {},
): Store {
  const ctx: StoreContext = {
    db: handle.db,
    dialect: handle.dialect,
    ...(handle.sqlite && { sqlite: handle.sqlite }),
    ...(handle.inboxFile && { inboxFile: handle.inboxFile }),
    clock: options.clock ?? systemClock,
    inTransaction: false,
  };
  return {
    ...bind(ctx),
    db: handle.db,
    ...(handle.sqliteLockWaits && { sqliteLockWaits: handle.sqliteLockWaits }),
    async ping() {
      try {
        await sql`select 1`.execute(handle.db);
      } catch (e) {
        throw new OpsdeckError(
          'OPSDECK_E_DB_UNREACHABLE',
          `Database is unreachable: ${e instanceof Error ? e.message : String(e)}`,
          [],
          { cause: e },
        );
      }
    },
    migrationStatus: () => migrationStatus(handle.db),
    migrate: () => migrateToLatest(handle.db),
  };
}
