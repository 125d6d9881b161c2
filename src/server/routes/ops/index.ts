import type { FastifyPluginAsync } from 'fastify';
import { Gauge } from 'prom-client';
import { IngestCommitter } from '../../ops/group-commit.js';
import { expireStaleAlerts, processInbox } from '../../ops/processor.js';
import { incidentsRoutes } from './incidents-routes.js';
import { ingestRoutes } from './ingest-routes.js';
import { integrationsRoutes } from './integrations-routes.js';

/** The inbox is processed at least this often... */
const INBOX_INTERVAL_MS = 2000;
/**
 * ...and this soon after an ingest commit: commits in the meantime are processed together (one
 * processor transaction for many requests instead of one each, which under load halved what
 * ingestion could accept), at the price of this much delay before an incident opens.
 */
const INBOX_KICK_DELAY_MS = 20;
/** Ingest group transactions in flight at once on PostgreSQL (of the pool's 10 connections). */
const POSTGRES_GROUPS_IN_FLIGHT = 4;
/** Resolve timeouts are checked this often. */
const EXPIRE_INTERVAL_MS = 60_000;

/** Alerts and incidents: ingestion (one route per source), incidents, integrations. */
export const opsContext: FastifyPluginAsync = async (app) => {
  const ctx = app.opsdeck;
  // Group commit on both dialects: SQLite has one connection, so one group at a time;
  // PostgreSQL runs a few groups in parallel on its pool (a single pipeline serialised them).
  const committer = new IngestCommitter(ctx.store, {
    concurrency: ctx.store.dialect === 'sqlite' ? 1 : POSTGRES_GROUPS_IN_FLIGHT,
  });
  // The processor yields to busy ingestion: how far it trails is worth watching.
  new Gauge({
    name: 'opsdeck_ops_inbox_batches',
    help: 'Accepted ingest batches (requests) not yet processed into incidents',
    registers: [ctx.metrics.registry],
    async collect() {
      this.set(await ctx.store.ops.inbox.count());
    },
  });
  let wake: (() => void) | undefined;
  let kickTimer: NodeJS.Timeout | undefined;
  const kick = (): void => {
    if (kickTimer || !wake) return;
    kickTimer = setTimeout(() => {
      kickTimer = undefined;
      wake?.();
    }, INBOX_KICK_DELAY_MS);
  };

  ctx.background.add({
    name: 'ops-inbox',
    start() {
      let stopped = false;
      let inFlight: Promise<void> | undefined;
      let again = false;
      let timer: NodeJS.Timeout | undefined;
      let lastExpire = 0;
      const work = async (): Promise<void> => {
        do {
          again = false;
          try {
            await processInbox(ctx, { shouldStop: () => stopped, ingestBusy: () => committer.busy });
            if (Date.now() - lastExpire >= EXPIRE_INTERVAL_MS) {
              lastExpire = Date.now();
              await expireStaleAlerts(ctx);
            }
          } catch (err) {
            app.log.error({ err }, 'ops inbox processing failed; retrying');
          }
        } while (again && !stopped);
      };
      const run = (): void => {
        if (stopped) return;
        if (inFlight) {
          again = true;
          return;
        }
        if (timer) clearTimeout(timer);
        inFlight = work().finally(() => {
          inFlight = undefined;
          if (!stopped) timer = setTimeout(run, INBOX_INTERVAL_MS);
        });
      };
      wake = run;
      run();
      return async () => {
        stopped = true;
        wake = undefined;
        if (kickTimer) clearTimeout(kickTimer);
        kickTimer = undefined;
        if (timer) clearTimeout(timer);
        await inFlight;
      };
    },
  });

  await app.register(ingestRoutes(kick, committer));
  await app.register(integrationsRoutes);
  await app.register(incidentsRoutes);
};
