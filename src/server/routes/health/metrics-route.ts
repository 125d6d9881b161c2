import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

/** GET /metrics: Prometheus text format. Public only when `metrics.public` is configured. */
export const metricsRoute: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { config, metrics } = app.opsdeck;
  app.get(
    '/metrics',
    {
      config: { permission: config.metrics.public ? 'public' : 'metrics:read' },
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (process, HTTP durations, login failures, ingestion, SQLite lock waits)',
        produces: ['text/plain'],
        response: { 200: Type.String({ description: 'Prometheus text exposition format' }) },
      },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
  done();
};
