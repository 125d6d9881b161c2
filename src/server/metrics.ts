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

/**
 * SQLite: how often and how long the server's connection (requests, jobs, ingest group commits)
 * found the write lock taken by another connection, mostly the incident processor's thread, and
 * polled for it. While it waits, ingest requests wait with it: the share of time spent waiting is
 * what a long processor transaction costs ingestion.
 */
export function registerSqliteLockMetrics(registry: Registry, waits: SqliteLockWaits): void {
  new Counter({
    name: 'opsdeck_sqlite_lock_waits_total',
    help: "Statements and transactions of the server's SQLite connection that found the write lock taken and waited for it",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(waits.waits);
    },
  });
  new Counter({
    name: 'opsdeck_sqlite_lock_wait_seconds_total',
    help: "Time the server's SQLite connection waited for the write lock held by another connection (the incident processor's thread, a CLI command)",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(waits.seconds);
    },
  });
}
