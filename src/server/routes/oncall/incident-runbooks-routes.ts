import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { isStale, matchRunbooks } from '../../../ops/runbooks.js';
import type { RunbookRecord } from '../../../store/oncall/index.js';
import { IdParams, errorResponses } from '../../schemas.js';
import { ListOf, notFound } from './common.js';
import { RunbookView } from './runbooks-routes.js';

/** GET /api/incidents/:id/runbooks: the runbooks attached to an incident by its alerts' labels or its service. */
export const incidentRunbooksRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store, clock } = app.opsdeck;
  const tags = ['oncall'];
  const view = (r: RunbookRecord) => ({ ...r, stale: isStale(r, clock.now()) });

  app.get(
    '/api/incidents/:id/runbooks',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary:
          "Runbooks matching the incident's alerts (label matchers) or its service, with the stale flag",
        params: IdParams,
        response: {
          200: ListOf(
            Type.Object({
              runbook: RunbookView,
              content: Type.String(),
              alerts: Type.Array(Type.String(), { description: 'Dedup keys of the alerts it matched' }),
            }),
          ),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const incident = await store.ops.incidents.get(request.params.id);
      if (!incident) throw notFound('incident', request.params.id);
      const [alerts, runbooks] = await Promise.all([
        store.ops.alertsOf(incident.id),
        store.oncall.runbooks.engineRunbooks(),
      ]);
      const byPath = new Map(runbooks.map((r) => [r.record.path, r.record]));
      const matches = matchRunbooks(
        runbooks.map((r) => r.runbook),
        alerts,
        incident.serviceId,
      );
      return {
        items: matches.flatMap((m) => {
          const record = byPath.get(m.runbook.path);
          return record ? [{ runbook: view(record), content: m.runbook.body, alerts: m.alerts }] : [];
        }),
      };
    },
  );

  done();
};
