import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';
import { STALE_AFTER_DAYS, isStale, parseRunbook } from '../../../ops/runbooks.js';
import type { RunbookRecord } from '../../../store/oncall/index.js';
import { IdParams, errorResponses } from '../../schemas.js';
import { Id, ListOf, audit, callerName, notFound } from './common.js';

export const RunbookView = Type.Object({
  id: Type.String(),
  path: Type.String(),
  title: Type.String(),
  owner: Type.String(),
  services: Type.Array(Type.String()),
  matchers: Type.Array(Type.String()),
  lastReviewed: Type.String({ description: 'YYYY-MM-DD' }),
  stale: Type.Boolean({ description: `Not reviewed for more than ${STALE_AFTER_DAYS} days` }),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const RunbookWithContent = Type.Object({ runbook: RunbookView, content: Type.String() });
const VersionView = Type.Object({
  version: Type.Integer(),
  contentHash: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String(),
});
const PublishBody = Type.Object(
  {
    path: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$',
      description:
        'Stable name of the runbook, e.g. `db/disk-full.md`; posting to the same path adds a version',
    }),
    content: Type.String({
      minLength: 1,
      maxLength: 1_000_000,
      description: 'Markdown with YAML front-matter: owner, services, matchers, last_reviewed',
    }),
  },
  { additionalProperties: false },
);

/** /api/runbooks: versioned Markdown with front-matter. */
export const runbooksRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store, clock } = app.opsdeck;
  const tags = ['oncall'];
  const view = (r: RunbookRecord) => ({ ...r, stale: isStale(r, clock.now()) });

  app.get(
    '/api/runbooks',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'List runbooks (current versions)',
        response: { 200: ListOf(RunbookView), ...errorResponses },
      },
    },
    async () => ({ items: (await store.oncall.runbooks.list()).map(view) }),
  );

  app.post(
    '/api/runbooks',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Publish a runbook: new (201), a new version when the content changed, or unchanged',
        body: PublishBody,
        response: {
          200: Type.Object({ runbook: RunbookView, changed: Type.Boolean() }),
          201: Type.Object({ runbook: RunbookView, changed: Type.Boolean() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { path, content } = request.body;
      const parsed = parseRunbook(path, content);
      if (!parsed.ok) {
        throw new OpsdeckError(
          'OPSDECK_E_VALIDATION',
          `Runbook ${parsed.error.where}: ${parsed.error.message}`,
          [{ path: '/body/content', message: `${parsed.error.where}: ${parsed.error.message}` }],
        );
      }
      const result = await store.transaction(async (tx) => {
        const before = await tx.oncall.runbooks.list().then((l) => l.find((r) => r.path === path));
        const r = await tx.oncall.runbooks.publish({
          path,
          content,
          parsed: parsed.value,
          createdBy: callerName(request),
        });
        if (r.changed) {
          await audit(tx, request, {
            action: r.created ? 'runbook.create' : 'runbook.version',
            target: `runbook:${r.runbook.id}`,
            summary: `${r.created ? 'created' : 'new version of'} runbook ${path} (v${r.runbook.version})`,
            ...(before && { before: view(before) }),
            after: view(r.runbook),
          });
        }
        return r;
      });
      return reply
        .code(result.created ? 201 : 200)
        .send({ runbook: view(result.runbook), changed: result.changed });
    },
  );

  app.get(
    '/api/runbooks/:id',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'A runbook and the Markdown of its current version',
        params: IdParams,
        response: { 200: RunbookWithContent, ...errorResponses },
      },
    },
    async (request) => {
      const r = await store.oncall.runbooks.get(request.params.id);
      const c = r && (await store.oncall.runbooks.content(r.id));
      if (!r || !c) throw notFound('runbook', request.params.id);
      return { runbook: view(r), content: c.content };
    },
  );

  app.get(
    '/api/runbooks/:id/versions',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'Versions of a runbook, newest first',
        params: IdParams,
        response: { 200: ListOf(VersionView), ...errorResponses },
      },
    },
    async (request) => {
      const r = await store.oncall.runbooks.get(request.params.id);
      if (!r) throw notFound('runbook', request.params.id);
      return { items: await store.oncall.runbooks.versions(r.id) };
    },
  );

  app.get(
    '/api/runbooks/:id/versions/:version',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'The Markdown of one version',
        params: Type.Object({ id: Id, version: Type.Integer({ minimum: 1 }) }),
        response: {
          200: Type.Object({ version: Type.Integer(), content: Type.String() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const c = await store.oncall.runbooks.content(request.params.id, request.params.version);
      if (!c) {
        throw new OpsdeckError(
          'OPSDECK_E_NOT_FOUND',
          `No version ${request.params.version} of runbook ${request.params.id}`,
          [{ path: '/params/version', message: 'no such version' }],
        );
      }
      return c;
    },
  );

  app.delete(
    '/api/runbooks/:id',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Delete a runbook and its versions',
        params: IdParams,
        response: { 200: Type.Object({ runbook: RunbookView }), ...errorResponses },
      },
    },
    async (request) => {
      const r = await store.transaction(async (tx) => {
        const deleted = await tx.oncall.runbooks.delete(request.params.id);
        await audit(tx, request, {
          action: 'runbook.delete',
          target: `runbook:${deleted.id}`,
          summary: `deleted runbook ${deleted.path} (${deleted.version} version(s))`,
          before: view(deleted),
        });
        return deleted;
      });
      return { runbook: view(r) };
    },
  );

  done();
};
