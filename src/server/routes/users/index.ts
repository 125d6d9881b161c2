import type { FastifyPluginAsync } from 'fastify';
import { usersRoutes } from './users-routes.js';

/** User administration (admin). */
export const usersContext: FastifyPluginAsync = async (app) => {
  await app.register(usersRoutes);
};
