/**
 * Test databases for every dialect: each caller gets its own fresh database (a temp SQLite file,
 * or a new PostgreSQL database `opsdeck_t_<random>` on the server at OPSDECK_TEST_PG_URL) and drops
 * it afterwards. PostgreSQL unreachable: tests fail when CI=true, otherwise they skip with the reason
 * printed once.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createStore, openDatabase, type DatabaseHandle, type Store } from '../../src/store/index.js';

export type TestDialect = 'sqlite' | 'postgres';
export const TEST_DIALECTS: readonly TestDialect[] = ['sqlite', 'postgres'];

export const TEST_PG_URL = process.env['OPSDECK_TEST_PG_URL'] || 'postgres://postgres@127.0.0.1:5432/test';

export interface DialectAvailability {
  dialect: TestDialect;
  available: boolean;
  /** Why the dialect is skipped. */
  reason?: string;
}

let pgProbe: Promise<DialectAvailability> | undefined;

async function probePostgres(): Promise<DialectAvailability> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { dialect: 'postgres', available: true };
  } catch (e) {
    const reason = `PostgreSQL at ${TEST_PG_URL} is unreachable (${(e as Error).message}); set OPSDECK_TEST_PG_URL`;
    if (process.env['CI'] === 'true') throw new Error(`${reason} [CI=true: PostgreSQL tests must run]`);
    console.warn(`skipping PostgreSQL tests: ${reason}`);
    return { dialect: 'postgres', available: false, reason };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether a dialect can be tested here (SQLite always). Throws when CI=true and it cannot. */
export function dialectAvailability(dialect: TestDialect): Promise<DialectAvailability> {
  if (dialect === 'sqlite') return Promise.resolve({ dialect, available: true });
  pgProbe ??= probePostgres();
  return pgProbe;
}

/** Every dialect with its availability, for `describe.each(...)` + `describe.skipIf(!available)`. */
export function testDialects(): Promise<DialectAvailability[]> {
  return Promise.all(TEST_DIALECTS.map((d) => dialectAvailability(d)));
}

export interface TestDatabase {
  dialect: TestDialect;
  /** `sqlite:<temp file>` or `postgres://.../opsdeck_t_<random>`. */
  url: string;
  /** For SQLite: the temp directory holding the file (usable as data_dir). */
  dir: string | undefined;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates a fresh, empty database (no migrations applied). */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-t-'));
    return {
      dialect,
      url: `sqlite:${path.join(dir, 'opsdeck.db')}`,
      dir,
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  const name = `opsdeck_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    dialect,
    url: withDatabase(TEST_PG_URL, name),
    dir: undefined,
    async drop() {
      const c = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface TestStore {
  store: Store;
  handle: DatabaseHandle;
  database: TestDatabase;
  /** Closes the pool and drops the database. */
  close(): Promise<void>;
}

/** A fresh database, opened, migrated, wrapped in a store. */
export async function openTestStore(
  dialect: TestDialect,
  options: Parameters<typeof createStore>[1] = {},
): Promise<TestStore> {
  const database = await createTestDatabase(dialect);
  const handle = openDatabase(database.url, { poolSize: 4 });
  const store = createStore(handle, options);
  await store.migrate();
  return {
    store,
    handle,
    database,
    async close() {
      await handle.close();
      await database.drop();
    },
  };
}
