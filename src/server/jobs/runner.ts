import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { ClaimedJob } from '../../store/notify/index.js';
import type { ServerContext } from '../context.js';
import type { BackgroundTask } from '../background.js';

/**
 * The durable job runner. Jobs live in the `jobs` table (src/store/notify/jobs.ts); any number of
 * server replicas run this loop against the same database. A claim marks a job `running` with a
 * lease (PostgreSQL: rows picked with `FOR UPDATE SKIP LOCKED`, so two replicas never claim the same
 * job; SQLite: the claim transaction holds the write lock). The outcome is written only if the
 * claim still holds (same runner, same attempt), so a job whose lease expired and was reclaimed by
 * another replica cannot be completed twice. A replica that dies mid-job leaves a lease that
 * expires; the job then runs again (handlers are written to be idempotent for that case).
 */

export interface RunDueJobsOptions {
  /** Most jobs claimed in one call (default 20). */
  limit?: number;
  /** Identifies this runner in `locked_by` (default: host:pid:random, fixed per process). */
  workerId?: string;
  /** How long a claim holds before another runner may reclaim the job (default 5 min). */
  leaseMs?: number;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/** Backoff before retry number `attempt` (1-based run that failed): 5 s, 10 s, 20 s, ... capped at 15 min. */
export function retryDelayMs(attempt: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 15 * 60_000);
}

const processWorkerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

interface JobMetrics {
  runs: Counter<'kind' | 'outcome'>;
}
const metricsByRegistry = new WeakMap<Registry, JobMetrics>();

function jobMetrics(registry: Registry): JobMetrics {
  let m = metricsByRegistry.get(registry);
  if (!m) {
    m = {
      runs: new Counter({
        name: 'opsdeck_jobs_runs_total',
        help: 'Durable job runs, by kind and outcome (done, retry, failed, lost = the lease was lost)',
        labelNames: ['kind', 'outcome'] as const,
        registers: [registry],
      }),
    };
    metricsByRegistry.set(registry, m);
  }
  return m;
}

function errorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.length > 2000 ? `${message.slice(0, 2000)}...` : message;
}

async function runOne(
  ctx: ServerContext,
  job: ClaimedJob,
  metrics: JobMetrics,
  logger: RunDueJobsOptions['logger'],
): Promise<void> {
  const { jobs } = ctx.store.notify;
  const handler = ctx.jobHandlers.get(job.kind);
  let outcome: 'done' | 'retry' | 'failed';
  let held: boolean;
  try {
    if (!handler) throw new Error(`no handler registered for job kind ${job.kind}`);
    const result = await handler(
      { id: job.id, kind: job.kind, payload: job.payload, attempt: job.attempt, runAt: job.runAt },
      ctx,
    );
    const now = ctx.clock.now();
    if (result && 'retryAt' in result) {
      outcome = 'retry';
      held = await jobs.retry(job, new Date(result.retryAt), null, now);
    } else {
      outcome = 'done';
      held = await jobs.complete(job, now);
    }
  } catch (e) {
    const now = ctx.clock.now();
    const message = errorText(e);
    if (job.attempt >= job.maxAttempts) {
      outcome = 'failed';
      held = await jobs.fail(job, `gave up after ${job.attempt} attempts: ${message}`, now);
      logger?.error({ jobId: job.id, kind: job.kind, attempt: job.attempt, err: message }, 'job failed');
    } else {
      outcome = 'retry';
      held = await jobs.retry(job, new Date(now.getTime() + retryDelayMs(job.attempt)), message, now);
      logger?.warn(
        { jobId: job.id, kind: job.kind, attempt: job.attempt, err: message },
        'job will be retried',
      );
    }
  }
  metrics.runs.inc({ kind: job.kind, outcome: held ? outcome : 'lost' });
}

/**
 * Claims the jobs due now and runs them (concurrently within the batch); resolves with how many
 * were claimed. Tests call this directly with a controlled clock; servers run it in a loop.
 */
export async function runDueJobs(ctx: ServerContext, opts: RunDueJobsOptions = {}): Promise<number> {
  const claimed = await ctx.store.notify.jobs.claim(opts.workerId ?? processWorkerId, {
    now: ctx.clock.now(),
    limit: opts.limit ?? 20,
    leaseMs: opts.leaseMs ?? 5 * 60_000,
  });
  const metrics = jobMetrics(ctx.metrics.registry);
  await Promise.all(claimed.map((job) => runOne(ctx, job, metrics, opts.logger)));
  return claimed.length;
}

export interface JobRunnerOptions extends RunDueJobsOptions {
  /** Poll interval when nothing is due (default 1000 ms). */
  intervalMs?: number;
}

/** The background task polling `runDueJobs`: immediately again after a full batch, else after `intervalMs`. */
export function jobRunnerTask(ctx: ServerContext, opts: JobRunnerOptions = {}): BackgroundTask {
  // Registered with the task, so /metrics lists opsdeck_jobs_runs_total before the first job runs.
  jobMetrics(ctx.metrics.registry);
  return {
    name: 'jobs',
    start() {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let wake: (() => void) | undefined;
      const limit = opts.limit ?? 20;
      const loop = async (): Promise<void> => {
        while (!stopped) {
          let n = 0;
          try {
            n = await runDueJobs(ctx, opts);
          } catch (e) {
            opts.logger?.error({ err: errorText(e) }, 'job runner poll failed');
          }
          if (stopped || n >= limit) continue;
          await new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(resolve, opts.intervalMs ?? 1000);
          });
        }
      };
      const running = loop();
      return async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        wake?.();
        await running;
      };
    },
  };
}
