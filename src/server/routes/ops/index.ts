import type { FastifyPluginAsync } from 'fastify';
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
/** Resolve timeouts are checked this often. */
const EXPIRE_INTERVAL_MS = 60_000;

/** Alerts and incidents: ingestion (one route per source), incidents, integrations. */
export const opsContext: FastifyPluginAsync = async (app) => {
  const ctx = app.opsdeck;
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
            await processInbox(ctx, { shouldStop: () => stopped });
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

  await app.register(ingestRoutes(kick));
  await app.register(integrationsRoutes);
  await app.register(incidentsRoutes);
};
