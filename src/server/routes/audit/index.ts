import type { FastifyPluginAsync } from 'fastify';
import { auditRoutes } from './audit-routes.js';

/** The audit log (admin). */
export const auditContext: FastifyPluginAsync = async (app) => {
  await app.register(auditRoutes);
};
