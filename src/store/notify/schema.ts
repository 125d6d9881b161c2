/** Tables of the notify context: durable jobs, notification channels and delivery attempts. Conventions as in ../schema.ts. */
export interface NotifyTables {
  jobs: JobsTable;
  notify_channels: NotifyChannelsTable;
  notify_deliveries: NotifyDeliveriesTable;
}

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

export interface JobsTable {
  id: string;
  kind: string;
  key: string | null;
  /** `key` while pending, NULL otherwise (UNIQUE: one pending job per key). */
  pending_key: string | null;
  /** JSON. */
  payload: string;
  run_at: string;
  status: JobStatus;
  /** Runs started so far (a claim increments it). */
  attempt: number;
  max_attempts: number;
  locked_by: string | null;
  /** Lease end of a running job; after it, another runner may reclaim the job. */
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

export type ChannelType = 'webhook' | 'slack' | 'email';

export interface NotifyChannelsTable {
  id: string;
  name: string;
  type: ChannelType;
  /** AES-256-GCM sealed target (URL or address), see src/server/notify/secret-box.ts. */
  target_enc: string;
  target_hint: string;
  user_id: string | null;
  service_id: string | null;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'gave-up';

export interface NotifyDeliveriesTable {
  id: string;
  channel_id: string | null;
  channel_type: ChannelType;
  incident_id: string | null;
  /** `page`, `resolved`, `test`. */
  event: string;
  user_id: string | null;
  status: DeliveryStatus;
  attempts: number;
  /** Host or address (never the secret URL). */
  destination: string;
  last_response: string | null;
  created_at: string;
  updated_at: string;
}
