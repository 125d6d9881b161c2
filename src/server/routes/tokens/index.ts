import type { FastifyPluginAsync } from 'fastify';
import { tokensRoutes } from './tokens-routes.js';

/** API tokens. */
export const tokensContext: FastifyPluginAsync = async (app) => {
  await app.register(tokensRoutes);
};
