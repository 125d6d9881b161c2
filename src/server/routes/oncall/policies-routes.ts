import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { EscalationPolicyRecord } from '../../../store/oncall/index.js';
import type { TransactionStore } from '../../../store/store.js';
import { IdParams, errorResponses } from '../../schemas.js';
import {
  Description,
  Id,
  ListOf,
  Name,
  Problems,
  audit,
  conflictResponse,
  enumOf,
  notFound,
} from './common.js';

const Target = Type.Object(
  { type: enumOf(['user', 'schedule', 'team'] as const), id: Id },
  {
    additionalProperties: false,
    description: 'user: that user; schedule: whoever is on call; team: every member',
  },
);
const Step = Type.Object(
  {
    targets: Type.Array(Target, { minItems: 1, maxItems: 20 }),
    delayMinutes: Type.Integer({
      minimum: 0,
      maximum: 1440,
      description: 'Minutes after this step before the next one (after the last: before the policy repeats)',
    }),
  },
  { additionalProperties: false },
);
const PolicyFields = {
  name: Name,
  description: Type.Optional(Description),
  steps: Type.Array(Step, { minItems: 1, maxItems: 20 }),
  repeat: Type.Integer({ minimum: 0, maximum: 20, description: 'Extra runs of the whole step list' }),
  ackTimeoutMinutes: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: 10080 }), Type.Null()], {
      description: 'An acknowledgement not resolved within this many minutes re-pages; null: never',
    }),
  ),
};
const CreatePolicy = Type.Object(PolicyFields, { additionalProperties: false });
const UpdatePolicy = Type.Partial(Type.Object(PolicyFields), {
  additionalProperties: false,
  minProperties: 1,
});

const PolicyView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  steps: Type.Array(
    Type.Object({
      targets: Type.Array(Type.Object({ type: Type.String(), id: Type.String() })),
      delayMinutes: Type.Integer(),
    }),
  ),
  repeat: Type.Integer(),
  ackTimeoutMinutes: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

function policyView(p: EscalationPolicyRecord) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    steps: p.steps,
    repeat: p.repeat,
    ackTimeoutMinutes: p.ackTimeoutMinutes ?? null,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

/** Every target must exist: /body/steps/i/targets/j/id otherwise. */
async function checkSteps(
  tx: TransactionStore,
  steps: readonly { targets: readonly { type: string; id: string }[] }[] | undefined,
): Promise<void> {
  if (!steps) return;
  const p = new Problems();
  const users = new Set((await tx.users.list()).map((u) => u.id));
  const schedules = new Set((await tx.oncall.schedules.list()).map((s) => s.id));
  const teams = new Set((await tx.oncall.teams.list()).map((t) => t.id));
  steps.forEach((s, i) =>
    s.targets.forEach((t, j) => {
      const known = t.type === 'user' ? users : t.type === 'schedule' ? schedules : teams;
      if (!known.has(t.id)) p.add(`/body/steps/${i}/targets/${j}/id`, `no ${t.type} with id ${t.id}`);
    }),
  );
  p.throwIfAny('escalation policy');
}

/** /api/escalation-policies CRUD. */
export const policiesRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store } = app.opsdeck;
  const tags = ['oncall'];

  app.get(
    '/api/escalation-policies',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'List escalation policies',
        response: { 200: ListOf(PolicyView), ...errorResponses },
      },
    },
    async () => ({ items: (await store.oncall.escalationPolicies.list()).map(policyView) }),
  );

  app.get(
    '/api/escalation-policies/:id',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'Get an escalation policy',
        params: IdParams,
        response: { 200: Type.Object({ policy: PolicyView }), ...errorResponses },
      },
    },
    async (request) => {
      const p = await store.oncall.escalationPolicies.get(request.params.id);
      if (!p) throw notFound('escalation policy', request.params.id);
      return { policy: policyView(p) };
    },
  );

  app.post(
    '/api/escalation-policies',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Create an escalation policy',
        body: CreatePolicy,
        response: { 201: Type.Object({ policy: PolicyView }), ...errorResponses, ...conflictResponse },
      },
    },
    async (request, reply) => {
      const policy = await store.transaction(async (tx) => {
        await checkSteps(tx, request.body.steps);
        const p = await tx.oncall.escalationPolicies.create(request.body);
        await audit(tx, request, {
          action: 'escalation-policy.create',
          target: `escalation-policy:${p.id}`,
          summary: `created escalation policy ${p.name} (${p.steps.length} step(s), repeat ${p.repeat})`,
          after: policyView(p),
        });
        return p;
      });
      return reply.code(201).send({ policy: policyView(policy) });
    },
  );

  app.patch(
    '/api/escalation-policies/:id',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Change an escalation policy',
        params: IdParams,
        body: UpdatePolicy,
        response: { 200: Type.Object({ policy: PolicyView }), ...errorResponses, ...conflictResponse },
      },
    },
    async (request) => {
      const { id } = request.params;
      const policy = await store.transaction(async (tx) => {
        const before = await tx.oncall.escalationPolicies.get(id);
        if (!before) throw notFound('escalation policy', id);
        await checkSteps(tx, request.body.steps);
        const after = await tx.oncall.escalationPolicies.update(id, request.body);
        await audit(tx, request, {
          action: 'escalation-policy.update',
          target: `escalation-policy:${id}`,
          summary: `updated escalation policy ${after.name}`,
          before: policyView(before),
          after: policyView(after),
        });
        return after;
      });
      return { policy: policyView(policy) };
    },
  );

  app.delete(
    '/api/escalation-policies/:id',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Delete an escalation policy no service uses',
        params: IdParams,
        response: { 200: Type.Object({ policy: PolicyView }), ...errorResponses, ...conflictResponse },
      },
    },
    async (request) => {
      const policy = await store.transaction(async (tx) => {
        const p = await tx.oncall.escalationPolicies.delete(request.params.id);
        await audit(tx, request, {
          action: 'escalation-policy.delete',
          target: `escalation-policy:${p.id}`,
          summary: `deleted escalation policy ${p.name}`,
          before: policyView(p),
        });
        return p;
      });
      return { policy: policyView(policy) };
    },
  );

  done();
};
