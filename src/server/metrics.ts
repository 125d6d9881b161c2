import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
