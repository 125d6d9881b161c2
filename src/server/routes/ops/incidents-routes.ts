import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';
import { incidentMetrics, serviceMetrics, type Incident } from '../../../ops/incident.js';
import type { IncidentRecord } from '../../../store/ops/index.js';
import { callerOf } from '../../auth/guard.js';
import { applyIncidentAction, type IncidentAction } from '../../ops/incident-actions.js';
import { IdParams, errorResponses } from '../../schemas.js';
import { AlertView, IncidentView, SeverityIn, alertView, incidentView } from './views.js';

const StatusIn = Type.Union([
  Type.Literal('triggered'),
  Type.Literal('acknowledged'),
  Type.Literal('resolved'),
]);
const ListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([StatusIn, Type.Literal('open')], { description: '`open`: triggered or acknowledged' }),
    ),
    serviceId: Type.Optional(Type.String({ maxLength: 100 })),
    severity: Type.Optional(SeverityIn),
    cursor: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,12}$', description: 'nextCursor of the previous page' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
const AlertsQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('resolved')])),
    serviceId: Type.Optional(Type.String({ maxLength: 100 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);
const MetricsQuery = Type.Object(
  {
    since: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Incidents created at or after (default: 30 days ago)',
      }),
    ),
  },
  { additionalProperties: false },
);
const Reason = Type.Optional(Type.String({ minLength: 1, maxLength: 2000 }));
const TimelineEntryView = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  additionalProperties: true,
  description: 'One entry of src/ops/incident.ts TimelineEntry: at, kind and the fields of that kind',
});
const IncidentMetricsView = Type.Object({
  ttaSeconds: Type.Union([Type.Number(), Type.Null()]),
  ttrSeconds: Type.Union([Type.Number(), Type.Null()]),
});
const ServiceMetricsView = Type.Object({
  serviceId: Type.String(),
  incidents: Type.Integer(),
  acknowledged: Type.Integer(),
  resolved: Type.Integer(),
  mttaSeconds: Type.Union([Type.Number(), Type.Null()]),
  mttrSeconds: Type.Union([Type.Number(), Type.Null()]),
  medianTtaSeconds: Type.Union([Type.Number(), Type.Null()]),
  medianTtrSeconds: Type.Union([Type.Number(), Type.Null()]),
});
const IncidentResponse = Type.Object({ incident: IncidentView });
const conflict = { 409: Type.Ref('ErrorResponse') } as const;

const secs = (ms: number | undefined): number | null => (ms === undefined ? null : ms / 1000);

/** Incidents, alerts and MTTA/MTTR; every change goes through applyIncidentAction (audited). */
export const incidentsRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const ctx = app.opsdeck;
  const { store } = ctx;

  const engineIncident = (r: IncidentRecord, timeline: Incident['timeline']): Incident => ({
    id: r.id,
    serviceId: r.serviceId,
    title: r.title,
    severity: r.severity,
    status: r.status,
    createdAt: r.createdAt,
    timeline,
  });

  app.get(
    '/api/incidents',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags: ['incidents'],
        summary: 'List incidents, newest first, with filters and a cursor',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(IncidentView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 50;
      const items = await store.ops.incidents.list({
        ...(q.status !== undefined && {
          status: q.status === 'open' ? ['triggered', 'acknowledged'] : [q.status],
        }),
        ...(q.serviceId !== undefined && { serviceId: q.serviceId }),
        ...(q.severity !== undefined && { severity: [q.severity] }),
        ...(q.cursor !== undefined && { beforeNumber: Number(q.cursor) }),
        limit: limit + 1,
      });
      const page = items.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map(incidentView),
        nextCursor: items.length > limit && last ? String(last.number) : null,
      };
    },
  );

  app.get(
    '/api/incidents/metrics',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags: ['incidents'],
        summary: 'MTTA and MTTR per service and overall, over incidents created since a time',
        querystring: MetricsQuery,
        response: {
          200: Type.Object({
            since: Type.String(),
            overall: ServiceMetricsView,
            services: Type.Array(ServiceMetricsView),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const since =
        request.query.since ?? new Date(ctx.clock.now().getTime() - 30 * 86_400_000).toISOString();
      const sinceIso = new Date(since).toISOString();
      const list = await store.ops.incidents.list({ createdSince: sinceIso, limit: 100_000 });
      const timelines = await store.ops.timeline.listMany(list.map((i) => i.id));
      const engine = list.map((i) => engineIncident(i, timelines.get(i.id) ?? []));
      const view = (m: ReturnType<typeof serviceMetrics>[number]) => ({
        serviceId: m.serviceId,
        incidents: m.incidents,
        acknowledged: m.acknowledged,
        resolved: m.resolved,
        mttaSeconds: secs(m.mttaMs),
        mttrSeconds: secs(m.mttrMs),
        medianTtaSeconds: secs(m.medianTtaMs),
        medianTtrSeconds: secs(m.medianTtrMs),
      });
      const overall = serviceMetrics(engine.map((i) => ({ ...i, serviceId: '*' })))[0] ?? {
        serviceId: '*',
        incidents: 0,
        acknowledged: 0,
        resolved: 0,
      };
      return { since: sinceIso, overall: view(overall), services: serviceMetrics(engine).map(view) };
    },
  );

  app.get(
    '/api/incidents/:id',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags: ['incidents'],
        summary: 'One incident with its alerts, timeline and TTA/TTR',
        params: IdParams,
        response: {
          200: Type.Object({
            incident: IncidentView,
            alerts: Type.Array(AlertView),
            timeline: Type.Array(TimelineEntryView),
            metrics: IncidentMetricsView,
            users: Type.Record(Type.String(), Type.String(), {
              description:
                'Usernames of the user ids in the timeline (by, reassign, paged, skipped and notified users) and the assignee',
            }),
            targets: Type.Record(Type.String(), Type.String(), {
              description:
                "Names of the escalation targets of the timeline's page entries, by their `target` " +
                '(`schedule:<id>`, `team:<id>`, `user:<id>`): schedule or team name, username. A target ' +
                'deleted since is absent.',
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const incident = await store.ops.incidents.get(id);
      if (!incident) {
        throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No incident with id ${id}`, [
          { path: '/params/id', message: 'no such incident' },
        ]);
      }
      const [alerts, timeline] = await Promise.all([store.ops.alertsOf(id), store.ops.timeline.list(id)]);
      const m = incidentMetrics(engineIncident(incident, timeline));
      const ids = new Set<string>();
      const pageTargets = new Set<string>();
      if (incident.assigneeId) ids.add(incident.assigneeId);
      for (const e of timeline) {
        if ('by' in e && typeof e.by === 'string' && e.by !== 'system') ids.add(e.by);
        if (e.kind === 'reassign') {
          ids.add(e.to);
          if (e.from) ids.add(e.from);
        }
        if (e.kind === 'page') {
          for (const u of [...e.users, ...(e.skipped ?? [])]) ids.add(u);
          pageTargets.add(e.target);
        }
        if (e.kind === 'notification' && e.user) ids.add(e.user);
      }
      const targets: Record<string, string> = {};
      for (const target of pageTargets) {
        const sep = target.indexOf(':');
        const type = target.slice(0, sep);
        const targetId = target.slice(sep + 1);
        if (type === 'user') {
          ids.add(targetId);
        } else if (type === 'schedule') {
          const schedule = await store.oncall.schedules.get(targetId);
          if (schedule) targets[target] = schedule.name;
        } else if (type === 'team') {
          const team = await store.oncall.teams.get(targetId);
          if (team) targets[target] = team.name;
        }
      }
      const users: Record<string, string> = {};
      for (const uid of ids) {
        const u = await store.users.getById(uid);
        if (u) users[uid] = u.username;
      }
      for (const target of pageTargets) {
        const name = target.startsWith('user:') ? users[target.slice('user:'.length)] : undefined;
        if (name !== undefined) targets[target] = name;
      }
      return {
        incident: incidentView(incident),
        alerts: alerts.map(alertView),
        timeline: timeline as unknown as Record<string, unknown>[],
        metrics: { ttaSeconds: secs(m.ttaMs), ttrSeconds: secs(m.ttrMs) },
        users,
        targets,
      };
    },
  );

  const action = <B>(
    path: string,
    summary: string,
    body: Parameters<typeof Type.Object>[0] | undefined,
    toAction: (b: B) => IncidentAction,
  ): void => {
    app.post(
      `/api/incidents/:id/${path}`,
      {
        config: { permission: 'incidents:write' },
        // A POST without a body (all fields optional) validates as `{}`.
        preValidation: (request, _reply, next) => {
          request.body ??= {};
          next();
        },
        schema: {
          tags: ['incidents'],
          summary,
          params: IdParams,
          // No fields (acknowledge): still an object, so an unknown field is a 400 like elsewhere.
          body: Type.Object(body ?? {}, { additionalProperties: false }),
          response: { 200: IncidentResponse, ...errorResponses, ...conflict },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const incident = await applyIncidentAction(ctx, request.params.id, toAction(request.body), {
          userId: caller.user.id,
          username: caller.user.username,
        });
        return { incident: incidentView(incident) };
      },
    );
  };
  action('acknowledge', 'Acknowledge (stops escalation)', undefined, () => ({ type: 'acknowledge' }));
  action<{ reason?: string }>('resolve', 'Resolve', { reason: Reason }, (b) => ({
    type: 'resolve',
    ...(b.reason !== undefined && { reason: b.reason }),
  }));
  action<{ reason?: string }>('reopen', 'Reopen a resolved incident', { reason: Reason }, (b) => ({
    type: 'reopen',
    ...(b.reason !== undefined && { reason: b.reason }),
  }));
  action<{ text: string }>(
    'notes',
    'Add a note to the timeline',
    { text: Type.String({ minLength: 1, maxLength: 10_000 }) },
    (b) => ({
      type: 'note',
      text: b.text,
    }),
  );
  action<{ userId: string }>(
    'reassign',
    'Assign to a user',
    { userId: Type.String({ minLength: 1, maxLength: 100 }) },
    (b) => ({
      type: 'reassign',
      to: b.userId,
    }),
  );
  action<{ severity: IncidentRecord['severity'] }>(
    'severity',
    'Change the severity',
    { severity: SeverityIn },
    (b) => ({
      type: 'severity',
      severity: b.severity,
    }),
  );

  app.get(
    '/api/alerts',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags: ['incidents'],
        summary: 'Alerts (current state per dedup key), most recently received first',
        querystring: AlertsQuery,
        response: {
          200: Type.Object({ items: Type.Array(AlertView), nextCursor: Type.Null() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const items = await store.ops.alerts.list({
        ...(q.status !== undefined && { status: q.status }),
        ...(q.serviceId !== undefined && { serviceId: q.serviceId }),
        ...(q.q !== undefined && q.q !== '' && { q: q.q }),
        limit: q.limit ?? 200,
      });
      return { items: items.map(alertView), nextCursor: null };
    },
  );
  done();
};
