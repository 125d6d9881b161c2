import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ServiceRecord } from '../../../store/oncall/index.js';
import type { TransactionStore } from '../../../store/store.js';
import { IdParams, errorResponses } from '../../schemas.js';
import {
  Description,
  Id,
  ListOf,
  MatcherText,
  Name,
  Problems,
  SeverityEnum,
  SourceEnum,
  audit,
  conflictResponse,
  notFound,
} from './common.js';

const ServiceView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  teamId: Type.Union([Type.String(), Type.Null()]),
  escalationPolicyId: Type.Union([Type.String(), Type.Null()]),
  groupBy: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description: 'Label names grouping alerts into incidents; null: the source group key',
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const LabelName = Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$', maxLength: 200 });
const ServiceFields = {
  name: Name,
  description: Type.Optional(Description),
  teamId: Type.Optional(Type.Union([Id, Type.Null()])),
  escalationPolicyId: Type.Optional(Type.Union([Id, Type.Null()])),
  groupBy: Type.Optional(Type.Union([Type.Array(LabelName, { minItems: 1, maxItems: 20 }), Type.Null()])),
};
const CreateService = Type.Object(ServiceFields, { additionalProperties: false });
const UpdateService = Type.Partial(Type.Object(ServiceFields), {
  additionalProperties: false,
  minProperties: 1,
});

const RuleView = Type.Object({
  id: Type.String(),
  serviceId: Type.String(),
  matchers: Type.Array(Type.String()),
  severities: Type.Union([Type.Array(Type.String()), Type.Null()]),
  sources: Type.Union([Type.Array(Type.String()), Type.Null()]),
  description: Type.String(),
});
const RuleInput = Type.Object(
  {
    serviceId: Id,
    matchers: Type.Array(MatcherText, { maxItems: 50 }),
    severities: Type.Optional(Type.Array(SeverityEnum, { minItems: 1 })),
    sources: Type.Optional(Type.Array(SourceEnum, { minItems: 1 })),
    description: Type.Optional(Description),
  },
  { additionalProperties: false },
);
const RulesBody = Type.Object(
  { rules: Type.Array(RuleInput, { maxItems: 1000, description: 'In order: the first matching rule wins' }) },
  { additionalProperties: false },
);

export function serviceView(s: ServiceRecord) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    teamId: s.teamId ?? null,
    escalationPolicyId: s.escalationPolicyId ?? null,
    groupBy: s.groupBy ?? null,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

async function checkReferences(
  tx: TransactionStore,
  body: { teamId?: string | null; escalationPolicyId?: string | null },
): Promise<void> {
  const p = new Problems();
  if (typeof body.teamId === 'string' && !(await tx.oncall.teams.get(body.teamId)))
    p.add('/body/teamId', `no team with id ${body.teamId}`);
  if (
    typeof body.escalationPolicyId === 'string' &&
    !(await tx.oncall.escalationPolicies.get(body.escalationPolicyId))
  )
    p.add('/body/escalationPolicyId', `no escalation policy with id ${body.escalationPolicyId}`);
  p.throwIfAny('service');
}

/** /api/services CRUD and GET/PUT /api/routing-rules (the ordered list as a whole). */
export const servicesRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store } = app.opsdeck;
  const tags = ['oncall'];

  app.get(
    '/api/services',
    {
      config: { permission: 'incidents:read' },
      schema: { tags, summary: 'List services', response: { 200: ListOf(ServiceView), ...errorResponses } },
    },
    async () => ({ items: (await store.oncall.services.list()).map(serviceView) }),
  );

  app.get(
    '/api/services/:id',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'Get a service',
        params: IdParams,
        response: { 200: Type.Object({ service: ServiceView }), ...errorResponses },
      },
    },
    async (request) => {
      const s = await store.oncall.services.get(request.params.id);
      if (!s) throw notFound('service', request.params.id);
      return { service: serviceView(s) };
    },
  );

  app.post(
    '/api/services',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Create a service',
        body: CreateService,
        response: { 201: Type.Object({ service: ServiceView }), ...errorResponses, ...conflictResponse },
      },
    },
    async (request, reply) => {
      const service = await store.transaction(async (tx) => {
        await checkReferences(tx, request.body);
        const s = await tx.oncall.services.create(request.body);
        await audit(tx, request, {
          action: 'service.create',
          target: `service:${s.id}`,
          summary: `created service ${s.name}`,
          after: serviceView(s),
        });
        return s;
      });
      return reply.code(201).send({ service: serviceView(service) });
    },
  );

  app.patch(
    '/api/services/:id',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Change a service',
        params: IdParams,
        body: UpdateService,
        response: { 200: Type.Object({ service: ServiceView }), ...errorResponses, ...conflictResponse },
      },
    },
    async (request) => {
      const { id } = request.params;
      const service = await store.transaction(async (tx) => {
        const before = await tx.oncall.services.get(id);
        if (!before) throw notFound('service', id);
        await checkReferences(tx, request.body);
        const after = await tx.oncall.services.update(id, request.body);
        await audit(tx, request, {
          action: 'service.update',
          target: `service:${id}`,
          summary: `updated service ${after.name}`,
          before: serviceView(before),
          after: serviceView(after),
        });
        return after;
      });
      return { service: serviceView(service) };
    },
  );

  app.delete(
    '/api/services/:id',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Delete a service (not the default one, nor one a routing rule targets)',
        params: IdParams,
        response: { 200: Type.Object({ service: ServiceView }), ...errorResponses, ...conflictResponse },
      },
    },
    async (request) => {
      const s = await store.transaction(async (tx) => {
        const deleted = await tx.oncall.services.delete(request.params.id);
        await audit(tx, request, {
          action: 'service.delete',
          target: `service:${deleted.id}`,
          summary: `deleted service ${deleted.name}`,
          before: serviceView(deleted),
        });
        return deleted;
      });
      return { service: serviceView(s) };
    },
  );

  const rulesView = (rules: Awaited<ReturnType<typeof store.oncall.routingRules.list>>) => ({
    items: rules.map((r) => ({
      id: r.id,
      serviceId: r.serviceId,
      matchers: r.matchers,
      severities: r.severities ?? null,
      sources: r.sources ?? null,
      description: r.description,
    })),
    defaultServiceId: 'default',
  });
  const RulesView = Type.Object({
    items: Type.Array(RuleView),
    defaultServiceId: Type.String({ description: 'Where alerts no rule matches go' }),
  });

  app.get(
    '/api/routing-rules',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'The ordered routing rules (first match wins; no match: the default service)',
        response: { 200: RulesView, ...errorResponses },
      },
    },
    async () => rulesView(await store.oncall.routingRules.list()),
  );

  app.put(
    '/api/routing-rules',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Replace the ordered routing rules',
        body: RulesBody,
        response: { 200: RulesView, ...errorResponses },
      },
    },
    async (request) => {
      const { rules } = request.body;
      const saved = await store.transaction(async (tx) => {
        const known = new Set((await tx.oncall.services.list()).map((s) => s.id));
        const p = new Problems();
        rules.forEach((r, i) => {
          if (!known.has(r.serviceId))
            p.add(`/body/rules/${i}/serviceId`, `no service with id ${r.serviceId}`);
          p.matchers(r.matchers, `/body/rules/${i}/matchers`);
        });
        p.throwIfAny('routing rules');
        const before = await tx.oncall.routingRules.list();
        const after = await tx.oncall.routingRules.replace(rules);
        await audit(tx, request, {
          action: 'routing.update',
          target: 'routing-rules',
          summary: `replaced routing rules (${before.length} -> ${after.length})`,
          before: rulesView(before).items,
          after: rulesView(after).items,
        });
        return after;
      });
      return rulesView(saved);
    },
  );

  done();
};
