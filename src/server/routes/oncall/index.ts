import type { FastifyPluginAsync } from 'fastify';
import { incidentRunbooksRoutes } from './incident-runbooks-routes.js';
import { policiesRoutes } from './policies-routes.js';
import { runbooksRoutes } from './runbooks-routes.js';
import { schedulesRoutes } from './schedules-routes.js';
import { servicesRoutes } from './services-routes.js';
import { silencesRoutes } from './silences-routes.js';
import { teamsRoutes } from './teams-routes.js';

/** On-call: services, routing, silences, teams, schedules, escalation policies, runbooks. */
export const oncallContext: FastifyPluginAsync = async (app) => {
  await app.register(servicesRoutes);
  await app.register(silencesRoutes);
  await app.register(teamsRoutes);
  await app.register(schedulesRoutes);
  await app.register(policiesRoutes);
  await app.register(runbooksRoutes);
  await app.register(incidentRunbooksRoutes);
};
