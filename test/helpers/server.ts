/**
 * The real opsdeck app over a real, fresh database (SQLite temp file or a new PostgreSQL
 * database), for in-process tests (`app.inject`) and for browser tests (`startTestServer`).
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { LevelWithSilent, Logger } from 'pino';
import type { Clock } from '../../src/core/clock.js';
import { resolveConfig, type OpsdeckConfig } from '../../src/config/index.js';
import { buildApp } from '../../src/server/app.js';
import { createLogger } from '../../src/server/logging.js';
import {
  createStore,
  ensureAdmin,
  openDatabase,
  type CreateStoreOptions,
  type Store,
} from '../../src/store/index.js';
import { createTestDatabase, openTestStore, type TestDialect } from './databases.js';

export const TEST_ADMIN_PASSWORD = 'admin-password-for-tests-1';

export interface TestAppOptions {
  dialect: TestDialect;
  /** Configuration keys to override (after defaults). */
  config?: Partial<OpsdeckConfig>;
  clock?: Clock;
  logger?: Logger;
  /** Directory of the built dashboard (default: the real web/dist). */
  webDist?: string;
  /** Skip migrations and the admin user (for /readyz tests). */
  bare?: boolean;
  /** Adds routes or hooks to the app before it is made ready. */
  extend?: (app: FastifyInstance) => void;
}

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  config: OpsdeckConfig;
  adminPassword: string;
  /** Logs in through the API and returns the session cookie value. */
  login(username: string, password: string): Promise<string>;
  /** Headers of a cookie-authenticated browser request from the server's own origin. */
  sessionHeaders(cookie: string): Record<string, string>;
  close(): Promise<void>;
}

/** The origin `app.inject()` requests come from (its default Host header). */
export const INJECT_ORIGIN = 'http://localhost:80';

export function testConfig(overrides: Partial<OpsdeckConfig> = {}): OpsdeckConfig {
  return { ...resolveConfig({ env: {}, cwd: process.cwd() }), logLevel: 'silent', ...overrides };
}

/** A store over a fresh database with no migrations applied. */
async function openBareStore(
  dialect: TestDialect,
  options: CreateStoreOptions,
): Promise<{ store: Store; close(): Promise<void> }> {
  const database = await createTestDatabase(dialect);
  const handle = openDatabase(database.url, { poolSize: 4 });
  return {
    store: createStore(handle, options),
    async close() {
      await handle.close();
      await database.drop();
    },
  };
}

export async function buildTestApp(options: TestAppOptions): Promise<TestApp> {
  const storeOptions = options.clock ? { clock: options.clock } : {};
  const opened = options.bare
    ? await openBareStore(options.dialect, storeOptions)
    : await openTestStore(options.dialect, storeOptions);
  const { store } = opened;
  if (!options.bare) await ensureAdmin(store, { password: TEST_ADMIN_PASSWORD });
  const config = testConfig(options.config);
  const app = await buildApp({
    config,
    store,
    logger: options.logger ?? createLogger({ level: 'silent' }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.webDist ? { webDist: options.webDist } : {}),
  });
  try {
    options.extend?.(app);
    await app.ready();
  } catch (e) {
    await app.close();
    await opened.close();
    throw e;
  }
  return {
    app,
    store,
    config,
    adminPassword: TEST_ADMIN_PASSWORD,
    async login(username, password) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password },
      });
      const cookie = res.cookies.find((c) => c.name === 'opsdeck_session');
      if (res.statusCode !== 200 || !cookie) {
        throw new Error(`login as ${username} failed: ${res.statusCode} ${res.body}`);
      }
      return cookie.value;
    },
    sessionHeaders(cookie) {
      return { cookie: `opsdeck_session=${cookie}`, origin: INJECT_ORIGIN };
    },
    async close() {
      await app.close();
      await opened.close();
    },
  };
}

/** A clock tests can move forward; share it between the store and the app. */
export function movableClock(start = new Date()): Clock & { advance(ms: number): void } {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
  };
}

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T;
}

/** A pino logger writing into memory, to assert what the server logs. */
export function captureLogger(level: LevelWithSilent = 'trace'): { logger: Logger; text(): string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ level, destination: sink }), text: () => chunks.join('') };
}

export interface TestServer {
  app: FastifyInstance;
  baseUrl: string;
  store: Store;
  adminPassword: string;
  close(): Promise<void>;
}

/** The app listening on 127.0.0.1 on an ephemeral port, for browser and HTTP-client tests. */
export async function startTestServer(
  options: { dialect: TestDialect } & Omit<TestAppOptions, 'dialect' | 'bare'>,
): Promise<TestServer> {
  const t = await buildTestApp(options);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = t.app.server.address() as AddressInfo;
  return {
    app: t.app,
    baseUrl: `http://127.0.0.1:${port}`,
    store: t.store,
    adminPassword: t.adminPassword,
    close: () => t.close(),
  };
}
