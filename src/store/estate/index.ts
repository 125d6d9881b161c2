import { CompiledQuery, sql, type Kysely } from 'kysely';
import { OpsdeckError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { iso, withTransaction, type StoreContext } from '../context.js';
import type { DialectName } from '../dialect.js';
import type { Database } from '../schema.js';
import {
  findingRow,
  resourceRow,
  snapshotRow,
  toFinding,
  toPlan,
  toResource,
  toSnapshot,
  type Coverage,
  type EstateFindingRecord,
  type EstatePlanRecord,
  type EstateResourceRecord,
  type EstateSnapshotDetail,
  type EstateSnapshotRecord,
  type FindingKind,
  type NewEstateFinding,
  type NewEstateResource,
  type NewEstateSnapshot,
  type PlanItem,
  type PlanStatus,
} from './records.js';

export type * from './records.js';
export { PLAN_STATUSES } from './records.js';

export interface ResourceFilter {
  snapshotId: string;
  /** Case-insensitive substring of id, name, ARN, Terraform address or `key=value` of a tag. */
  q?: string;
  type?: string;
  account?: string;
  provider?: string;
  region?: string;
  coverage?: Coverage;
  compliant?: boolean;
  /** Only resources with at least one finding. */
  withFindings?: boolean;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  limit: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ResourceHistoryPoint {
  snapshotId: string;
  takenAt: string;
  coverage: Coverage;
  compliant: boolean;
  monthlyCost: number | null;
  findings: number;
}

export interface NewEstatePlan {
  title: string;
  snapshotId: string;
  author: { id: string; username: string };
  monthlySaving: number;
  owners: string[];
  items: PlanItem[];
  rollback: string;
}

export interface PlanDecision {
  status: Exclude<PlanStatus, 'draft'>;
  by: { id: string; username: string };
  note: string | null;
}

/** The estate store: estate snapshots, resources, findings, history and decommission plans. */
export interface EstateStore {
  snapshots: {
    /**
     * Stores a snapshot with its resources and findings in one transaction (chunked multi-row
     * inserts). Finding ids are assigned here and returned in input order.
     */
    insert(
      snapshot: NewEstateSnapshot,
      resources: readonly NewEstateResource[],
      findings: readonly NewEstateFinding[],
    ): Promise<{ snapshot: EstateSnapshotRecord; findingIds: string[] }>;
    get(id: string): Promise<EstateSnapshotDetail | undefined>;
    /** The snapshot with the latest `takenAt` (latest import on ties). */
    latest(): Promise<EstateSnapshotDetail | undefined>;
    /** Newest first. */
    list(opts: { limit: number; cursor?: string }): Promise<Page<EstateSnapshotRecord>>;
    /** Snapshots taken at or after `since`, oldest first. */
    since(since: string): Promise<EstateSnapshotRecord[]>;
  };
  resources: {
    search(filter: ResourceFilter): Promise<Page<EstateResourceRecord>>;
    get(snapshotId: string, key: string): Promise<EstateResourceRecord | undefined>;
    /** Every snapshot the resource appears in, oldest first. */
    history(key: string): Promise<ResourceHistoryPoint[]>;
    /** Resources of a snapshot by key (for plans). */
    getMany(snapshotId: string, keys: readonly string[]): Promise<EstateResourceRecord[]>;
  };
  findings: {
    list(filter: {
      snapshotId: string;
      kind?: FindingKind;
      category?: string;
      resourceKey?: string;
    }): Promise<EstateFindingRecord[]>;
    getMany(ids: readonly string[]): Promise<EstateFindingRecord[]>;
  };
  plans: {
    create(input: NewEstatePlan): Promise<EstatePlanRecord>;
    get(id: string): Promise<EstatePlanRecord | undefined>;
    list(filter: { status?: PlanStatus }): Promise<EstatePlanRecord[]>;
    /**
     * Moves a plan from `from` to the decision's status; undefined when the plan is not (or no
     * longer) in `from`, so two concurrent decisions cannot both win.
     */
    decide(id: string, from: PlanStatus, decision: PlanDecision): Promise<EstatePlanRecord | undefined>;
  };
}

/**
 * Rows per INSERT. PostgreSQL: large statements (a round trip each; under its 65,535 parameters).
 * SQLite: about 100 rows, since every statement is prepared anew and preparing a statement of
 * thousands of rows costs more than the round trips it saves (measured with bench:estate).
 */
function chunkRows(columns: number, dialect: DialectName): number {
  return Math.max(1, Math.floor((dialect === 'postgres' ? 30_000 : 2_500) / columns));
}

/**
 * Multi-row INSERTs of `items` in chunks, each mapped by `toRow` to a row (all rows with the same
 * keys, which are our own column names).
 * The statement text is built here once per chunk size instead of through the query builder:
 * at 10^5 rows the builder's per-value parsing and compiling cost more than the database's work.
 */
async function insertChunked<T>(
  db: Kysely<Database>,
  dialect: DialectName,
  table: 'estate_resources' | 'estate_findings',
  items: readonly T[],
  toRow: (item: T, index: number) => Record<string, unknown>,
): Promise<void> {
  const first = items[0];
  if (first === undefined) return;
  const columns = Object.keys(toRow(first, 0));
  const size = chunkRows(columns.length, dialect);
  const head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values `;
  const texts = new Map<number, string>();
  const textFor = (n: number): string => {
    let t = texts.get(n);
    if (t === undefined) {
      let p = 0;
      const tuples: string[] = [];
      for (let i = 0; i < n; i++)
        tuples.push(`(${columns.map(() => (dialect === 'postgres' ? `$${++p}` : '?')).join(', ')})`);
      t = head + tuples.join(', ');
      texts.set(n, t);
    }
    return t;
  };
  // Rows are mapped one chunk at a time: at 10^5 resources a second full copy of them as rows
  // was the insert's peak memory.
  for (let i = 0; i < items.length; i += size) {
    const end = Math.min(items.length, i + size);
    const params: unknown[] = [];
    for (let j = i; j < end; j++) {
      const r = toRow(items[j] as T, j);
      for (const c of columns) params.push(r[c]);
    }
    await db.executeQuery(CompiledQuery.raw(textFor(end - i), params));
  }
}

/** PostgreSQL advisory lock serialising plan numbering ("opep"). */
const PLAN_NUMBER_LOCK = 0x6f70_6570;

const encodeCursor = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
function decodeCursor(c: string): string {
  const s = Buffer.from(c, 'base64url').toString('utf8');
  if (!s)
    throw new OpsdeckError('OPSDECK_E_VALIDATION', 'Invalid cursor', [
      { path: '/querystring/cursor', message: 'not a cursor returned by this API' },
    ]);
  return s;
}

const likePattern = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createEstateStore(ctx: StoreContext): EstateStore {
  const { db } = ctx;
  const detail = (row: Database['estate_snapshots']): EstateSnapshotDetail => ({
    ...toSnapshot(row),
    summary: JSON.parse(row.summary) as unknown,
  });
  return {
    snapshots: {
      async insert(snapshot, resources, findings) {
        const id = newId();
        const row = snapshotRow(id, iso(ctx.clock.now()), snapshot);
        const findingIds = findings.map(() => newId());
        await withTransaction(ctx, async (trx) => {
          await trx.insertInto('estate_snapshots').values(row).execute();
          await insertChunked(
            trx,
            ctx.dialect,
            'estate_resources',
            resources,
            (r) => resourceRow(id, r) as unknown as Record<string, unknown>,
          );
          await insertChunked(
            trx,
            ctx.dialect,
            'estate_findings',
            findings,
            (f, i) => findingRow(findingIds[i] as string, id, f) as unknown as Record<string, unknown>,
          );
        });
        return { snapshot: toSnapshot(row), findingIds };
      },
      async get(id) {
        const row = await db
          .selectFrom('estate_snapshots')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        return row ? detail(row) : undefined;
      },
      async latest() {
        const row = await db
          .selectFrom('estate_snapshots')
          .selectAll()
          .orderBy('taken_at', 'desc')
          .orderBy('imported_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        return row ? detail(row) : undefined;
      },
      async list({ limit, cursor }) {
        let q = db
          .selectFrom('estate_snapshots')
          .selectAll()
          .orderBy('taken_at', 'desc')
          .orderBy('id', 'desc');
        if (cursor !== undefined) {
          const [takenAt = '', lastId = ''] = decodeCursor(cursor).split('\n');
          q = q.where((eb) =>
            eb.or([
              eb('taken_at', '<', takenAt),
              eb.and([eb('taken_at', '=', takenAt), eb('id', '<', lastId)]),
            ]),
          );
        }
        const rows = await q.limit(limit + 1).execute();
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        return {
          items: page.map(toSnapshot),
          nextCursor: rows.length > limit && last ? encodeCursor(`${last.taken_at}\n${last.id}`) : null,
        };
      },
      async since(since) {
        const rows = await db
          .selectFrom('estate_snapshots')
          .selectAll()
          .where('taken_at', '>=', since)
          .orderBy('taken_at')
          .orderBy('imported_at')
          .execute();
        return rows.map(toSnapshot);
      },
    },
    resources: {
      async search(f) {
        let q = db.selectFrom('estate_resources').selectAll().where('snapshot_id', '=', f.snapshotId);
        if (f.q) q = q.where(sql<boolean>`search like ${likePattern(f.q)} escape '\\'`);
        if (f.type !== undefined) q = q.where('type', '=', f.type);
        if (f.account !== undefined) q = q.where('account', '=', f.account);
        if (f.provider !== undefined) q = q.where('provider', '=', f.provider);
        if (f.region !== undefined) q = q.where('region', '=', f.region);
        if (f.coverage !== undefined) q = q.where('coverage', '=', f.coverage);
        if (f.compliant !== undefined) q = q.where('compliant', '=', f.compliant ? 1 : 0);
        if (f.withFindings) q = q.where('findings', '>', 0);
        if (f.cursor !== undefined) q = q.where('key', '>', decodeCursor(f.cursor));
        const rows = await q
          .orderBy('key')
          .limit(f.limit + 1)
          .execute();
        const page = rows.slice(0, f.limit);
        const last = page[page.length - 1];
        return {
          items: page.map(toResource),
          nextCursor: rows.length > f.limit && last ? encodeCursor(last.key) : null,
        };
      },
      async get(snapshotId, key) {
        const row = await db
          .selectFrom('estate_resources')
          .selectAll()
          .where('snapshot_id', '=', snapshotId)
          .where('key', '=', key)
          .executeTakeFirst();
        return row ? toResource(row) : undefined;
      },
      async history(key) {
        const rows = await db
          .selectFrom('estate_resources as r')
          .innerJoin('estate_snapshots as s', 's.id', 'r.snapshot_id')
          .select([
            'r.snapshot_id',
            's.taken_at',
            'r.coverage',
            'r.compliant',
            'r.monthly_cost',
            'r.findings',
          ])
          .where('r.key', '=', key)
          .orderBy('s.taken_at')
          .orderBy('s.imported_at')
          .execute();
        return rows.map((r) => ({
          snapshotId: r.snapshot_id,
          takenAt: r.taken_at,
          coverage: r.coverage as Coverage,
          compliant: Number(r.compliant) === 1,
          monthlyCost: r.monthly_cost === null ? null : Number(r.monthly_cost),
          findings: Number(r.findings),
        }));
      },
      async getMany(snapshotId, keys) {
        if (keys.length === 0) return [];
        const rows = await db
          .selectFrom('estate_resources')
          .selectAll()
          .where('snapshot_id', '=', snapshotId)
          .where('key', 'in', [...keys])
          .execute();
        return rows.map(toResource);
      },
    },
    findings: {
      async list(f) {
        let q = db.selectFrom('estate_findings').selectAll().where('snapshot_id', '=', f.snapshotId);
        if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
        if (f.category !== undefined) q = q.where('category', '=', f.category);
        if (f.resourceKey !== undefined) q = q.where('resource_key', '=', f.resourceKey);
        const rows = await q
          .orderBy(sql`coalesce(monthly_saving, 0)`, 'desc')
          .orderBy('category')
          .orderBy('resource_id')
          .orderBy('id')
          .execute();
        return rows.map(toFinding);
      },
      async getMany(ids) {
        if (ids.length === 0) return [];
        const rows = await db
          .selectFrom('estate_findings')
          .selectAll()
          .where('id', 'in', [...ids])
          .execute();
        return rows.map(toFinding);
      },
    },
    plans: {
      async create(input) {
        return withTransaction(ctx, async (trx) => {
          // Plan numbers are max + 1: serialise creators (SQLite's BEGIN IMMEDIATE already does).
          if (ctx.dialect === 'postgres')
            await sql`select pg_advisory_xact_lock(${sql.lit(PLAN_NUMBER_LOCK)})`.execute(trx);
          {
            const max = await trx
              .selectFrom('estate_plans')
              .select((eb) => eb.fn.max('number').as('n'))
              .executeTakeFirst();
            const row: Database['estate_plans'] = {
              id: newId(),
              number: Number(max?.n ?? 0) + 1,
              title: input.title,
              status: 'draft',
              snapshot_id: input.snapshotId,
              author_id: input.author.id,
              author_name: input.author.username,
              decided_by_id: null,
              decided_by_name: null,
              decision_note: null,
              created_at: iso(ctx.clock.now()),
              decided_at: null,
              completed_at: null,
              monthly_saving: input.monthlySaving,
              owners: JSON.stringify(input.owners),
              items: JSON.stringify(input.items),
              rollback: input.rollback,
            };
            await trx.insertInto('estate_plans').values(row).execute();
            return toPlan(row);
          }
        });
      },
      async get(id) {
        const row = await db.selectFrom('estate_plans').selectAll().where('id', '=', id).executeTakeFirst();
        return row ? toPlan(row) : undefined;
      },
      async list({ status }) {
        let q = db.selectFrom('estate_plans').selectAll();
        if (status !== undefined) q = q.where('status', '=', status);
        const rows = await q.orderBy('number', 'desc').execute();
        return rows.map(toPlan);
      },
      async decide(id, from, d) {
        const now = iso(ctx.clock.now());
        const res = await db
          .updateTable('estate_plans')
          .set(
            d.status === 'completed'
              ? { status: d.status, completed_at: now }
              : {
                  status: d.status,
                  decided_at: now,
                  decided_by_id: d.by.id,
                  decided_by_name: d.by.username,
                  decision_note: d.note,
                },
          )
          .where('id', '=', id)
          .where('status', '=', from)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) return undefined;
        const row = await db
          .selectFrom('estate_plans')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        return toPlan(row);
      },
    },
  };
}
