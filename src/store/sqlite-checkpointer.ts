import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/**
 * The checkpointing thread: its own connection to the database file, a PASSIVE checkpoint every
 * `intervalMs` (PASSIVE never waits for the write lock, so the server's writes go on meanwhile;
 * SQLITE_WAL_AUTOCHECKPOINT in ./dialect.ts is the connection's own).
 * Plain JavaScript run with `eval`, so it works the same from the compiled CLI and from sources.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.message) || e) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface SqliteCheckpointer {
  /** Stops the thread (after a last checkpoint). */
  stop(): Promise<void>;
}

/**
 * Copies WAL frames into the database file from a worker thread, so that the checkpoint the
 * server's connection still runs every SQLITE_WAL_AUTOCHECKPOINT pages finds nearly everything
 * copied and only finishes it (and lets the next commit restart the WAL). A checkpoint run wholly
 * by the committing connection stalled every request behind it (bench:ingest, single-alert
 * requests: p99 45-72 ms without the thread, 32-34 ms with it). The thread cannot take the
 * checkpoints over entirely: a WAL restarts only when a checkpoint completes between two commits,
 * which a concurrent PASSIVE checkpoint under continuous writes never does (the WAL grew to 1 GB in
 * 20 s).
 */
export function startSqliteCheckpointer(file: string, logger: Logger, intervalMs = 200): SqliteCheckpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), file, intervalMs },
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (m: { error?: string }) => {
    if (m.error !== undefined) logger.warn({ error: m.error }, 'SQLite checkpoint failed');
  });
  worker.on('error', (e) =>
    logger.warn(
      { error: e.message },
      'SQLite checkpoint thread failed; the server connection checkpoints alone',
    ),
  );
  worker.on('exit', (code) => {
    if (!stopping)
      logger.warn({ code }, 'SQLite checkpoint thread exited; the server connection checkpoints alone');
  });
  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      worker.postMessage('stop');
      await exited;
    },
  };
}
