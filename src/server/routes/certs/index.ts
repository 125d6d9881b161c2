import type { FastifyPluginAsync } from 'fastify';

/** Certificates: TLS endpoint checks and their schedule. */
export const certsContext: FastifyPluginAsync = async () => {
  // Routes are registered here as the context grows.
};
