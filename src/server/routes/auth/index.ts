import type { FastifyPluginAsync } from 'fastify';
import { loginRoute } from './login-route.js';
import { sessionRoutes } from './session-routes.js';

/** Authentication: login, logout, who am I. */
export const authContext: FastifyPluginAsync = async (app) => {
  await app.register(loginRoute);
  await app.register(sessionRoutes);
};
