import type { Logger } from 'pino';
import type { RecordOutcome } from '../../store/ops/index.js';
import { expireStaleAlerts, processInbox, type ProcessorContext } from './processor.js';

/** The inbox is processed at least this often... */
const INBOX_INTERVAL_MS = 2000;
/** Resolve timeouts are checked this often. */
const EXPIRE_INTERVAL_MS = 60_000;

export interface InboxLoopOptions {
  /** True while ingestion is busy (the processor then yields between transactions). */
  ingestBusy: () => boolean;
  /** See processInbox. */
  yieldFactor?: number;
  /** See processInbox (the counts of opsdeck_ingest_alerts_total{result="stored"|"duplicate"}). */
  onRecorded?: (outcomes: readonly RecordOutcome[]) => void;
  logger: Pick<Logger, 'error'>;
}

export interface InboxLoop {
  /** Processes the inbox now (or again right after the pass in progress). */
  wake(): void;
  /** Stops after the transaction in progress; the rest of the inbox stays for the next start. */
  stop(): Promise<void>;
}

/**
 * The incident processor's loop: processes the inbox when woken (after ingest commits) and at
 * least every 2 s, and times out stale alerts every minute. A failed pass is logged and retried
 * on the next wake-up; the inbox is durable, so nothing is lost meanwhile.
 */
export function startInboxLoop(ctx: ProcessorContext, opts: InboxLoopOptions): InboxLoop {
  let stopped = false;
  let inFlight: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let lastExpire = 0;
  const work = async (): Promise<void> => {
    do {
      again = false;
      try {
        await processInbox(ctx, {
          shouldStop: () => stopped,
          ingestBusy: opts.ingestBusy,
          ...(opts.yieldFactor !== undefined && { yieldFactor: opts.yieldFactor }),
          ...(opts.onRecorded && { onRecorded: opts.onRecorded }),
          onSetAside: (item, err) =>
            opts.logger.error(
              { err, integrationId: item.integrationId, seq: item.seq },
              'ops inbox request failed processing twice on its own; set aside as a dead letter',
            ),
        });
        if (Date.now() - lastExpire >= EXPIRE_INTERVAL_MS) {
          lastExpire = Date.now();
          await expireStaleAlerts(ctx);
        }
      } catch (err) {
        opts.logger.error({ err }, 'ops inbox processing failed; retrying');
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
  run();
  return {
    wake: run,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
