import type { FastifyPluginAsync } from 'fastify';

/** Notifications: channels, delivery attempts, signed acknowledge/resolve links; the durable job runner. */
export const notifyContext: FastifyPluginAsync = async () => {
  // Routes are registered here as the context grows.
};
