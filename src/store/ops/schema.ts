/** Tables of the ops context: alerts, ingest inbox, dead letters, integrations, incidents and their timelines. Conventions as in ../schema.ts. */
import type { Generated } from 'kysely';

/** An integration: one monitoring source sending alerts with its own secret ingest key. */
export interface OpsIntegrationsTable {
  id: string;
  name: string;
  /** An AlertSource (alertmanager, grafana, cloudwatch, azure-monitor, gcp-monitoring, pagerduty). */
  source: string;
  /** SHA-256 hex of the ingest key (src/core/secret-hash.ts); the key itself is never stored. */
  key_hash: string;
  /** First characters of the key, for display. */
  key_prefix: string;
  created_by: string;
  created_at: string;
  disabled: number;
  auth_failures: number;
  /** Resolve firing alerts not seen for this many minutes (sources that never send resolves); NULL: never. */
  resolve_timeout_minutes: number | null;
  last_received_at: string | null;
  /** SNS: the last subscription confirmation visited (JSON: topicArn, at, status), or NULL. */
  sns_subscription: string | null;
}

/**
 * One row per dedup key. The `received_*`-like columns (status ... raw) are the latest state the
 * source sent (written by ingestion); the `tracked_*` columns, group, incident, service, silence and
 * flapping are the processor's view (src/ops/grouping.ts TrackedAlert).
 */
export interface OpsAlertsTable {
  dedup_key: string;
  integration_id: string;
  source: string;
  fingerprint: string;
  status: string;
  severity: string;
  summary: string;
  /** JSON object. */
  labels: string;
  annotations: string;
  starts_at: string;
  ends_at: string | null;
  source_group_key: string | null;
  generator_url: string | null;
  /** SHA-256 of status, startsAt, endsAt and labels: the same value again is a duplicate. */
  content_hash: string;
  seen_count: number;
  first_received_at: string;
  last_received_at: string;
  /** The source's JSON for this alert (capped). */
  raw: string;
  /** Processor state: null until processed. */
  tracked_status: string | null;
  group_key: string | null;
  service_id: string | null;
  incident_id: string | null;
  silenced_by: string | null;
  flapping: number;
  first_seen: string | null;
  last_seen: string | null;
  /** JSON array of ISO instants of status changes (flapping window). */
  changes: string;
}

/** Accepted batches awaiting the processor, in order. */
/**
 * One row (id 1): how far the incident processor got in the SQLite inbox file (src/store/inbox-file.ts);
 * requests with seq <= processed_seq are processed. Stays 0 on PostgreSQL.
 */
export interface OpsInboxProgressTable {
  id: number;
  processed_seq: number;
}

export interface OpsInboxTable {
  seq: Generated<number>;
  integration_id: string;
  received_at: string;
  /**
   * JSON. A staged request (since migration 0010, `body` set): { source, headers } (the headers its
   * normalizer reads). Normalized alerts (`OpsStore.accept` with alerts): { source, alerts,
   * acknowledgements, record: true }. Before 0010: { source, alerts (without raw),
   * acknowledgements }, alerts already recorded in ops_alerts at ingest.
   */
  batch: string;
  /**
   * Alerts plus acknowledgements in `batch` (since migration 0008; 0 for older rows): the
   * processor sizes its transactions without reading the batches it will not take.
   */
  alert_count: Generated<number>;
  /**
   * The request body as received (since migration 0010), normalized again and recorded in
   * ops_alerts by the processor; NULL for rows holding normalized alerts.
   */
  body: string | null;
}

export interface OpsDeadLettersTable {
  id: string;
  integration_id: string;
  received_at: string;
  content_type: string | null;
  /** The body as received, capped (see `truncated`). */
  body: string;
  body_bytes: number;
  truncated: number;
  error_code: string;
  /** JSON pointer into the body. */
  path: string;
  message: string;
}

/** Grouping state per group key (src/ops/grouping.ts AlertGroup) and the incident of its current episode. */
export interface OpsGroupsTable {
  group_key: string;
  service_id: string;
  episode: number;
  status: string;
  opened_at: string;
  resolved_at: string | null;
  /** Unused since migration 0008 (always '[]'): the members are rows of ops_group_members. */
  alert_keys: string;
  incident_id: string | null;
}

/** A member (alert) of a group's current episode; a new episode starts with none. */
export interface OpsGroupMembersTable {
  group_key: string;
  dedup_key: string;
}

export interface OpsIncidentsTable {
  id: string;
  /** Per-install sequence (1, 2, ...). */
  number: number;
  service_id: string;
  title: string;
  severity: string;
  status: string;
  assignee_id: string | null;
  group_key: string;
  episode: number;
  created_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  silenced: number;
  alert_count: number;
  firing_count: number;
  /** JSON object: labels common to its alerts. */
  labels: string;
  updated_at: string;
}

/** Which alerts belong to which incident (an alert can belong to several episodes' incidents). */
export interface OpsIncidentAlertsTable {
  incident_id: string;
  dedup_key: string;
  attached_at: string;
}

export interface OpsTimelineTable {
  id: Generated<number>;
  incident_id: string;
  at: string;
  kind: string;
  /** JSON: the TimelineEntry. */
  entry: string;
}

export interface OpsTables {
  ops_integrations: OpsIntegrationsTable;
  ops_alerts: OpsAlertsTable;
  ops_inbox: OpsInboxTable;
  ops_inbox_progress: OpsInboxProgressTable;
  ops_dead_letters: OpsDeadLettersTable;
  ops_groups: OpsGroupsTable;
  ops_group_members: OpsGroupMembersTable;
  ops_incidents: OpsIncidentsTable;
  ops_incident_alerts: OpsIncidentAlertsTable;
  ops_timeline: OpsTimelineTable;
}
