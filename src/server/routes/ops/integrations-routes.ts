import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';
import { ALERT_SOURCES, type AlertSource } from '../../../ops/alert.js';
import type { Integration } from '../../../store/ops/index.js';
import { callerOf } from '../../auth/guard.js';
import { forgetIngestAuth } from '../../ops/ingest.js';
import { expectedOrigin } from '../../auth/csrf.js';
import { IdParams, errorResponses } from '../../schemas.js';
import { IntegrationView, integrationView } from './views.js';

const SourceIn = Type.Unsafe<AlertSource>({ type: 'string', enum: [...ALERT_SOURCES] });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Timeout = Type.Union([Type.Integer({ minimum: 1, maximum: 525_600 }), Type.Null()], {
  description:
    'Resolve firing alerts not seen for this many minutes (sources that never send resolves); null: never',
});
const CreateBody = Type.Object(
  { name: Name, source: SourceIn, resolveTimeoutMinutes: Type.Optional(Timeout) },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    disabled: Type.Optional(Type.Boolean()),
    resolveTimeoutMinutes: Type.Optional(Timeout),
  },
  { additionalProperties: false, minProperties: 1 },
);
const WithKey = Type.Object({
  integration: IntegrationView,
  key: Type.String({ description: 'The ingest key, shown this once (only its SHA-256 is stored)' }),
});
const DeadLetterSummary = Type.Object({
  id: Type.String(),
  integrationId: Type.String(),
  receivedAt: Type.String(),
  contentType: Type.Union([Type.String(), Type.Null()]),
  bodyBytes: Type.Integer(),
  truncated: Type.Boolean(),
  errorCode: Type.String(),
  path: Type.String({ description: 'JSON pointer into the body' }),
  message: Type.String(),
});
const DeadLetterView = Type.Object({ ...DeadLetterSummary.properties, body: Type.String() });

function audited(i: Integration): Record<string, unknown> {
  return {
    id: i.id,
    name: i.name,
    source: i.source,
    keyPrefix: i.keyPrefix,
    disabled: i.disabled,
    resolveTimeoutMinutes: i.resolveTimeoutMinutes,
  };
}

/** Integrations (ingest keys shown once, stored hashed) and their dead letters. */
export const integrationsRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store, config } = app.opsdeck;
  /** A change to integrations: the ingest verifier's cache forgets them once it is committed. */
  const change = async <T>(fn: Parameters<typeof store.transaction<T>>[0]): Promise<T> => {
    try {
      return await store.transaction(fn);
    } finally {
      forgetIngestAuth(app.opsdeck);
    }
  };
  const baseUrl = (request: FastifyRequest): string =>
    config.publicUrl ?? expectedOrigin(request, undefined) ?? `${request.protocol}://${request.host}`;
  const missing = (id: string): OpsdeckError =>
    new OpsdeckError('OPSDECK_E_NOT_FOUND', `No integration with id ${id}`, [
      { path: '/params/id', message: 'no such integration' },
    ]);

  app.get(
    '/api/integrations',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags: ['integrations'],
        summary: 'List integrations with their ingest URLs',
        response: {
          200: Type.Object({ items: Type.Array(IntegrationView), nextCursor: Type.Null() }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      items: (await store.ops.integrations.list()).map((i) => integrationView(i, baseUrl(request))),
      nextCursor: null,
    }),
  );

  app.post(
    '/api/integrations',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags: ['integrations'],
        summary: 'Create an integration; the ingest key is returned once',
        body: CreateBody,
        response: { 201: WithKey, ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { name, source, resolveTimeoutMinutes } = request.body;
      const created = await change(async (tx) => {
        const r = await tx.ops.integrations.create({
          name,
          source,
          createdBy: caller.user.id,
          resolveTimeoutMinutes: resolveTimeoutMinutes ?? null,
        });
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'integration.create',
          target: `integration:${r.integration.id}`,
          summary: `created ${source} integration ${name}`,
          after: audited(r.integration),
        });
        return r;
      });
      return reply
        .code(201)
        .send({ integration: integrationView(created.integration, baseUrl(request)), key: created.key });
    },
  );

  app.get(
    '/api/integrations/:id',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags: ['integrations'],
        summary: 'One integration',
        params: IdParams,
        response: { 200: Type.Object({ integration: IntegrationView }), ...errorResponses },
      },
    },
    async (request) => {
      const i = await store.ops.integrations.get(request.params.id);
      if (!i) throw missing(request.params.id);
      return { integration: integrationView(i, baseUrl(request)) };
    },
  );

  app.patch(
    '/api/integrations/:id',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags: ['integrations'],
        summary: 'Rename, disable/enable, set the resolve timeout',
        params: IdParams,
        body: PatchBody,
        response: { 200: Type.Object({ integration: IntegrationView }), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { id } = request.params;
      const after = await change(async (tx) => {
        const before = await tx.ops.integrations.get(id);
        if (!before) throw missing(id);
        const updated = await tx.ops.integrations.update(id, request.body);
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'integration.update',
          target: `integration:${id}`,
          summary: `updated integration ${updated.name}`,
          before: audited(before),
          after: audited(updated),
        });
        return updated;
      });
      return { integration: integrationView(after, baseUrl(request)) };
    },
  );

  app.delete(
    '/api/integrations/:id',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags: ['integrations'],
        summary: 'Delete an integration and its dead letters (its alerts and incidents stay)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { id } = request.params;
      await change(async (tx) => {
        const before = await tx.ops.integrations.get(id);
        if (!before) throw missing(id);
        await tx.ops.integrations.delete(id);
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'integration.delete',
          target: `integration:${id}`,
          summary: `deleted integration ${before.name}`,
          before: audited(before),
        });
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/integrations/:id/rotate-key',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags: ['integrations'],
        summary:
          'Replace the ingest key (the old one stops working at once on this server, within 2 s on other replicas); the new key is returned once',
        params: IdParams,
        response: { 200: WithKey, ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { id } = request.params;
      const r = await change(async (tx) => {
        if (!(await tx.ops.integrations.get(id))) throw missing(id);
        const rotated = await tx.ops.integrations.rotateKey(id);
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'integration.rotate-key',
          target: `integration:${id}`,
          summary: `rotated the ingest key of integration ${rotated.integration.name}`,
          after: audited(rotated.integration),
        });
        return rotated;
      });
      return { integration: integrationView(r.integration, baseUrl(request)), key: r.key };
    },
  );

  app.get(
    '/api/integrations/:id/dead-letters',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags: ['integrations'],
        summary: 'Rejected (malformed) bodies of an integration, newest first',
        params: IdParams,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(DeadLetterSummary), nextCursor: Type.Null() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await store.ops.integrations.get(id))) throw missing(id);
      return { items: await store.ops.deadLetters.list(id, request.query.limit ?? 100), nextCursor: null };
    },
  );

  app.get(
    '/api/dead-letters/:id',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags: ['integrations'],
        summary: 'One dead letter with its body (capped at 256 KiB)',
        params: IdParams,
        response: { 200: Type.Object({ deadLetter: DeadLetterView }), ...errorResponses },
      },
    },
    async (request) => {
      const d = await store.ops.deadLetters.get(request.params.id);
      if (!d) {
        throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No dead letter with id ${request.params.id}`, [
          { path: '/params/id', message: 'no such dead letter' },
        ]);
      }
      return { deadLetter: d };
    },
  );
  done();
};
