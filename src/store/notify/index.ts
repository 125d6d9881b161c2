import type { StoreContext } from '../context.js';
import { createJobsStore, type JobsStore } from './jobs.js';

export type { ClaimedJob, EnqueueOptions, Job, JobsStore, NewJob } from './jobs.js';

/** The notify store: durable jobs, notification channels and delivery attempts. */
export interface NotifyStore {
  readonly jobs: JobsStore;
}

export function createNotifyStore(ctx: StoreContext): NotifyStore {
  return { jobs: createJobsStore(ctx) };
}
