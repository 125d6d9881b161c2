import type { FastifyPluginAsync } from 'fastify';
import { jobRunnerTask } from '../../jobs/runner.js';
import { DELIVER_JOB, handleDeliver } from '../../notify/deliver.js';
import {
  ESCALATION_TICK_JOB,
  INCIDENT_CHANGED_JOB,
  handleEscalationTick,
  handleIncidentChanged,
} from '../../notify/escalation.js';
import { channelsRoutes } from './channels-routes.js';
import { linksRoutes, signedLinkVerifier } from './links-routes.js';

/** Notifications: channels, delivery attempts, signed acknowledge/resolve links; the durable job runner. */
export const notifyContext: FastifyPluginAsync = async (app) => {
  const ctx = app.opsdeck;
  ctx.jobHandlers.set(INCIDENT_CHANGED_JOB, handleIncidentChanged);
  ctx.jobHandlers.set(ESCALATION_TICK_JOB, handleEscalationTick);
  ctx.jobHandlers.set(DELIVER_JOB, handleDeliver);
  ctx.verifiers.signedLink = signedLinkVerifier(ctx);
  ctx.background.add(jobRunnerTask(ctx, { logger: app.log }));
  await app.register(channelsRoutes);
  await app.register(linksRoutes);
};
