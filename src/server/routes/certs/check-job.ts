/**
 * Live TLS checks of the stored targets: now (POST /api/certs/check) or on a schedule (the durable
 * job `certs.check`, which re-enqueues itself `certs.checkIntervalMinutes` later under the key
 * `certs.check`, so however many replicas run, one check run is pending at a time).
 */
import { checkTargets, type TlsCheckResult } from '../../../estate/tls/probe.js';
import type { CertResult, CertTarget } from '../../../store/certs/index.js';
import type { TransactionStore } from '../../../store/index.js';
import type { ServerContext } from '../../context.js';
import type { JobHandler } from '../../jobs/types.js';

export const CERTS_CHECK_JOB = 'certs.check';
/** Results older than this are pruned after each scheduled run (each target keeps its latest). */
export const CERTS_RESULT_RETENTION_DAYS = 90;
/** Per endpoint; a check run is as slow as its slowest batch. */
export const CERTS_CHECK_TIMEOUT_MS = 10_000;
export const CERTS_CHECK_CONCURRENCY = 8;

/** Probes the targets (no database access while connecting). */
export async function probeTargets(
  ctx: ServerContext,
  targets: readonly CertTarget[],
  ca: string | undefined,
): Promise<Array<{ target: CertTarget; check: TlsCheckResult }>> {
  const checks = await checkTargets(
    targets.map((t) => ({
      host: t.host,
      port: t.port,
      ...(t.servername ? { servername: t.servername } : {}),
    })),
    {
      now: ctx.clock.now(),
      timeoutMs: CERTS_CHECK_TIMEOUT_MS,
      concurrency: CERTS_CHECK_CONCURRENCY,
      ...(ca !== undefined ? { ca } : {}),
    },
  );
  return targets.map((target, i) => ({ target, check: checks[i]! }));
}

/** Stores checks; targets deleted meanwhile are skipped. */
export async function storeChecks(
  tx: TransactionStore,
  checks: ReadonlyArray<{ target: CertTarget; check: TlsCheckResult }>,
): Promise<Array<{ target: CertTarget; result: CertResult }>> {
  const out: Array<{ target: CertTarget; result: CertResult }> = [];
  for (const { target, check } of checks) {
    if (!(await tx.certs.targets.get(target.id))) continue;
    out.push({ target, result: await tx.certs.results.add(target.id, check) });
  }
  return out;
}

/** Enqueues the next scheduled run (a no-op when one is already pending). */
export async function scheduleCertChecks(ctx: ServerContext, at: Date): Promise<boolean> {
  return ctx.store.notify.jobs.enqueue({
    kind: CERTS_CHECK_JOB,
    runAt: at.toISOString(),
    payload: {},
    key: CERTS_CHECK_JOB,
  });
}

/**
 * The `certs.check` job: schedules the next run, checks every target, stores the results and
 * prunes old ones. `ca`: the extra trusted CA bundle (`certs.ca_file`), read at start-up.
 */
export function certsCheckHandler(ca: string | undefined): JobHandler {
  return async (_job, ctx) => {
    const started = ctx.clock.now();
    // The next run first: a failing run (retried by the runner, or superseded by this pending one)
    // never ends the schedule.
    await scheduleCertChecks(
      ctx,
      new Date(started.getTime() + ctx.config.certs.checkIntervalMinutes * 60_000),
    );
    const targets = await ctx.store.certs.targets.list();
    const checks = await probeTargets(ctx, targets, ca);
    await ctx.store.transaction(async (tx) => {
      await storeChecks(tx, checks);
      await tx.certs.results.prune(new Date(started.getTime() - CERTS_RESULT_RETENTION_DAYS * 86_400_000));
    });
  };
}
