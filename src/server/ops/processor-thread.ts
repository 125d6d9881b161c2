import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SqliteLockWaitCounter, SqliteLockWaits } from '../../store/index.js';
import type { RecordOutcome } from '../../store/ops/index.js';
import { BUSY_YIELD_FACTOR } from './processor.js';

/** Ingestion counts as busy this long after its last commit started or ended. */
export const INGEST_BUSY_MS = 50;

/** How long `stop()` waits for the thread to finish before terminating it. */
const STOP_TIMEOUT_MS = 15_000;

export interface ProcessorThreadOptions {
  /** The database the server opened: `sqlite:<absolute file>` or the PostgreSQL URL. */
  databaseUrl: string;
  sqliteSynchronous?: 'normal' | 'full';
  logLevel: string;
  /** See processInbox (default BUSY_YIELD_FACTOR). */
  yieldFactor?: number;
}

export interface ProcessorWorkerData extends Required<Omit<ProcessorThreadOptions, 'sqliteSynchronous'>> {
  sqliteSynchronous?: 'normal' | 'full';
  /** One float: Date.now() of the last ingest commit start or end (written by IngestCommitter). */
  activity: SharedArrayBuffer;
  /** Two floats: the thread's SQLite lock waits and seconds (see `sharedLockWaits`). */
  lockWaits: SharedArrayBuffer;
}

/**
 * A lock-wait counter over shared memory: the thread's connection counts into it, the server's
 * metrics read it (`opsdeck_sqlite_lock_wait*{connection="incident-processor"}`).
 */
export function sharedLockWaits(buffer: SharedArrayBuffer): SqliteLockWaitCounter {
  const f = new Float64Array(buffer);
  return {
    get waits() {
      return f[0]!;
    },
    set waits(n: number) {
      f[0] = n;
    },
    get seconds() {
      return f[1]!;
    },
    set seconds(n: number) {
      f[1] = n;
    },
  };
}

/** tsx's ESM API module (a devDependency: only tests and `tsx` runs start the thread from sources). */
function tsxApi(): string {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(path.join(path.dirname(pkg), 'dist/esm/api/index.mjs')).href;
}

export interface ProcessorThread {
  /** Where the ingest committer records its activity (the thread yields while it is recent). */
  readonly activity: Float64Array;
  /** Whether the thread is running (false once it failed or exited). */
  readonly alive: boolean;
  /** SQLite: how often and how long the thread's connection waited for the write lock. */
  readonly lockWaits: SqliteLockWaits;
  wake(): void;
  /** Lets the transaction in progress finish, closes the thread's connection, waits for its exit. */
  stop(): Promise<void>;
}

/**
 * Runs the incident processor (./inbox-loop.ts) in a worker thread with its own database
 * connection, so its CPU time (routing, grouping, statements) is not taken from the request
 * thread (with the processor switched off, ingestion accepted about 1.6x the requests; in
 * bench:ingest A/B runs the thread gave 50-alert batches p99 65-93 ms against 103-138 ms
 * in-process, single-alert throughput within the noise). On SQLite
 * the two connections share the one write lock; the request thread waits for it without blocking
 * its event loop (src/store/dialect.ts). `onExit` is called when the thread stops other than by
 * `stop()` (the caller then processes in-process); `onRecorded` with what each of its
 * transactions recorded (metrics live in this thread).
 */
export function startProcessorThread(
  options: ProcessorThreadOptions,
  logger: Pick<Logger, 'error'>,
  onExit: () => void,
  onRecorded?: (outcomes: readonly Pick<RecordOutcome, 'source' | 'stored' | 'duplicates'>[]) => void,
): ProcessorThread {
  const activity = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);
  const lockWaits = new SharedArrayBuffer(2 * Float64Array.BYTES_PER_ELEMENT);
  // From sources (tests, tsx) the worker is TypeScript.
  const fromSources = import.meta.url.endsWith('.ts');
  const data: ProcessorWorkerData = {
    databaseUrl: options.databaseUrl,
    logLevel: options.logLevel,
    yieldFactor: options.yieldFactor ?? BUSY_YIELD_FACTOR,
    activity,
    lockWaits,
    ...(options.sqliteSynchronous && { sqliteSynchronous: options.sqliteSynchronous }),
  };
  const entry = new URL(`./processor-worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  const worker = fromSources
    ? new Worker(
        // tsx's loader registered in the thread itself (`--import tsx` in execArgv does not reach a worker on Node 20).
        `import(${JSON.stringify(tsxApi())})
          .then((tsx) => {
            tsx.register();
            return import(${JSON.stringify(entry.href)});
          })
          .catch((e) => {
            require('node:worker_threads').parentPort.postMessage({ failed: String(e && e.stack || e) });
            process.exit(1);
          });`,
        { eval: true, workerData: data },
      )
    : new Worker(entry, { workerData: data });
  let alive = true;
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', (e) => logger.error({ err: e }, 'incident processor thread failed'));
  worker.on(
    'message',
    (m: { failed?: string; recorded?: Pick<RecordOutcome, 'source' | 'stored' | 'duplicates'>[] }) => {
      if (m.failed !== undefined) logger.error({ error: m.failed }, 'incident processor thread failed');
      if (m.recorded) onRecorded?.(m.recorded);
    },
  );
  worker.on('exit', (code) => {
    alive = false;
    if (stopping) return;
    logger.error({ code }, 'incident processor thread exited; processing in the request thread');
    onExit();
  });
  return {
    activity: new Float64Array(activity),
    lockWaits: sharedLockWaits(lockWaits),
    get alive() {
      return alive;
    },
    wake() {
      if (alive) worker.postMessage('wake');
    },
    async stop() {
      if (stopping) return exited;
      stopping = true;
      if (alive) worker.postMessage('stop');
      // A thread that does not finish its transaction in time (a hung connection) is terminated.
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
