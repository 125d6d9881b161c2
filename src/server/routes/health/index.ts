import type { FastifyPluginAsync } from 'fastify';
import { healthRoutes } from './health-routes.js';
import { metricsRoute } from './metrics-route.js';

/** Operations endpoints: /healthz, /readyz, /metrics. */
export const healthContext: FastifyPluginAsync = async (app) => {
  await app.register(healthRoutes);
  await app.register(metricsRoute);
};
