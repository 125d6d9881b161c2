import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';
import type { EstateSnapshotDetail, EstateSnapshotRecord } from '../../../store/estate/index.js';
import type { TransactionStore } from '../../../store/index.js';
import { callerOf } from '../../auth/guard.js';
import { errorResponses, IdParams } from '../../schemas.js';
import { analyseSnapshot } from './analyse.js';
import type { LoadedInputs } from './inputs.js';
import { ensureValidSnapshot } from './validate-snapshot.js';
import { AmountView, FindingView, ResourceView, SnapshotView, TrendPointView } from './views.js';

/** Snapshots are large (100,000 resources is about 100 MB of JSON): this route alone takes up to 256 MiB. */
export const SNAPSHOT_BODY_LIMIT = 256 * 1024 * 1024;

const SnapshotQuery = Type.Object(
  {
    snapshot: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Snapshot id (default: the latest)' }),
    ),
  },
  { additionalProperties: false },
);

const snapshotView = (s: EstateSnapshotRecord): EstateSnapshotRecord => ({
  id: s.id,
  takenAt: s.takenAt,
  importedAt: s.importedAt,
  importedBy: s.importedBy,
  source: s.source,
  counts: s.counts,
  coverage: s.coverage,
  tags: s.tags,
  waste: s.waste,
  rightsizing: s.rightsizing,
  cost: s.cost,
});

/** The snapshot asked for, or the latest; undefined when none is stored yet. */
export async function resolveSnapshot(
  store: Pick<TransactionStore, 'estate'>,
  id: string | undefined,
): Promise<EstateSnapshotDetail | undefined> {
  if (id === undefined) return store.estate.snapshots.latest();
  const s = await store.estate.snapshots.get(id);
  if (!s)
    throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No estate snapshot with id ${id}`, [
      { path: '/querystring/snapshot', message: 'no such snapshot' },
    ]);
  return s;
}

const notFound = { 404: Type.Ref('ErrorResponse') } as const;

/** Snapshots (push and history), summary, trends, resource explorer, waste and cost. */
export const estateRoutes: FastifyPluginCallbackTypebox<{ inputs: LoadedInputs }> = (app, opts, done) => {
  const { store, clock } = app.opsdeck;
  const { inputs } = opts;

  app.post(
    '/api/estate/snapshots',
    {
      bodyLimit: SNAPSHOT_BODY_LIMIT,
      config: { permission: 'estate:write' },
      schema: {
        tags: ['estate'],
        summary: 'Push a snapshot (the JSON of `opsdeck estate import --out`): analyse and store it',
        description:
          "Runs coverage, drift, tags, waste, right-sizing and cost at the snapshot time with the server's price catalog, tag policy and ignore list, and stores the figures, resources and findings. Up to 256 MiB.",
        querystring: Type.Object(
          {
            source: Type.Optional(
              Type.String({ maxLength: 500, description: 'Where the snapshot came from' }),
            ),
          },
          { additionalProperties: false },
        ),
        body: Type.Object(
          {
            version: Type.Unknown(),
            takenAt: Type.Unknown(),
            resources: Type.Unknown(),
            managed: Type.Unknown(),
          },
          { additionalProperties: true, description: 'An estate snapshot, format version 1' },
        ),
        response: {
          201: Type.Object({ snapshot: SnapshotView }),
          ...errorResponses,
          413: Type.Ref('ErrorResponse'),
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const snap = ensureValidSnapshot(request.body);
      const actor = `user:${caller.user.username}`;
      const source =
        request.query.source ??
        `${snap.files.length} files pushed by ${caller.user.username}${caller.via === 'token' ? ' (API token)' : ''}`;
      const analysed = analyseSnapshot(snap, inputs, {
        importedBy: actor,
        source,
        extraDiagnostics: inputs.diagnostics,
      });
      const stored = await store.transaction(async (tx) => {
        const { snapshot } = await tx.estate.snapshots.insert(
          analysed.snapshot,
          analysed.resources,
          analysed.findings,
        );
        await tx.audit.append({
          actor,
          action: 'estate.snapshot.push',
          target: `estate-snapshot:${snapshot.id}`,
          summary: `pushed estate snapshot taken ${snapshot.takenAt}: ${snapshot.counts.resources} resources, coverage ${snapshot.coverage.pct ?? 'n/a'}%, tag compliance ${snapshot.tags.compliancePct}%, waste $${snapshot.waste.monthlySaving}/month`,
          after: snapshotView(snapshot),
        });
        return snapshot;
      });
      request.log.info(
        { snapshotId: stored.id, resources: stored.counts.resources, findings: analysed.findings.length },
        'estate snapshot stored',
      );
      return reply.code(201).send({ snapshot: snapshotView(stored) });
    },
  );

  app.get(
    '/api/estate/snapshots',
    {
      config: { permission: 'estate:read' },
      schema: {
        tags: ['estate'],
        summary: 'Stored snapshots, newest first',
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            cursor: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(SnapshotView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = await store.estate.snapshots.list({ limit, ...(cursor ? { cursor } : {}) });
      return { items: page.items.map(snapshotView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/estate/summary',
    {
      config: { permission: 'estate:read' },
      schema: {
        tags: ['estate'],
        summary: 'Figures of a snapshot (default: the latest) and of the one before it, for deltas',
        querystring: SnapshotQuery,
        response: {
          200: Type.Object({
            snapshot: Type.Union([SnapshotView, Type.Null()]),
            previous: Type.Union([SnapshotView, Type.Null()]),
            summary: Type.Unknown({
              description:
                'Inventory by type and provider, coverage counts and missing resources, tag breakdowns by account/environment/owner, FOCUS cost summary, certificates, diagnostics',
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const s = await resolveSnapshot(store, request.query.snapshot);
      if (!s) return { snapshot: null, previous: null, summary: null };
      const earlier = await store.estate.snapshots.list({ limit: 50 });
      const idx = earlier.items.findIndex((x) => x.id === s.id);
      const previous = idx >= 0 ? earlier.items[idx + 1] : earlier.items.find((x) => x.takenAt < s.takenAt);
      return {
        snapshot: snapshotView(s),
        previous: previous ? snapshotView(previous) : null,
        summary: s.summary,
      };
    },
  );

  app.get(
    '/api/estate/trends',
    {
      config: { permission: 'estate:read' },
      schema: {
        tags: ['estate'],
        summary: 'One point per snapshot taken in the last `days` days, oldest first',
        querystring: Type.Object(
          { days: Type.Integer({ minimum: 1, maximum: 3660, default: 90 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ days: Type.Integer(), points: Type.Array(TrendPointView) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { days } = request.query;
      const since = new Date(clock.now().getTime() - days * 86_400_000).toISOString();
      const rows = await store.estate.snapshots.since(since);
      return {
        days,
        points: rows.map((s) => ({
          snapshotId: s.id,
          takenAt: s.takenAt,
          resources: s.counts.resources,
          coveragePct: s.coverage.pct,
          managed: s.coverage.managed,
          unmanaged: s.coverage.unmanaged,
          missing: s.coverage.missing,
          drifted: s.coverage.drifted,
          tagCompliancePct: s.tags.compliancePct,
          tagSpendCompliancePct: s.tags.spendCompliancePct,
          wasteMonthly: s.waste.monthlySaving,
          wasteByCategory: Object.fromEntries(
            Object.entries(s.waste.byCategory).map(([k, v]) => [k, v.monthlySaving]),
          ),
          rightsizingMonthly: s.rightsizing.monthlySaving,
          costTotal: s.cost?.total ?? null,
          costByOwner: s.cost?.byOwner ?? [],
        })),
      };
    },
  );

  const BoolText = Type.Unsafe<'true' | 'false'>({ type: 'string', enum: ['true', 'false'] });
  app.get(
    '/api/estate/resources',
    {
      config: { permission: 'estate:read' },
      schema: {
        tags: ['estate'],
        summary: 'Resource explorer: search and filter the live resources of a snapshot',
        querystring: Type.Object(
          {
            snapshot: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            q: Type.Optional(
              Type.String({
                maxLength: 200,
                description:
                  'Substring of id, name, ARN, Terraform address or a tag `key=value` (case-insensitive)',
              }),
            ),
            type: Type.Optional(Type.String({ maxLength: 200 })),
            account: Type.Optional(Type.String({ maxLength: 200 })),
            provider: Type.Optional(Type.String({ maxLength: 20 })),
            region: Type.Optional(Type.String({ maxLength: 100 })),
            coverage: Type.Optional(
              Type.Unsafe<'managed' | 'unmanaged' | 'ignored'>({
                type: 'string',
                enum: ['managed', 'unmanaged', 'ignored'],
              }),
            ),
            managed: Type.Optional(BoolText),
            compliant: Type.Optional(BoolText),
            findings: Type.Optional(BoolText),
            cursor: Type.Optional(Type.String({ maxLength: 500 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            snapshotId: Type.Union([Type.String(), Type.Null()]),
            items: Type.Array(ResourceView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const qs = request.query;
      const s = await resolveSnapshot(store, qs.snapshot);
      if (!s) return { snapshotId: null, items: [], nextCursor: null };
      if (qs.managed !== undefined && qs.coverage !== undefined)
        throw new OpsdeckError('OPSDECK_E_VALIDATION', 'Give managed or coverage, not both', [
          { path: '/querystring/managed', message: 'conflicts with coverage' },
        ]);
      const coverage =
        qs.coverage ??
        (qs.managed === undefined ? undefined : qs.managed === 'true' ? 'managed' : 'unmanaged');
      const page = await store.estate.resources.search({
        snapshotId: s.id,
        limit: qs.limit,
        ...(qs.q ? { q: qs.q } : {}),
        ...(qs.type !== undefined ? { type: qs.type } : {}),
        ...(qs.account !== undefined ? { account: qs.account } : {}),
        ...(qs.provider !== undefined ? { provider: qs.provider } : {}),
        ...(qs.region !== undefined ? { region: qs.region } : {}),
        ...(coverage !== undefined ? { coverage } : {}),
        ...(qs.compliant !== undefined ? { compliant: qs.compliant === 'true' } : {}),
        ...(qs.findings !== undefined ? { withFindings: qs.findings === 'true' } : {}),
        ...(qs.cursor !== undefined ? { cursor: qs.cursor } : {}),
      });
      return { snapshotId: s.id, ...page };
    },
  );

  app.get(
    '/api/estate/resources/:id',
    {
      config: { permission: 'estate:read' },
      schema: {
        tags: ['estate'],
        summary:
          'A resource: tags, drift, findings and cost in a snapshot (default: the latest it appears in), and the snapshots it appears in',
        params: IdParams,
        querystring: SnapshotQuery,
        response: {
          200: Type.Object({
            resource: ResourceView,
            findings: Type.Array(FindingView),
            history: Type.Array(
              Type.Object({
                snapshotId: Type.String(),
                takenAt: Type.String({ format: 'date-time' }),
                coverage: Type.String(),
                compliant: Type.Boolean(),
                monthlyCost: Type.Union([Type.Number(), Type.Null()]),
                findings: Type.Integer(),
              }),
            ),
          }),
          ...errorResponses,
          ...notFound,
        },
      },
    },
    async (request) => {
      const key = request.params.id;
      const history = await store.estate.resources.history(key);
      const wanted = request.query.snapshot;
      const snapshotId = wanted ?? history[history.length - 1]?.snapshotId;
      const resource = snapshotId ? await store.estate.resources.get(snapshotId, key) : undefined;
      if (!resource)
        throw new OpsdeckError(
          'OPSDECK_E_NOT_FOUND',
          `No estate resource ${key}${wanted ? ` in snapshot ${wanted}` : ''}`,
          [{ path: '/params/id', message: 'no such resource' }],
        );
      const findings = await store.estate.findings.list({
        snapshotId: resource.snapshotId,
        resourceKey: key,
      });
      return { resource, findings, history };
    },
  );

  app.get(
    '/api/estate/waste',
    {
      config: { permission: 'estate:read' },
      schema: {
        tags: ['estate'],
        summary: 'Waste and right-sizing findings of a snapshot with $ totals by category',
        querystring: Type.Object(
          {
            snapshot: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            kind: Type.Optional(
              Type.Unsafe<'waste' | 'rightsizing'>({ type: 'string', enum: ['waste', 'rightsizing'] }),
            ),
            category: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            snapshotId: Type.Union([Type.String(), Type.Null()]),
            monthlySaving: Type.Number(),
            byCategory: Type.Array(
              Type.Object({
                category: Type.String(),
                kind: Type.String(),
                count: Type.Integer(),
                monthlySaving: Type.Number(),
              }),
            ),
            items: Type.Array(FindingView),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { kind, category } = request.query;
      const s = await resolveSnapshot(store, request.query.snapshot);
      if (!s) return { snapshotId: null, monthlySaving: 0, byCategory: [], items: [] };
      const items = await store.estate.findings.list({
        snapshotId: s.id,
        ...(kind ? { kind } : {}),
        ...(category ? { category } : {}),
      });
      const by = new Map<string, { category: string; kind: string; count: number; monthlySaving: number }>();
      let total = 0;
      for (const f of items) {
        const e = by.get(f.category) ?? { category: f.category, kind: f.kind, count: 0, monthlySaving: 0 };
        e.count++;
        // As in wasteTotals: a finding that costs more when acted on saves nothing.
        const saving = Math.max(0, f.monthlySaving ?? 0);
        e.monthlySaving = Math.round((e.monthlySaving + saving) * 100) / 100;
        by.set(f.category, e);
        total += saving;
      }
      return {
        snapshotId: s.id,
        monthlySaving: Math.round(total * 100) / 100,
        byCategory: [...by.values()].sort(
          (a, b) => b.monthlySaving - a.monthlySaving || a.category.localeCompare(b.category),
        ),
        items,
      };
    },
  );

  app.get(
    '/api/estate/cost',
    {
      config: { permission: 'estate:read' },
      schema: {
        tags: ['estate'],
        summary:
          'FOCUS cost of a snapshot: by owner, service, account and month, untagged share, top resources, anomalies',
        querystring: SnapshotQuery,
        response: {
          200: Type.Object({
            snapshotId: Type.Union([Type.String(), Type.Null()]),
            cost: Type.Union([
              Type.Object({
                metric: Type.String(),
                currency: Type.String(),
                rows: Type.Integer(),
                total: Type.Number(),
                totalEffective: Type.Number(),
                untaggedCost: Type.Number(),
                untaggedPct: Type.Number(),
                byOwner: Type.Array(AmountView),
                byService: Type.Array(AmountView),
                bySubAccount: Type.Array(AmountView),
                byBillingAccount: Type.Array(AmountView),
                byProvider: Type.Array(AmountView),
                byMonth: Type.Array(
                  Type.Object({
                    key: Type.String(),
                    cost: Type.Number(),
                    changePct: Type.Union([Type.Number(), Type.Null()]),
                  }),
                ),
                topResources: Type.Array(AmountView),
                anomalies: Type.Array(Type.Unknown()),
              }),
              Type.Null(),
            ]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const s = await resolveSnapshot(store, request.query.snapshot);
      if (!s) return { snapshotId: null, cost: null };
      const cost = (s.summary as { cost?: unknown } | null)?.cost ?? null;
      return { snapshotId: s.id, cost: cost as never };
    },
  );

  done();
};
