import type { FastifyPluginAsync } from 'fastify';

/** Alerts and incidents: ingestion (one route per source), incidents, integrations. */
export const opsContext: FastifyPluginAsync = async () => {
  // Routes are registered here as the context grows.
};
