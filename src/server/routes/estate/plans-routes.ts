import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';
import type { EstatePlanRecord, PlanStatus } from '../../../store/estate/index.js';
import { callerOf } from '../../auth/guard.js';
import { errorResponses, IdParams } from '../../schemas.js';
import { PLAN_ROLLBACK_NOTE, planItem } from './plan-builder.js';
import { PlanView } from './views.js';

const CreatePlanBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    findingIds: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      minItems: 1,
      maxItems: 1000,
      uniqueItems: true,
      description: 'Ids of waste (or right-sizing) findings of one snapshot, from GET /api/estate/waste',
    }),
  },
  { additionalProperties: false },
);
const DecisionBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

const planResponse = {
  200: Type.Object({ plan: PlanView }),
  ...errorResponses,
  404: Type.Ref('ErrorResponse'),
  409: Type.Ref('ErrorResponse'),
} as const;

/** Audit entries carry the plan without its commands (they are derived and long). */
const audited = (p: EstatePlanRecord) => ({
  id: p.id,
  number: p.number,
  title: p.title,
  status: p.status,
  author: p.author.username,
  decidedBy: p.decidedBy?.username ?? null,
  decisionNote: p.decisionNote,
  monthlySaving: p.monthlySaving,
  resources: p.items.map((i) => `${i.resourceType}:${i.resourceId}`),
});

/**
 * Decommission plans. A plan is a list of commands for people to run, never run by opsdeck: it is
 * created as a draft, approved or rejected by someone other than its author, then marked completed.
 */
export const plansRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { store } = app.opsdeck;

  app.post(
    '/api/estate/plans',
    {
      config: { permission: 'estate:write' },
      schema: {
        tags: ['estate'],
        summary: 'Create a decommission plan (draft) from findings',
        body: CreatePlanBody,
        response: { 201: Type.Object({ plan: PlanView }), ...errorResponses, 409: Type.Ref('ErrorResponse') },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { title, findingIds } = request.body;
      const plan = await store.transaction(async (tx) => {
        const found = await tx.estate.findings.getMany(findingIds);
        const byId = new Map(found.map((f) => [f.id, f]));
        const details = findingIds
          .map((id, i) =>
            byId.has(id) ? undefined : { path: `/body/findingIds/${i}`, message: `no finding ${id}` },
          )
          .filter((d): d is { path: string; message: string } => d !== undefined);
        if (details.length)
          throw new OpsdeckError(
            'OPSDECK_E_VALIDATION',
            `${details.length} finding id(s) do not exist`,
            details,
          );
        const snapshots = new Set(found.map((f) => f.snapshotId));
        if (snapshots.size > 1)
          throw new OpsdeckError(
            'OPSDECK_E_VALIDATION',
            'All findings of a plan must come from one snapshot',
            [{ path: '/body/findingIds', message: `findings of ${snapshots.size} snapshots` }],
          );
        const snapshotId = found[0]?.snapshotId as string;
        const resources = await tx.estate.resources.getMany(snapshotId, [
          ...new Set(found.map((f) => f.resourceKey)),
        ]);
        const byKey = new Map(resources.map((r) => [r.key, r]));
        const items = findingIds.map((id) => {
          const f = byId.get(id);
          if (!f) throw new OpsdeckError('OPSDECK_E_INTERNAL', 'finding vanished');
          return planItem(f, byKey.get(f.resourceKey));
        });
        const saving =
          Math.round(items.reduce((a, i) => a + Math.max(0, i.monthlySaving ?? 0), 0) * 100) / 100;
        const owners = [...new Set(items.map((i) => i.owner ?? '(no owner tag)'))].sort();
        const created = await tx.estate.plans.create({
          title,
          snapshotId,
          author: { id: caller.user.id, username: caller.user.username },
          monthlySaving: saving,
          owners,
          items,
          rollback: PLAN_ROLLBACK_NOTE,
        });
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'estate.plan.create',
          target: `estate-plan:${created.id}`,
          summary: `created decommission plan #${created.number} "${title}": ${items.length} resources, $${saving}/month`,
          after: audited(created),
        });
        return created;
      });
      return reply.code(201).send({ plan });
    },
  );

  app.get(
    '/api/estate/plans',
    {
      config: { permission: 'estate:read' },
      schema: {
        tags: ['estate'],
        summary: 'Decommission plans, newest first',
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Unsafe<PlanStatus>({
                type: 'string',
                enum: ['draft', 'approved', 'rejected', 'completed'],
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(PlanView), nextCursor: Type.Null() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { status } = request.query;
      return { items: await store.estate.plans.list(status ? { status } : {}), nextCursor: null };
    },
  );

  app.get(
    '/api/estate/plans/:id',
    {
      config: { permission: 'estate:read' },
      schema: {
        tags: ['estate'],
        summary: 'A decommission plan with its commands and rollback notes',
        params: IdParams,
        response: { 200: Type.Object({ plan: PlanView }), ...errorResponses, 404: Type.Ref('ErrorResponse') },
      },
    },
    async (request) => {
      const plan = await store.estate.plans.get(request.params.id);
      if (!plan) throw notFound(request.params.id);
      return { plan };
    },
  );

  const transition = (
    action: 'approve' | 'reject' | 'complete',
    permission: 'estate:approve' | 'estate:write',
    from: PlanStatus,
    to: Exclude<PlanStatus, 'draft'>,
    summary: string,
  ) =>
    app.post(
      `/api/estate/plans/:id/${action}`,
      {
        config: { permission },
        schema: {
          tags: ['estate'],
          summary,
          params: IdParams,
          body: Type.Optional(DecisionBody),
          response: planResponse,
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const { id } = request.params;
        const note = request.body?.note ?? null;
        const plan = await store.transaction(async (tx) => {
          const before = await tx.estate.plans.get(id);
          if (!before) throw notFound(id);
          if (action !== 'complete' && before.author.id === caller.user.id)
            throw new OpsdeckError(
              'OPSDECK_E_SELF_APPROVAL',
              `You created plan #${before.number}: someone else must ${action} it`,
              [{ path: '/params/id', message: 'the author cannot decide on their own plan' }],
            );
          if (before.status !== from)
            throw new OpsdeckError(
              'OPSDECK_E_CONFLICT',
              `Plan #${before.number} is ${before.status}; only a ${from} plan can be ${to}`,
              [{ path: '/params/id', message: `status is ${before.status}` }],
            );
          const after = await tx.estate.plans.decide(id, from, {
            status: to,
            by: { id: caller.user.id, username: caller.user.username },
            note,
          });
          if (!after)
            throw new OpsdeckError('OPSDECK_E_CONFLICT', `Plan #${before.number} changed meanwhile`, [
              { path: '/params/id', message: 'decided by someone else' },
            ]);
          await tx.audit.append({
            actor: `user:${caller.user.username}`,
            action: `estate.plan.${action}`,
            target: `estate-plan:${id}`,
            summary: `${to} decommission plan #${after.number} "${after.title}"${note ? `: ${note}` : ''}`,
            before: audited(before),
            after: audited(after),
          });
          return after;
        });
        return { plan };
      },
    );

  transition(
    'approve',
    'estate:approve',
    'draft',
    'approved',
    'Approve a draft plan (not its author; 403 OPSDECK_E_SELF_APPROVAL)',
  );
  transition('reject', 'estate:approve', 'draft', 'rejected', 'Reject a draft plan (not its author)');
  transition(
    'complete',
    'estate:write',
    'approved',
    'completed',
    'Mark an approved plan completed once its commands were run (opsdeck runs nothing)',
  );
  done();
};

function notFound(id: string): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_NOT_FOUND', `No decommission plan with id ${id}`, [
    { path: '/params/id', message: 'no such plan' },
  ]);
}
