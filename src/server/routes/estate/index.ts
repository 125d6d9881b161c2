import type { FastifyPluginAsync } from 'fastify';

/** Estate hygiene: snapshots, trends, resource explorer, decommission plans. */
export const estateContext: FastifyPluginAsync = async () => {
  // Routes are registered here as the context grows.
};
