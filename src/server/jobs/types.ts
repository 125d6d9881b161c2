import type { ServerContext } from '../context.js';

/** One durable job as a handler sees it (the row is owned by the notify store's `jobs`). */
export interface JobRun {
  id: string;
  kind: string;
  /** The JSON payload given to `jobs.enqueue`. */
  payload: unknown;
  /** 1 on the first run, 2 on the first retry, ... */
  attempt: number;
  runAt: string;
}

/**
 * Runs one job. Resolving completes it; returning `{ retryAt }` runs it again then; throwing
 * records the error and retries with backoff until the runner gives up.
 */
export type JobHandler = (job: JobRun, ctx: ServerContext) => Promise<void | { retryAt: string }>;
