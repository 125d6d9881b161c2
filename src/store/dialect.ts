import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type QueryResult,
} from 'kysely';
import pg from 'pg';
import { inboxFileOf, SqliteInboxFile } from './inbox-file.js';
import { OpsdeckError } from '../core/errors.js';
import type { Database } from './schema.js';

/**
 * Everything that differs between SQLite and PostgreSQL lives in this module: connecting,
 * transaction start, the audit append lock and driver error codes.
 */
export type DialectName = 'sqlite' | 'postgres';

/**
 * How often, and how long in all, a SQLite connection's statements found the write lock taken
 * by another connection (the incident processor's thread, a CLI command) and polled for it.
 * Live counters, updated as the waits end.
 */
export interface SqliteLockWaits {
  readonly waits: number;
  readonly seconds: number;
}

/** The connection's own, writable view of its SqliteLockWaits. */
export type SqliteLockWaitCounter = { -readonly [K in keyof SqliteLockWaits]: number };
type LockWaitCounter = SqliteLockWaitCounter;

/** Prepared statements on the SQLite connection itself (cached by SQL text), for hot paths. */
export interface SqliteStatements {
  prepare(sql: string): BetterSqlite3.Statement;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /**
   * SQLite only: the connection under `db`, for statements too hot for a query builder (the
   * ingest upsert). Used only inside a transaction of `db`, which holds the one connection.
   */
  sqlite?: SqliteStatements;
  /** SQLite only: the waits of this connection for the write lock (metric opsdeck_sqlite_lock_wait_*). */
  sqliteLockWaits?: SqliteLockWaits;
  /**
   * SQLite database files only: the ingest inbox file next to it (`<file>.inbox`, opened on first
   * use; see src/store/inbox-file.ts). Absent for `sqlite::memory:` and PostgreSQL, whose inbox is
   * the ops_inbox table.
   */
  inboxFile?: SqliteInboxFile;
  /** For messages: the file, or the URL without its password. */
  location: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Resolves a relative `sqlite:` path. Defaults to the process working directory. */
  cwd?: string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /**
   * SQLite `PRAGMA synchronous` in WAL mode. `normal` (default): a commit survives a crash of the
   * process (no fsync per commit; the WAL is synced at checkpoints), the last commits can be lost
   * on power loss or an OS crash. `full`: the WAL is synced at every commit (about half the
   * single-alert ingest throughput in bench:ingest).
   */
  sqliteSynchronous?: 'normal' | 'full';
  /**
   * SQLite: where to count the connection's waits for the write lock (default a new counter,
   * `DatabaseHandle.sqliteLockWaits`). The incident processor's thread passes one over shared
   * memory, so the server's metrics read it.
   */
  sqliteLockWaits?: SqliteLockWaitCounter;
}

/** How long a SQLite transaction waits for the write lock held by another connection. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * The SQLite connection as Kysely uses it, waiting for the write lock another connection holds
 * (the incident processor's thread, a CLI command) by polling every millisecond. The connection's
 * busy_timeout is 0: SQLite's own busy handler sleeps in the thread, i.e. blocks the server's
 * event loop for the whole wait (a job runner's one-statement UPDATE, in autocommit, stalled the
 * request thread 18 ms a time while the processor committed), while polling lets requests
 * arriving meanwhile be read (and join the next ingest group commit).
 *
 * Only a statement outside a transaction is tried again: SQLITE_BUSY then means it did nothing.
 * Inside one, BEGIN IMMEDIATE already holds the write lock and WAL readers do not wait.
 */
class PollingSqliteConnection implements DatabaseConnection {
  readonly #inner: DatabaseConnection;
  readonly #sqlite: BetterSqlite3.Database;
  readonly #waits: LockWaitCounter;
  constructor(inner: DatabaseConnection, sqlite: BetterSqlite3.Database, waits: LockWaitCounter) {
    this.#inner = inner;
    this.#sqlite = sqlite;
    this.#waits = waits;
  }
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let deadline: number | undefined;
    let waitStart: number | undefined;
    try {
      for (;;) {
        try {
          return await this.#inner.executeQuery<R>(query);
        } catch (e) {
          if ((e as { code?: unknown }).code !== 'SQLITE_BUSY' || this.#sqlite.inTransaction) throw e;
          deadline ??= Date.now() + SQLITE_BUSY_TIMEOUT_MS;
          waitStart ??= performance.now();
          if (Date.now() >= deadline) throw e;
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    } finally {
      if (waitStart !== undefined) {
        this.#waits.waits++;
        this.#waits.seconds += (performance.now() - waitStart) / 1000;
      }
    }
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.#inner.streamQuery<R>(query, chunkSize);
  }
}

/**
 * Every SQLite transaction starts with BEGIN IMMEDIATE: it takes the write lock up front, so a
 * read-then-write transaction (the audit append) cannot be overtaken by another process. Waiting
 * for the lock polls (PollingSqliteConnection).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #sqlite: BetterSqlite3.Database;
  readonly #waits: LockWaitCounter;
  #connection: PollingSqliteConnection | undefined;
  constructor(config: SqliteDialectConfig, sqlite: BetterSqlite3.Database, waits: LockWaitCounter) {
    super(config);
    this.#sqlite = sqlite;
    this.#waits = waits;
  }
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    return (this.#connection ??= new PollingSqliteConnection(connection, this.#sqlite, this.#waits));
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * WAL pages between the connection's own checkpoints (1,000 by default): a page written by many
 * transactions in between goes to the database file once. While a server listens, a thread copies
 * the frames in between (src/store/sqlite-checkpointer.ts), so these checkpoints only finish.
 */
export const SQLITE_WAL_AUTOCHECKPOINT = 4000;

type SqliteDialectConfig = ConstructorParameters<typeof SqliteDialect>[0];

/** Prepared statements kept per connection (LRU, keyed by SQL text). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The database as Kysely sees it, with a statement cache: Kysely prepares every query it runs,
 * and better-sqlite3 compiles the SQL each time (a third of the processor's CPU in
 * bench:ingest). Kysely produces the same SQL text for the same query shape with parameters
 * bound separately, so a statement is reused. A statement still iterating (a streamed query) is
 * busy and cannot be shared: that call gets a fresh one.
 */
export function cachingSqliteDatabase(
  sqlite: BetterSqlite3.Database,
  size: number = STATEMENT_CACHE_SIZE,
): { close(): void; prepare(sql: string): BetterSqlite3.Statement } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(source: string): BetterSqlite3.Statement {
      const hit = cache.get(source);
      if (hit && !hit.busy) {
        cache.delete(source);
        cache.set(source, hit);
        return hit;
      }
      const stmt = sqlite.prepare(source);
      if (hit) return stmt;
      cache.set(source, stmt);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
      return stmt;
    },
  };
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #sqlite: BetterSqlite3.Database;
  readonly #waits: LockWaitCounter;
  constructor(config: SqliteDialectConfig, sqlite: BetterSqlite3.Database, waits: LockWaitCounter) {
    super(config);
    this.#config = config;
    this.#sqlite = sqlite;
    this.#waits = waits;
  }
  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.#config, this.#sqlite, this.#waits);
  }
}

export function dialectOf(url: string): DialectName | undefined {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgres';
  return undefined;
}

/** The file path of a `sqlite:` URL (`sqlite:/abs`, `sqlite:rel`, `sqlite:///abs`, `sqlite::memory:`). */
export function sqliteFileOf(url: string, cwd: string = process.cwd()): string {
  const rest = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  if (rest === ':memory:') return rest;
  return path.resolve(cwd, rest);
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}

function openSqlite(url: string, options: OpenDatabaseOptions): DatabaseHandle {
  const file = sqliteFileOf(url, options.cwd);
  if (file !== ':memory:') {
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      closeSync(openSync(file, 'a', 0o600));
      chmodSync(file, 0o600);
    } catch (e) {
      throw new OpsdeckError('OPSDECK_E_DB_UNREACHABLE', `Cannot create the SQLite database ${file}`, [
        { path: file, message: (e as Error).message },
      ]);
    }
  }
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // Kysely's statements wait for the lock by polling (PollingSqliteConnection), not in SQLite.
  sqlite.pragma('busy_timeout = 0');
  sqlite.pragma(`synchronous = ${options.sqliteSynchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  // A 64 MiB page cache (the default is 2 MiB): ingestion and the incident processor touch the
  // same hot pages (alerts, inbox, indexes) every transaction; re-reading them cost commit time.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma(`wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT}`);
  const statements = cachingSqliteDatabase(sqlite);
  const waits: LockWaitCounter = options.sqliteLockWaits ?? { waits: 0, seconds: 0 };
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: statements }, sqlite, waits),
  });
  const inboxFile =
    file === ':memory:' ? undefined : new SqliteInboxFile(file, options.sqliteSynchronous ?? 'normal', waits);
  return {
    db,
    dialect: 'sqlite',
    sqlite: statements,
    sqliteLockWaits: waits,
    ...(inboxFile && { inboxFile }),
    location: file,
    close: async () => {
      await db.destroy();
      inboxFile?.close();
    },
  };
}

/**
 * Marks a hot statement PostgreSQL keeps prepared on each connection: a statement whose SQL text
 * starts with it is sent as a named prepared statement, parsed and planned once per connection
 * instead of at every execution (the ingest group commit, the processor's alert upsert: constant
 * texts with one JSON parameter). Only for texts that do not vary with their values.
 */
export const POSTGRES_PREPARED = '/* prepared */ ';

/** Sends the statements marked with POSTGRES_PREPARED of a pool client as named statements. */
function prepareMarkedStatements(client: pg.PoolClient, names: Map<string, string>): void {
  const query = client.query.bind(client) as (text: unknown, values?: unknown) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown): unknown => {
    if (typeof text !== 'string' || !text.startsWith(POSTGRES_PREPARED)) return query(text, values);
    let name = names.get(text);
    if (name === undefined) {
      name = `opsdeck_${names.size + 1}`;
      names.set(text, name);
    }
    return query({ name, text, values });
  };
}

function openPostgres(url: string, options: OpenDatabaseOptions): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  // Statement names of this pool (pg prepares a name on a connection at its first use there).
  const names = new Map<string, string>();
  pool.on('connect', (client) => prepareMarkedStatements(client, names));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', location: redactUrl(url), close: () => db.destroy() };
}

/**
 * Opens the database named by a URL: `sqlite:<file>` (WAL, foreign keys on, a wait of up to 5 s for another connection's write lock,
 * file created with mode 0600) or `postgres://` / `postgresql://` (a pg pool).
 * Opening does not prove the server is reachable; call `store.ping()` for that.
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): DatabaseHandle {
  const dialect = dialectOf(url);
  if (dialect === 'sqlite') return openSqlite(url, options);
  if (dialect === 'postgres') return openPostgres(url, options);
  throw new OpsdeckError('OPSDECK_E_CONFIG_INVALID', `Unsupported database URL: ${redactUrl(url)}`, [
    { path: 'database_url', message: 'must be sqlite:<file>, postgres://... or postgresql://...' },
  ]);
}

/** Arbitrary constant identifying the audit-log append lock among PostgreSQL advisory locks. */
export const AUDIT_APPEND_LOCK = 0x6f70_6175; // "opau"

/**
 * Serialises audit appends. Call inside the transaction, before reading the chain head.
 * SQLite: the transaction already holds the write lock (BEGIN IMMEDIATE), nothing to do.
 */
export async function lockAuditAppend(trx: Kysely<Database>, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_APPEND_LOCK)})`.execute(trx);
}

/** True for a UNIQUE constraint violation on either driver. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** True for a foreign key violation on either driver. */
export function isForeignKeyViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** True when the error means the database server/file could not be reached. */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'SQLITE_CANTOPEN'].includes(
      code,
    ) ||
      code === '3D000' ||
      code === '28P01' ||
      code === '28000')
  );
}

/**
 * True when the error says nothing about the statement's data: the database was unreachable,
 * busy, out of resources or shutting down, or the transaction lost a serialization or deadlock
 * race. Running the same work again later may succeed.
 */
export function isTransientDatabaseError(e: unknown): boolean {
  if (isConnectionError(e)) return true;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  // PostgreSQL SQLSTATE: 08 connection, 40 transaction rollback, 53 resources, 57 operator
  // intervention (shutdown, cancel), 58 system error.
  if (/^(08|40|53|57|58)[0-9A-Z]{3}$/.test(code)) return true;
  return /^SQLITE_(BUSY|LOCKED|IOERR|FULL|NOMEM|READONLY|CORRUPT|NOTADB|PROTOCOL|INTERRUPT)/.test(code);
}

/**
 * Online backup of a SQLite database to `destination` (a consistent snapshot even while the
 * server writes; WAL content included), then of its ingest inbox file, when it has one, to
 * `<destination>.inbox`. The database first: the file copied after it holds every request the
 * copy counts as processed or pending (a request leaves the file only after the database records
 * it processed). The copies get mode 0600.
 * @throws OpsdeckError OPSDECK_E_CONFLICT when a destination exists, OPSDECK_E_IO on failure.
 */
export async function backupSqlite(
  url: string,
  destination: string,
  cwd?: string,
): Promise<{ pages: number; inbox?: { file: string; pages: number } }> {
  const file = sqliteFileOf(url, cwd);
  const inboxSource = inboxFileOf(file);
  const inboxDestination = inboxFileOf(destination);
  for (const d of existsSync(inboxSource) ? [destination, inboxDestination] : [destination]) {
    if (existsSync(d)) {
      throw new OpsdeckError('OPSDECK_E_CONFLICT', `Backup destination ${d} already exists`, [
        { path: d, message: 'choose a new file name; backups never overwrite' },
      ]);
    }
  }
  const pages = await backupFile(file, destination);
  if (!existsSync(inboxSource)) return { pages };
  return { pages, inbox: { file: inboxDestination, pages: await backupFile(inboxSource, inboxDestination) } };
}

async function backupFile(file: string, destination: string): Promise<number> {
  let source: BetterSqlite3.Database | undefined;
  try {
    source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    source.pragma('busy_timeout = 5000');
    const { totalPages } = await source.backup(destination);
    chmodSync(destination, 0o600);
    return totalPages;
  } catch (e) {
    throw new OpsdeckError(
      'OPSDECK_E_IO',
      `Backup of ${file} to ${destination} failed: ${(e as Error).message}`,
      [],
      {
        cause: e,
      },
    );
  } finally {
    source?.close();
  }
}
