import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SqliteLockWaits } from '../store/index.js';

/** The Prometheus metrics of one app instance (its own registry, so tests can build many apps). */
export interface ServerMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  loginFailures: Counter<'reason'>;
}

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'opsdeck_' });
  const httpDuration = new Histogram({
    name: 'opsdeck_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route pattern, method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const loginFailures = new Counter({
    name: 'opsdeck_login_failures_total',
    help: 'Failed login attempts, by reason (bad_credentials, disabled, rate_limited)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, loginFailures };
}

/** Observes every response; unmatched URLs share one label so scanners cannot explode cardinality. */
export function installMetricsHooks(app: FastifyInstance, metrics: ServerMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    metrics.httpDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

/** Where a SQLite connection waited for the write lock: the server's, or the incident processor's. */
export type SqliteConnectionName = 'server' | 'incident-processor';

const lockWaitSources = new WeakMap<Registry, Map<SqliteConnectionName, SqliteLockWaits>>();

/**
 * SQLite: how often and how long each connection found the write lock taken by another one and
 * polled for it (metrics `opsdeck_sqlite_lock_waits_total` and
 * `opsdeck_sqlite_lock_wait_seconds_total`, label `connection`). While the server's connection
 * (requests, jobs, ingest group commits) waits, ingest requests wait with it: the share of time
 * spent waiting is what the incident processor's transactions cost ingestion; the processor's
 * share is what ingestion costs incidents. Registered on the first call for a registry.
 */
export function addSqliteLockWaits(
  registry: Registry,
  connection: SqliteConnectionName,
  waits: SqliteLockWaits,
): void {
  let sources = lockWaitSources.get(registry);
  if (!sources) {
    const all = new Map<SqliteConnectionName, SqliteLockWaits>();
    sources = all;
    lockWaitSources.set(registry, all);
    const counter = (name: string, help: string, value: (w: SqliteLockWaits) => number): void => {
      new Counter({
        name,
        help,
        labelNames: ['connection'] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const [c, w] of all) this.inc({ connection: c }, value(w));
        },
      });
    };
    counter(
      'opsdeck_sqlite_lock_waits_total',
      'Statements and transactions of a SQLite connection (server, incident-processor) that found the write lock taken and waited for it',
      (w) => w.waits,
    );
    counter(
      'opsdeck_sqlite_lock_wait_seconds_total',
      'Time a SQLite connection (server, incident-processor) waited for the write lock another connection held',
      (w) => w.seconds,
    );
  }
  sources.set(connection, waits);
}
