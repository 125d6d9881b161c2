/**
 * The incident processor's thread (started by ./processor-thread.ts): its own database connection,
 * the same loop as in-process (./inbox-loop.ts). Messages: 'wake' (an ingest commit happened),
 * 'stop' (finish the transaction in progress, close the connection, exit).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '../../core/clock.js';
import { createStore, openDatabase } from '../../store/index.js';
import { createLogger } from '../logging.js';
import { startInboxLoop } from './inbox-loop.js';
import { INGEST_BUSY_MS, sharedLockWaits, type ProcessorWorkerData } from './processor-thread.js';

const data = workerData as ProcessorWorkerData;
const port = parentPort!;
const activity = new Float64Array(data.activity);
let handle: ReturnType<typeof openDatabase>;
try {
  handle = openDatabase(data.databaseUrl, {
    poolSize: 2,
    ...(data.sqliteSynchronous && { sqliteSynchronous: data.sqliteSynchronous }),
    sqliteLockWaits: sharedLockWaits(data.lockWaits),
  });
} catch (e) {
  port.postMessage({ failed: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}
const logger = createLogger({ level: data.logLevel }).child({ thread: 'incident-processor' });
const loop = startInboxLoop(
  { store: createStore(handle), clock: systemClock },
  {
    ingestBusy: () => Date.now() - activity[0]! < INGEST_BUSY_MS,
    yieldFactor: data.yieldFactor,
    // Counted on the server's registry, in the request thread.
    onRecorded: (outcomes) =>
      port.postMessage({
        recorded: outcomes.map((o) => ({ source: o.source, stored: o.stored, duplicates: o.duplicates })),
      }),
    logger,
  },
);
port.on('message', (message: 'wake' | 'stop') => {
  if (message === 'wake') loop.wake();
  else
    void loop
      .stop()
      .then(() => handle.close())
      .finally(() => port.close());
});
