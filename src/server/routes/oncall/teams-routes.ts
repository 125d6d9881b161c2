import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { TeamRecord } from '../../../store/oncall/index.js';
import { IdParams, errorResponses } from '../../schemas.js';
import {
  Description,
  Id,
  ListOf,
  Name,
  Problems,
  audit,
  conflictResponse,
  notFound,
  usernames,
} from './common.js';

const TeamView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  members: Type.Array(Type.Object({ id: Type.String(), username: Type.Union([Type.String(), Type.Null()]) })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const TeamFields = {
  name: Name,
  description: Type.Optional(Description),
  members: Type.Array(Id, { maxItems: 500, uniqueItems: true, description: 'User ids' }),
};
const CreateTeam = Type.Object(TeamFields, { additionalProperties: false });
const UpdateTeam = Type.Partial(Type.Object(TeamFields), { additionalProperties: false, minProperties: 1 });

function teamView(t: TeamRecord, names: Map<string, string>) {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    members: t.members.map((id) => ({ id, username: names.get(id) ?? null })),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

/** /api/teams CRUD with members (user ids). */
export const teamsRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store } = app.opsdeck;
  const tags = ['oncall'];

  app.get(
    '/api/teams',
    {
      config: { permission: 'incidents:read' },
      schema: { tags, summary: 'List teams', response: { 200: ListOf(TeamView), ...errorResponses } },
    },
    async () => {
      const names = await usernames(store);
      return { items: (await store.oncall.teams.list()).map((t) => teamView(t, names)) };
    },
  );

  app.get(
    '/api/teams/:id',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'Get a team',
        params: IdParams,
        response: { 200: Type.Object({ team: TeamView }), ...errorResponses },
      },
    },
    async (request) => {
      const t = await store.oncall.teams.get(request.params.id);
      if (!t) throw notFound('team', request.params.id);
      return { team: teamView(t, await usernames(store)) };
    },
  );

  app.post(
    '/api/teams',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Create a team',
        body: CreateTeam,
        response: { 201: Type.Object({ team: TeamView }), ...errorResponses, ...conflictResponse },
      },
    },
    async (request, reply) => {
      const { team, names } = await store.transaction(async (tx) => {
        const p = new Problems();
        await p.users(tx, request.body.members, (i) => `/body/members/${i}`);
        p.throwIfAny('team');
        const t = await tx.oncall.teams.create(request.body);
        const n = await usernames(tx);
        await audit(tx, request, {
          action: 'team.create',
          target: `team:${t.id}`,
          summary: `created team ${t.name} with ${t.members.length} member(s)`,
          after: teamView(t, n),
        });
        return { team: t, names: n };
      });
      return reply.code(201).send({ team: teamView(team, names) });
    },
  );

  app.patch(
    '/api/teams/:id',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Change a team (members replace the list)',
        params: IdParams,
        body: UpdateTeam,
        response: { 200: Type.Object({ team: TeamView }), ...errorResponses, ...conflictResponse },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { team, names } = await store.transaction(async (tx) => {
        const before = await tx.oncall.teams.get(id);
        if (!before) throw notFound('team', id);
        const p = new Problems();
        if (request.body.members) await p.users(tx, request.body.members, (i) => `/body/members/${i}`);
        p.throwIfAny('team');
        const after = await tx.oncall.teams.update(id, request.body);
        const n = await usernames(tx);
        await audit(tx, request, {
          action: 'team.update',
          target: `team:${id}`,
          summary: `updated team ${after.name}`,
          before: teamView(before, n),
          after: teamView(after, n),
        });
        return { team: after, names: n };
      });
      return { team: teamView(team, names) };
    },
  );

  app.delete(
    '/api/teams/:id',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Delete a team not used by a service, schedule or escalation policy',
        params: IdParams,
        response: { 200: Type.Object({ team: TeamView }), ...errorResponses, ...conflictResponse },
      },
    },
    async (request) => {
      const { team, names } = await store.transaction(async (tx) => {
        const t = await tx.oncall.teams.delete(request.params.id);
        const n = await usernames(tx);
        await audit(tx, request, {
          action: 'team.delete',
          target: `team:${t.id}`,
          summary: `deleted team ${t.name}`,
          before: teamView(t, n),
        });
        return { team: t, names: n };
      });
      return { team: teamView(team, names) };
    },
  );

  done();
};
