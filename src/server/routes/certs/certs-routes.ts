import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { certLevel } from '../../../estate/certificates.js';
import { OpsdeckError } from '../../../core/errors.js';
import type { CertResult, CertTarget } from '../../../store/certs/index.js';
import { callerOf } from '../../auth/guard.js';
import { errorResponses, IdParams } from '../../schemas.js';
import { probeTargets, storeChecks } from './check-job.js';
import {
  AcmCertificateView,
  CertItemView,
  CertResultView,
  CertTargetView,
  resultView,
  targetView,
  type AcmCertificateView as AcmView,
} from './views.js';

const Host = Type.String({
  minLength: 1,
  maxLength: 253,
  pattern: '^([A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)$',
  description: 'DNS name, IPv4 or IPv6 address to connect to (no port: use `port`)',
});
const ServerName = Type.String({
  minLength: 1,
  maxLength: 253,
  pattern: '^[A-Za-z0-9_*-]+(\\.[A-Za-z0-9_-]+)*\\.?$',
  description: 'Name sent as SNI and checked against the certificate (default: `host`)',
});

const CreateTargetBody = Type.Object(
  {
    host: Host,
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 443 })),
    servername: Type.Optional(ServerName),
  },
  { additionalProperties: false },
);
const CheckBody = Type.Object(
  {
    targetIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        maxItems: 500,
        description: 'Targets to check (default: all)',
      }),
    ),
  },
  { additionalProperties: false },
);
const HistoryQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) },
  { additionalProperties: false },
);

const TargetWithLatest = Type.Object({
  id: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  servername: CertTargetView.properties.servername,
  addedBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  latest: Type.Union([
    Type.Object({
      checkedAt: Type.String({ format: 'date-time' }),
      status: CertResultView.properties.status,
      level: CertResultView.properties.level,
      daysToExpiry: CertResultView.properties.daysToExpiry,
      notAfter: CertResultView.properties.notAfter,
      problems: Type.Array(Type.String()),
    }),
    Type.Null(),
  ]),
});

function normalHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function describeTarget(t: Pick<CertTarget, 'host' | 'port' | 'servername'>): string {
  return `${t.servername ? `${t.servername} via ` : ''}${t.host}:${t.port}`;
}

/** ACM certificates of the latest estate snapshot, days recounted from now (empty without one). */
function acmCertificates(summary: unknown, now: Date): AcmView[] {
  const certs = (summary as { certificates?: unknown } | null)?.certificates;
  if (!Array.isArray(certs)) return [];
  return certs.flatMap((c: unknown): AcmView[] => {
    if (!c || typeof c !== 'object') return [];
    const o = c as Record<string, unknown>;
    if (typeof o['arn'] !== 'string') return [];
    const notAfter = typeof o['notAfter'] === 'string' ? o['notAfter'] : null;
    const t = notAfter ? Date.parse(notAfter) : NaN;
    const days = Number.isNaN(t) ? null : Math.floor((t - now.getTime()) / 86_400_000);
    return [
      {
        arn: o['arn'],
        domain: typeof o['domain'] === 'string' ? o['domain'] : '',
        notAfter,
        daysToExpiry: days,
        level: certLevel(days),
        status: typeof o['status'] === 'string' ? o['status'] : null,
        inUse: typeof o['inUse'] === 'boolean' ? o['inUse'] : null,
      },
    ];
  });
}

const byUrgency = (a: { days: number | null }, b: { days: number | null }) =>
  (a.days ?? Infinity) - (b.days ?? Infinity);

/** Certificate targets, their latest live checks, check-now and ACM certificates of the estate. */
export const certsRoutes: FastifyPluginCallbackTypebox<{ ca: string | undefined }> = (app, options, done) => {
  const ctx = app.opsdeck;
  const { store } = ctx;

  app.get(
    '/api/certs/targets',
    {
      config: { permission: 'estate:read' },
      schema: {
        tags: ['certs'],
        summary: 'List TLS endpoints checked on a schedule, with their latest result',
        response: { 200: Type.Object({ items: Type.Array(TargetWithLatest) }), ...errorResponses },
      },
    },
    async () => {
      const [targets, latest] = await Promise.all([store.certs.targets.list(), store.certs.results.latest()]);
      return {
        items: targets.map((t) => {
          const r = latest.get(t.id);
          return {
            ...targetView(t),
            latest: r
              ? {
                  checkedAt: r.checkedAt,
                  status: r.status,
                  level: r.level,
                  daysToExpiry: r.daysToExpiry,
                  notAfter: r.notAfter,
                  problems: r.result.problems,
                }
              : null,
          };
        }),
      };
    },
  );

  app.post(
    '/api/certs/targets',
    {
      config: { permission: 'estate:write' },
      schema: {
        tags: ['certs'],
        summary: 'Add a TLS endpoint to check',
        body: CreateTargetBody,
        response: {
          201: Type.Object({ target: CertTargetView }),
          ...errorResponses,
          409: Type.Ref('ErrorResponse'),
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const host = normalHost(request.body.host);
      const port = request.body.port ?? 443;
      const servername = request.body.servername ? normalHost(request.body.servername) : null;
      const target = await store.transaction(async (tx) => {
        const created = await tx.certs.targets.create({
          host,
          port,
          servername,
          addedBy: `user:${caller.user.username}`,
        });
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'certs.target.create',
          target: `certs-target:${created.id}`,
          summary: `added certificate target ${describeTarget(created)}`,
          after: targetView(created),
        });
        return created;
      });
      return reply.code(201).send({ target: targetView(target) });
    },
  );

  app.delete(
    '/api/certs/targets/:id',
    {
      config: { permission: 'estate:write' },
      schema: {
        tags: ['certs'],
        summary: 'Stop checking a TLS endpoint (its results are deleted)',
        params: IdParams,
        response: { 200: Type.Object({ target: CertTargetView }), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const target = await store.transaction(async (tx) => {
        const deleted = await tx.certs.targets.delete(request.params.id);
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'certs.target.delete',
          target: `certs-target:${deleted.id}`,
          summary: `removed certificate target ${describeTarget(deleted)}`,
          before: targetView(deleted),
        });
        return deleted;
      });
      return { target: targetView(target) };
    },
  );

  app.get(
    '/api/certs/targets/:id/results',
    {
      config: { permission: 'estate:read' },
      schema: {
        tags: ['certs'],
        summary: "A target's check history, newest first",
        params: IdParams,
        querystring: HistoryQuery,
        response: {
          200: Type.Object({ target: CertTargetView, items: Type.Array(CertResultView) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const target = await store.certs.targets.get(request.params.id);
      if (!target) {
        throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No certificate target with id ${request.params.id}`, [
          { path: '/params/id', message: 'no such target' },
        ]);
      }
      const items = await store.certs.results.history(target.id, request.query.limit ?? 50);
      return { target: targetView(target), items: items.map(resultView) };
    },
  );

  app.get(
    '/api/certs',
    {
      config: { permission: 'estate:read' },
      schema: {
        tags: ['certs'],
        summary:
          'Latest live check of every target (most urgent first) and the ACM certificates of the latest estate snapshot',
        response: {
          200: Type.Object({
            items: Type.Array(CertItemView),
            acm: Type.Object({
              snapshotId: Type.Union([Type.String(), Type.Null()]),
              takenAt: Type.Union([Type.String(), Type.Null()]),
              certificates: Type.Array(AcmCertificateView),
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async () => {
      const [targets, latest, snapshot] = await Promise.all([
        store.certs.targets.list(),
        store.certs.results.latest(),
        store.estate.snapshots.latest(),
      ]);
      const now = ctx.clock.now();
      const items = targets
        .map((t) => {
          const r: CertResult | undefined = latest.get(t.id);
          return { target: targetView(t), latest: r ? resultView(r) : null, days: r?.daysToExpiry ?? null };
        })
        .sort(byUrgency)
        .map(({ target, latest: l }) => ({ target, latest: l }));
      const certificates = snapshot ? acmCertificates(snapshot.summary, now) : [];
      certificates.sort((a, b) => byUrgency({ days: a.daysToExpiry }, { days: b.daysToExpiry }));
      return {
        items,
        acm: { snapshotId: snapshot?.id ?? null, takenAt: snapshot?.takenAt ?? null, certificates },
      };
    },
  );

  app.post(
    '/api/certs/check',
    {
      config: { permission: 'estate:write' },
      schema: {
        tags: ['certs'],
        summary: 'Check targets now (all, or `targetIds`) and store the results',
        body: Type.Optional(CheckBody),
        response: { 200: Type.Object({ items: Type.Array(CertItemView) }), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const ids = request.body?.targetIds;
      let targets: CertTarget[];
      if (ids) {
        const found = await Promise.all(ids.map((id) => store.certs.targets.get(id)));
        const missing = ids.flatMap((id, i) =>
          found[i] ? [] : [{ path: `/body/targetIds/${i}`, message: `no target ${id}` }],
        );
        if (missing.length)
          throw new OpsdeckError('OPSDECK_E_NOT_FOUND', 'Unknown certificate target', missing);
        targets = [...new Map(found.map((t) => [t!.id, t!])).values()];
      } else {
        targets = await store.certs.targets.list();
      }
      const checks = await probeTargets(ctx, targets, options.ca);
      const stored = await store.transaction(async (tx) => {
        const out = await storeChecks(tx, checks);
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'certs.check',
          target: 'certs',
          summary: `checked ${out.length} certificate target${out.length === 1 ? '' : 's'} now`,
          after: out.map(({ target, result }) => ({
            target: target.id,
            status: result.status,
            level: result.level,
            daysToExpiry: result.daysToExpiry,
          })),
        });
        return out;
      });
      return {
        items: stored.map(({ target, result }) => ({
          target: targetView(target),
          latest: resultView(result),
        })),
      };
    },
  );
  done();
};
