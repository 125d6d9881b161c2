import type { FastifyPluginAsync } from 'fastify';
import { Gauge } from 'prom-client';
import { IngestCommitter } from '../../ops/group-commit.js';
import { startInboxLoop, type InboxLoop } from '../../ops/inbox-loop.js';
import { countRecorded } from '../../ops/ingest.js';
import { startProcessorThread } from '../../ops/processor-thread.js';
import { addSqliteLockWaits } from '../../metrics.js';
import { incidentsRoutes } from './incidents-routes.js';
import { createIngestHandler, ingestRoutes, PAGERDUTY_ROUTE, WEBHOOK_SOURCES } from './ingest-routes.js';
import { integrationsRoutes } from './integrations-routes.js';

/**
 * The inbox is processed this soon after an ingest commit: commits in the meantime are processed together (one
 * processor transaction for many requests instead of one each, which under load halved what
 * ingestion could accept), at the price of this much delay before an incident opens.
 */
const INBOX_KICK_DELAY_MS = 20;
/** Ingest group transactions in flight at once on PostgreSQL (of the pool's 10 connections). */
const POSTGRES_GROUPS_IN_FLIGHT = 4;

/** Alerts and incidents: ingestion (one route per source), incidents, integrations. */
export const opsContext: FastifyPluginAsync = async (app) => {
  const ctx = app.opsdeck;
  // Group commit on both dialects: SQLite has one connection, so one group at a time;
  // PostgreSQL runs a few groups in parallel on its pool (a single pipeline serialised them).
  const committer = new IngestCommitter(ctx.store, {
    concurrency: ctx.store.dialect === 'sqlite' ? 1 : POSTGRES_GROUPS_IN_FLIGHT,
    onNoteError: (err) => app.log.warn({ err }, "could not write integrations' last_received_at"),
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
      // In its own thread when the server has one to give it (a database other threads can open),
      // else (and if that thread dies) in this one.
      let loop: InboxLoop | undefined;
      const onRecorded = (outcomes: Parameters<typeof countRecorded>[1]): void =>
        countRecorded(ctx, outcomes);
      const inProcess = (): InboxLoop =>
        startInboxLoop(ctx, { ingestBusy: () => committer.busy, onRecorded, logger: app.log });
      const thread = ctx.processorThread
        ? startProcessorThread(
            ctx.processorThread,
            app.log,
            () => {
              committer.activity = undefined;
              loop ??= inProcess();
            },
            onRecorded,
          )
        : undefined;
      if (thread) committer.activity = thread.activity;
      if (thread && ctx.store.dialect === 'sqlite')
        addSqliteLockWaits(ctx.metrics.registry, 'incident-processor', thread.lockWaits);
      else loop = inProcess();
      wake = () => (thread?.alive ? thread.wake() : loop?.wake());
      return async () => {
        wake = undefined;
        if (kickTimer) clearTimeout(kickTimer);
        kickTimer = undefined;
        await thread?.stop();
        await loop?.stop();
      };
    },
  });

  const handle = createIngestHandler(ctx, kick, committer);
  ctx.ingest = { handle, routes: { webhookSources: WEBHOOK_SOURCES, pagerDutyPath: PAGERDUTY_ROUTE } };
  await app.register(ingestRoutes(handle));
  await app.register(integrationsRoutes);
  await app.register(incidentsRoutes);
};
