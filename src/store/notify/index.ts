import type { StoreContext } from '../context.js';
import {
  createChannelsStore,
  createDeliveriesStore,
  type ChannelsStore,
  type DeliveriesStore,
} from './channels.js';
import { createJobsStore, type JobsStore } from './jobs.js';

export type {
  ChannelInput,
  ChannelRecord,
  ChannelsStore,
  DeliveriesStore,
  DeliveryRecord,
} from './channels.js';
export type { ClaimedJob, EnqueueOptions, Job, JobsStore, NewJob } from './jobs.js';
export type { ChannelType, DeliveryStatus, JobStatus } from './schema.js';

/** The notify store: durable jobs, notification channels and delivery attempts. */
export interface NotifyStore {
  readonly jobs: JobsStore;
  readonly channels: ChannelsStore;
  readonly deliveries: DeliveriesStore;
}

export function createNotifyStore(ctx: StoreContext): NotifyStore {
  return {
    jobs: createJobsStore(ctx),
    channels: createChannelsStore(ctx),
    deliveries: createDeliveriesStore(ctx),
  };
}
