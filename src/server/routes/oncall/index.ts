import type { FastifyPluginAsync } from 'fastify';

/** On-call: services, routing, silences, teams, schedules, escalation policies, runbooks. */
export const oncallContext: FastifyPluginAsync = async () => {
  // Routes are registered here as the context grows.
};
