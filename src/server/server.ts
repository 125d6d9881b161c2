import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { OpsdeckConfig } from '../config/index.js';
import { createStore, ensureAdmin, openDatabase, type Store } from '../store/index.js';
import { startSqliteCheckpointer } from '../store/sqlite-checkpointer.js';
import { buildApp } from './app.js';
import { createLogger } from './logging.js';

/** Expired sessions and old failed-login records are removed this often. */
const HOUSEKEEPING_INTERVAL_MS = 15 * 60_000;
/** In-flight requests get this long to finish after SIGTERM before the database is closed. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface StartServerOptions {
  /** Where the one-time generated admin password is printed (the terminal, not the log). */
  stdout?: Writable;
  /** Working directory for relative `sqlite:` paths. */
  cwd?: string;
  /** Install SIGTERM/SIGINT handlers (default true). */
  handleSignals?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  /** `http(s)://host:port` as bound (the real port when 0 was asked). */
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, closes the database. */
  close(): Promise<void>;
  /** Resolves once the server has shut down (after a signal or `close()`). */
  closed: Promise<void>;
}

/**
 * Opens the database, applies migrations, ensures the first admin, and listens. On SIGTERM or
 * SIGINT it shuts down gracefully.
 */
export async function startServer(
  config: OpsdeckConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const logger = createLogger({ level: config.logLevel });
  const stdout = options.stdout ?? process.stdout;
  const handle = openDatabase(config.databaseUrl, {
    ...(options.cwd && { cwd: options.cwd }),
    sqliteSynchronous: config.sqliteSynchronous,
  });
  let store: Store;
  let app: FastifyInstance;
  try {
    store = createStore(handle);
    await store.ping();
    const applied = await store.migrate();
    logger.info({ database: handle.location, dialect: handle.dialect, applied }, 'database ready');
    const admin = await ensureAdmin(store, { password: config.adminPassword });
    if (admin.created) logger.info({ username: admin.created.username }, 'created the first admin user');
    if (admin.generatedPassword !== undefined) {
      stdout.write(
        `\nopsdeck: created user "admin" with the generated password:\n\n    ${admin.generatedPassword}\n\n` +
          'It is shown only this once. Log in and change it (Settings > Users).\n\n',
      );
    }
    app = await buildApp({
      config,
      store,
      logger,
      // The incident processor gets its own thread and connection where another thread can open
      // the database (not an in-memory SQLite database).
      ...(handle.location !== ':memory:' && {
        processorThread: {
          databaseUrl: handle.dialect === 'sqlite' ? `sqlite:${handle.location}` : config.databaseUrl,
          sqliteSynchronous: config.sqliteSynchronous,
          logLevel: config.logLevel,
        },
      }),
    });
    if (handle.dialect === 'sqlite' && handle.location !== ':memory:') {
      const file = handle.location;
      app.opsdeck.background.add({
        name: 'sqlite-checkpoint',
        start() {
          const checkpointer = startSqliteCheckpointer(file, logger);
          return () => checkpointer.stop();
        },
      });
    }
    await app.listen({ host: config.host, port: config.port });
    app.opsdeck.background.startAll(logger);
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw e;
  }

  const housekeeping = setInterval(() => {
    const windowMs = config.loginRateLimit.windowMinutes * 60_000;
    Promise.all([store.sessions.deleteExpired(), store.loginAttempts.prune(windowMs)]).then(
      ([sessions, attempts]) => logger.debug({ sessions, attempts }, 'housekeeping'),
      (e: unknown) => logger.warn({ err: e }, 'housekeeping failed'),
    );
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();

  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(housekeeping);
      const grace = setTimeout(() => {
        logger.warn('requests still running after the grace period; closing connections');
        app.server.closeAllConnections();
      }, SHUTDOWN_GRACE_MS);
      grace.unref();
      try {
        await app.opsdeck.background.stopAll(logger);
        await app.close();
      } finally {
        clearTimeout(grace);
        await handle.close();
        logger.info('opsdeck stopped');
        resolveClosed();
      }
    })();
    return closing;
  };

  if (options.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'shutting down');
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      close().catch((e: unknown) => logger.error({ err: e }, 'shutdown failed'));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
  logger.info({ url }, 'opsdeck listening');
  return { app, store, url, close, closed };
}
