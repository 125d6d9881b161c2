import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';
import { PermissionSchema, isPermission } from '../../../governance/permissions.js';
import type { ApiToken } from '../../../store/index.js';
import { callerOf } from '../../auth/guard.js';
import type { AuthContext } from '../../auth/route-permission.js';
import { IdParams, TokenView, errorResponses } from '../../schemas.js';

const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(PermissionSchema, { minItems: 1, maxItems: 50, uniqueItems: true }),
    expiresInDays: Type.Integer({ minimum: 1, maximum: 365 }),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  { all: Type.Optional(Type.Boolean({ description: "Every user's tokens (needs users:read)" })) },
  { additionalProperties: false },
);

function tokenView(t: ApiToken): TokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes.filter(isPermission),
    userId: t.userId,
    username: t.username,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  };
}

/** Administrators (users:write) manage every token; everyone else only their own. */
function managesAllTokens(caller: AuthContext): boolean {
  return caller.permissions.includes('users:write');
}

/** API tokens: list, create (secret shown once), revoke. */
export const tokensRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store, clock } = app.opsdeck;

  app.get(
    '/api/tokens',
    {
      config: { permission: 'tokens:read' },
      schema: {
        tags: ['tokens'],
        summary: "List your API tokens (admins: everyone's with ?all=true)",
        querystring: ListQuery,
        response: { 200: Type.Object({ tokens: Type.Array(TokenView) }), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      if (request.query.all === true && !caller.permissions.includes('users:read')) {
        throw new OpsdeckError('OPSDECK_E_FORBIDDEN', "Listing every user's tokens needs users:read", [
          { path: '/querystring/all', message: 'requires users:read' },
        ]);
      }
      const tokens = await store.tokens.list(request.query.all === true ? {} : { userId: caller.user.id });
      return { tokens: tokens.map(tokenView) };
    },
  );

  app.post(
    '/api/tokens',
    {
      config: { permission: 'tokens:write' },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token for yourself; the secret is returned only in this response',
        body: CreateTokenBody,
        response: {
          201: Type.Object({
            token: TokenView,
            secret: Type.String({ description: 'odk_... shown once; only its hash is stored' }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { name, scopes, expiresInDays } = request.body;
      const beyond = scopes
        .map((scope, i) => ({ scope, i }))
        .filter(({ scope }) => !caller.permissions.includes(scope));
      if (beyond.length > 0) {
        throw new OpsdeckError(
          'OPSDECK_E_FORBIDDEN',
          `A token cannot carry permissions you do not have: ${beyond.map((b) => b.scope).join(', ')}`,
          beyond.map(({ scope, i }) => ({
            path: `/body/scopes/${i}`,
            message: `${scope} is not yours to grant`,
          })),
        );
      }
      const expiresAt = new Date(clock.now().getTime() + expiresInDays * 86_400_000);
      const created = await store.transaction(async (tx) => {
        const made = await tx.tokens.create({ userId: caller.user.id, name, scopes, expiresAt });
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'token.create',
          target: `token:${made.token.id}`,
          summary: `created API token "${name}" (${made.token.prefix}...) for ${caller.user.username}, expires ${made.token.expiresAt ?? 'never'}`,
          after: { name, owner: caller.user.username, scopes, expiresAt: made.token.expiresAt },
        });
        return made;
      });
      return reply.code(201).send({ token: tokenView(created.token), secret: created.secret });
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      config: { permission: 'tokens:write' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token (yours; admins: any)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { id } = request.params;
      await store.transaction(async (tx) => {
        const token = await tx.tokens.getById(id);
        // Someone else's token is reported as missing, so ids cannot be probed.
        if (!token || (token.userId !== caller.user.id && !managesAllTokens(caller))) {
          throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No API token with id ${id}`, [
            { path: '/params/id', message: 'no such token' },
          ]);
        }
        if (token.revokedAt !== null) return;
        const revoked = await tx.tokens.revoke(id);
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'token.revoke',
          target: `token:${id}`,
          summary: `revoked API token "${token.name}" (${token.prefix}...) of ${token.username}`,
          before: { name: token.name, owner: token.username, revokedAt: null },
          after: { name: token.name, owner: token.username, revokedAt: revoked.revokedAt },
        });
      });
      return reply.code(204).send(null);
    },
  );
  done();
};
