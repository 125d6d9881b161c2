import type { FastifyPluginAsync } from 'fastify';
import { estateRoutes } from './estate-routes.js';
import { loadAnalysisInputs } from './inputs.js';
import { plansRoutes } from './plans-routes.js';

/** Estate hygiene: snapshots, trends, resource explorer, decommission plans. */
export const estateContext: FastifyPluginAsync = async (app) => {
  // Price catalog, tag policy and ignore list: read once, a bad configured file fails start-up.
  const inputs = await loadAnalysisInputs(app.opsdeck.config);
  await app.register(estateRoutes, { inputs });
  await app.register(plansRoutes);
};
