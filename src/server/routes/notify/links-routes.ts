import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';
import type { IncidentRecord } from '../../../store/ops/index.js';
import type { SignedLinkAuth } from '../../auth/route-permission.js';
import type { ServerContext } from '../../context.js';
import { notifyKeys, verifyLink } from '../../notify/secrets.js';
import { applyIncidentAction } from '../../ops/incident-actions.js';
import { errorResponses } from '../../schemas.js';

const TokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 1000 }) });

const LinkAction = Type.Unsafe<'acknowledge' | 'resolve'>({
  type: 'string',
  enum: ['acknowledge', 'resolve'],
});
const NullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });
const IncidentSummary = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  title: Type.String(),
  severity: Type.String(),
  status: Type.String(),
  serviceId: Type.String(),
  createdAt: Type.String(),
  acknowledgedAt: NullableString,
  resolvedAt: NullableString,
});

function summary(i: IncidentRecord) {
  return {
    id: i.id,
    number: i.number,
    title: i.title,
    severity: i.severity,
    status: i.status,
    serviceId: i.serviceId,
    createdAt: i.createdAt,
    acknowledgedAt: i.acknowledgedAt ?? null,
    resolvedAt: i.resolvedAt ?? null,
  };
}

/**
 * The `signed-link` verifier: the token in the path is HMAC-checked with the server's link key,
 * its expiry against the clock, and its user must still exist and be enabled.
 * @throws OpsdeckError OPSDECK_E_SIGNATURE_INVALID
 */
export function signedLinkVerifier(ctx: ServerContext) {
  return async (request: FastifyRequest): Promise<SignedLinkAuth & { expiresAt: string }> => {
    const token = (request.params as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string') {
      throw new OpsdeckError('OPSDECK_E_SIGNATURE_INVALID', 'This link is not valid: no token', [
        { path: '/params/token', message: 'missing' },
      ]);
    }
    const claims = verifyLink(notifyKeys(ctx.config).linkKey, token, ctx.clock.now());
    const user = await ctx.store.users.getById(claims.userId);
    if (!user || user.disabled) {
      throw new OpsdeckError(
        'OPSDECK_E_SIGNATURE_INVALID',
        'This link is not valid: its user is disabled or gone',
        [{ path: '/params/token', message: 'user disabled or deleted' }],
      );
    }
    return {
      incidentId: claims.incidentId,
      action: claims.action,
      userId: claims.userId,
      expiresAt: claims.expiresAt,
    };
  };
}

function linkOf(request: FastifyRequest): SignedLinkAuth & { expiresAt?: string } {
  if (!request.signedLink) throw new OpsdeckError('OPSDECK_E_SIGNATURE_INVALID', 'This link is not valid');
  return request.signedLink;
}

/** GET (describe, changes nothing: mail scanners prefetch links) and POST (act) /api/links/{token}. */
export const linksRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const ctx = app.opsdeck;

  const incidentOf = async (id: string) => {
    const incident = await ctx.store.ops.incidents.get(id);
    if (!incident) {
      throw new OpsdeckError('OPSDECK_E_NOT_FOUND', 'The incident of this link no longer exists', [
        { path: '/params/token', message: 'no such incident' },
      ]);
    }
    return incident;
  };

  app.get(
    '/api/links/:token',
    {
      config: { permission: 'signed-link' },
      schema: {
        tags: ['notifications'],
        summary: 'What a signed acknowledge/resolve link would do (does not do it)',
        params: TokenParams,
        response: {
          200: Type.Object({
            incident: IncidentSummary,
            action: LinkAction,
            user: Type.Object({ id: Type.String(), username: Type.String() }),
            expiresAt: Type.String(),
            /** False when the incident's status no longer allows the action. */
            applicable: Type.Boolean(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const link = linkOf(request);
      const incident = await incidentOf(link.incidentId);
      const user = await ctx.store.users.getById(link.userId);
      const applicable =
        link.action === 'acknowledge' ? incident.status === 'triggered' : incident.status !== 'resolved';
      return {
        incident: summary(incident),
        action: link.action,
        user: { id: link.userId, username: user?.username ?? link.userId },
        expiresAt: link.expiresAt ?? '',
        applicable,
      };
    },
  );

  app.post(
    '/api/links/:token',
    {
      config: { permission: 'signed-link' },
      schema: {
        tags: ['notifications'],
        summary: 'Acknowledge or resolve the incident of a signed link, as the user it was sent to',
        params: TokenParams,
        response: {
          200: Type.Object({ incident: IncidentSummary, action: LinkAction }),
          ...errorResponses,
          409: Type.Ref('ErrorResponse'),
        },
      },
    },
    async (request) => {
      const link = linkOf(request);
      const user = await ctx.store.users.getById(link.userId);
      if (!user) throw new OpsdeckError('OPSDECK_E_SIGNATURE_INVALID', 'This link is not valid');
      await incidentOf(link.incidentId);
      const incident = await applyIncidentAction(
        ctx,
        link.incidentId,
        link.action === 'acknowledge'
          ? { type: 'acknowledge' }
          : { type: 'resolve', reason: 'resolved from a signed link' },
        { userId: user.id, username: user.username },
      );
      return { incident: summary(incident), action: link.action };
    },
  );

  done();
};
