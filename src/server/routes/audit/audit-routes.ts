import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AuditEntryView, errorResponses } from '../../schemas.js';

const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'Entries with seq below this' })),
  },
  { additionalProperties: false },
);

/** GET /api/audit (newest first, paged by seq) and GET /api/audit/verify (hash chain check). */
export const auditRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store } = app.opsdeck;

  app.get(
    '/api/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'Read the audit log, newest first',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            entries: Type.Array(AuditEntryView),
            nextBefore: Type.Unsafe<number | null>({ type: ['integer', 'null'] }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const page = await store.audit.list({
        limit: request.query.limit ?? 50,
        ...(request.query.before !== undefined ? { before: request.query.before } : {}),
      });
      return {
        entries: page.entries.map((e) => ({
          seq: e.seq,
          at: e.at,
          actor: e.actor,
          action: e.action,
          target: e.target,
          summary: e.summary,
          before: e.before,
          after: e.after,
          hash: e.hash,
        })),
        nextBefore: page.nextBefore,
      };
    },
  );

  app.get(
    '/api/audit/verify',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'Verify the audit log hash chain',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            checked: Type.Integer(),
            firstBad: Type.Optional(Type.Object({ seq: Type.Integer(), reason: Type.String() })),
          }),
          ...errorResponses,
        },
      },
    },
    async () => store.audit.verify(),
  );
  done();
};
