import { newId } from '../../core/ids.js';
import { iso, withTransaction, type StoreContext } from '../context.js';
import { isUniqueViolation } from '../dialect.js';
import type { JobsTable, JobStatus } from './schema.js';

/** Default number of runs before a failing job is given up (status `failed`). */
export const DEFAULT_MAX_ATTEMPTS = 8;

export interface NewJob {
  kind: string;
  /** ISO time; normalised to `toISOString()` form. */
  runAt: string;
  payload: unknown;
  /** At most one pending job per key. */
  key?: string;
  maxAttempts?: number;
}

export interface EnqueueOptions {
  /** With `key`: an existing pending job with the same key gets this job's run time, kind and payload
   * (returns true) instead of the call being a no-op. */
  replace?: boolean;
}

export interface Job {
  id: string;
  kind: string;
  key: string | null;
  payload: unknown;
  runAt: string;
  status: JobStatus;
  attempt: number;
  maxAttempts: number;
  lockedBy: string | null;
  lockedUntil: string | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** A claimed job: `attempt` is this run's number, `lockedBy` the claiming runner. */
export type ClaimedJob = Job & { lockedBy: string; lockedUntil: string };

export interface JobsStore {
  /** Adds a pending job; with `key`, a pending job with the same key makes this a no-op (returns false). */
  enqueue(job: NewJob, options?: EnqueueOptions): Promise<boolean>;
  /**
   * Claims up to `limit` due jobs for `workerId` with a lease until `now + leaseMs`: pending jobs
   * whose run time has come and running jobs whose lease expired (their runner died). PostgreSQL:
   * `SELECT ... FOR UPDATE SKIP LOCKED` so concurrent runners never claim the same row; SQLite:
   * the claim transaction holds the write lock.
   */
  claim(workerId: string, options: { now: Date; limit: number; leaseMs: number }): Promise<ClaimedJob[]>;
  /** Marks a claimed job done. False when the claim was lost (lease expired and reclaimed). */
  complete(job: ClaimedJob, now: Date): Promise<boolean>;
  /** Puts a claimed job back to pending at `runAt` with the error. False when the claim was lost. */
  retry(job: ClaimedJob, runAt: Date, error: string | null, now: Date): Promise<boolean>;
  /** Gives a claimed job up (status `failed`). False when the claim was lost. */
  fail(job: ClaimedJob, error: string, now: Date): Promise<boolean>;
  /** Deletes the pending job with this key, if any; true when one was removed. */
  cancel(key: string): Promise<boolean>;
  get(id: string): Promise<Job | undefined>;
  /** The pending job with this key. */
  pendingByKey(key: string): Promise<Job | undefined>;
  /** Jobs newest first, filtered. */
  list(filter?: { status?: JobStatus; kind?: string; limit?: number }): Promise<Job[]>;
  /** Counts by status (for metrics and tests). */
  counts(): Promise<Record<JobStatus, number>>;
}

function toJob(row: JobsTable): Job {
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    payload: JSON.parse(row.payload) as unknown,
    runAt: row.run_at,
    status: row.status,
    attempt: Number(row.attempt),
    maxAttempts: Number(row.max_attempts),
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    lastError: row.last_error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

function normaliseTime(value: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new TypeError(`Invalid job run time: ${value}`);
  return d.toISOString();
}

export function createJobsStore(ctx: StoreContext): JobsStore {
  const { db } = ctx;
  const owned = (job: ClaimedJob) =>
    db
      .updateTable('jobs')
      .where('id', '=', job.id)
      .where('status', '=', 'running')
      .where('locked_by', '=', job.lockedBy)
      .where('attempt', '=', job.attempt);

  return {
    async enqueue(job, options = {}) {
      const row: JobsTable = {
        id: newId(),
        kind: job.kind,
        key: job.key ?? null,
        pending_key: job.key ?? null,
        payload: JSON.stringify(job.payload ?? null),
        run_at: normaliseTime(job.runAt),
        status: 'pending',
        attempt: 0,
        max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: iso(ctx.clock.now()),
        finished_at: null,
      };
      if (job.key === undefined) {
        await db.insertInto('jobs').values(row).execute();
        return true;
      }
      const result = await db
        .insertInto('jobs')
        .values(row)
        .onConflict((oc) =>
          options.replace
            ? oc.column('pending_key').doUpdateSet((eb) => ({
                kind: eb.ref('excluded.kind'),
                payload: eb.ref('excluded.payload'),
                run_at: eb.ref('excluded.run_at'),
                max_attempts: eb.ref('excluded.max_attempts'),
              }))
            : oc.column('pending_key').doNothing(),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    async claim(workerId, { now, limit, leaseMs }) {
      const nowIso = iso(now);
      const lockedUntil = iso(new Date(now.getTime() + leaseMs));
      const rows = await withTransaction(ctx, async (trx) => {
        let select = trx
          .selectFrom('jobs')
          .select('id')
          .where((eb) =>
            eb.or([
              eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', nowIso)]),
              eb.and([eb('status', '=', 'running'), eb('locked_until', '<', nowIso)]),
            ]),
          )
          .orderBy('run_at')
          .limit(limit);
        if (ctx.dialect === 'postgres') select = select.forUpdate().skipLocked();
        const ids = (await select.execute()).map((r) => r.id);
        if (ids.length === 0) return [];
        return trx
          .updateTable('jobs')
          .set((eb) => ({
            status: 'running',
            pending_key: null,
            locked_by: workerId,
            locked_until: lockedUntil,
            attempt: eb('attempt', '+', 1),
          }))
          .where('id', 'in', ids)
          .returningAll()
          .execute();
      });
      return rows
        .map((r) => toJob(r) as ClaimedJob)
        .sort((a, b) => (a.runAt < b.runAt ? -1 : a.runAt > b.runAt ? 1 : 0));
    },

    async complete(job, now) {
      const r = await owned(job)
        .set({ status: 'done', locked_until: null, finished_at: iso(now) })
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async retry(job, runAt, error, now) {
      const set = {
        status: 'pending' as const,
        run_at: iso(runAt),
        locked_by: null,
        locked_until: null,
        last_error: error,
      };
      try {
        const r = await owned(job)
          .set({ ...set, pending_key: job.key })
          .executeTakeFirst();
        return Number(r.numUpdatedRows) > 0;
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        // A newer pending job with the same key exists: it supersedes this retry.
        const r = await owned(job)
          .set({
            status: 'done',
            locked_until: null,
            finished_at: iso(now),
            last_error: `${error ?? 'retry'}; superseded by a newer pending job with key ${job.key}`,
          })
          .executeTakeFirst();
        return Number(r.numUpdatedRows) > 0;
      }
    },

    async fail(job, error, now) {
      const r = await owned(job)
        .set({ status: 'failed', locked_until: null, finished_at: iso(now), last_error: error })
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async cancel(key) {
      const r = await db.deleteFrom('jobs').where('pending_key', '=', key).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async get(id) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toJob(row) : undefined;
    },

    async pendingByKey(key) {
      const row = await db.selectFrom('jobs').selectAll().where('pending_key', '=', key).executeTakeFirst();
      return row ? toJob(row) : undefined;
    },

    async list(filter = {}) {
      let q = db.selectFrom('jobs').selectAll();
      if (filter.status) q = q.where('status', '=', filter.status);
      if (filter.kind) q = q.where('kind', '=', filter.kind);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map(toJob);
    },

    async counts() {
      const rows = await db
        .selectFrom('jobs')
        .select((eb) => ['status', eb.fn.countAll<string | number>().as('n')])
        .groupBy('status')
        .execute();
      const out: Record<JobStatus, number> = { pending: 0, running: 0, done: 0, failed: 0 };
      for (const r of rows) out[r.status] = Number(r.n);
      return out;
    },
  };
}
