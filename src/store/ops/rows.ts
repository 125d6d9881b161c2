import { hash } from 'node:crypto';
import type { Alert, AlertSource, AlertStatus, Severity } from '../../ops/alert.js';
import type { IncidentStatus } from '../../ops/incident.js';
import type { OpsAlertsTable, OpsIncidentsTable, OpsIntegrationsTable } from './schema.js';

/** An integration as the API shows it (never the key, only its prefix). */
export interface Integration {
  id: string;
  name: string;
  source: AlertSource;
  keyPrefix: string;
  createdBy: string;
  createdAt: string;
  disabled: boolean;
  authFailures: number;
  resolveTimeoutMinutes: number | null;
  lastReceivedAt: string | null;
  snsSubscription: { topicArn: string; at: string; status: number | null; error?: string } | null;
}

export function toIntegration(r: OpsIntegrationsTable): Integration {
  return {
    id: r.id,
    name: r.name,
    source: r.source as AlertSource,
    keyPrefix: r.key_prefix,
    createdBy: r.created_by,
    createdAt: r.created_at,
    disabled: r.disabled === 1,
    authFailures: Number(r.auth_failures),
    resolveTimeoutMinutes: r.resolve_timeout_minutes === null ? null : Number(r.resolve_timeout_minutes),
    lastReceivedAt: r.last_received_at,
    snsSubscription:
      r.sns_subscription === null ? null : (JSON.parse(r.sns_subscription) as Integration['snsSubscription']),
  };
}

/** An alert as stored: the normalized alert (minus `raw`) with what the processor decided. */
export interface StoredAlert extends Omit<Alert, 'raw'> {
  integrationId: string;
  incidentId?: string;
  serviceId?: string;
  groupKey?: string;
  silencedBy?: string;
  flapping: boolean;
  seenCount: number;
  firstReceivedAt: string;
  lastReceivedAt: string;
}

export function toStoredAlert(r: OpsAlertsTable): StoredAlert {
  return {
    source: r.source as AlertSource,
    fingerprint: r.fingerprint,
    dedupKey: r.dedup_key,
    status: r.status as AlertStatus,
    severity: r.severity as Severity,
    summary: r.summary,
    labels: JSON.parse(r.labels) as Record<string, string>,
    annotations: JSON.parse(r.annotations) as Record<string, string>,
    startsAt: r.starts_at,
    ...(r.ends_at !== null && { endsAt: r.ends_at }),
    ...(r.source_group_key !== null && { groupKey: r.source_group_key }),
    ...(r.generator_url !== null && { generatorUrl: r.generator_url }),
    integrationId: r.integration_id,
    ...(r.incident_id !== null && { incidentId: r.incident_id }),
    ...(r.service_id !== null && { serviceId: r.service_id }),
    ...(r.silenced_by !== null && { silencedBy: r.silenced_by }),
    flapping: r.flapping === 1,
    seenCount: Number(r.seen_count),
    firstReceivedAt: r.first_received_at,
    lastReceivedAt: r.last_received_at,
  };
}

/** The alert (without raw) the grouping code works on, from a stored row. */
export function alertOfRow(r: OpsAlertsTable): Alert {
  const s = toStoredAlert(r);
  return {
    source: s.source,
    fingerprint: s.fingerprint,
    dedupKey: s.dedupKey,
    status: s.status,
    severity: s.severity,
    summary: s.summary,
    labels: s.labels,
    annotations: s.annotations,
    startsAt: s.startsAt,
    ...(r.ends_at !== null && { endsAt: r.ends_at }),
    ...(r.source_group_key !== null && { groupKey: r.source_group_key }),
    ...(r.generator_url !== null && { generatorUrl: r.generator_url }),
    raw: undefined,
  };
}

/** The contract's incident shape (contract.md, H1 -> everyone). */
export interface IncidentRecord {
  id: string;
  number: number;
  serviceId: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  assigneeId?: string;
  groupKey: string;
  episode: number;
  createdAt: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  silenced: boolean;
  alertCount: number;
  firingCount: number;
  /** Labels common to its alerts. */
  labels: Record<string, string>;
}

export function toIncident(r: OpsIncidentsTable): IncidentRecord {
  return {
    id: r.id,
    number: Number(r.number),
    serviceId: r.service_id,
    title: r.title,
    severity: r.severity as Severity,
    status: r.status as IncidentStatus,
    ...(r.assignee_id !== null && { assigneeId: r.assignee_id }),
    groupKey: r.group_key,
    episode: Number(r.episode),
    createdAt: r.created_at,
    ...(r.acknowledged_at !== null && { acknowledgedAt: r.acknowledged_at }),
    ...(r.resolved_at !== null && { resolvedAt: r.resolved_at }),
    silenced: r.silenced === 1,
    alertCount: Number(r.alert_count),
    firingCount: Number(r.firing_count),
    labels: JSON.parse(r.labels) as Record<string, string>,
  };
}

/** What makes a resend a duplicate: the same status, start, end and labels. */
export function contentHash(a: Pick<Alert, 'status' | 'startsAt' | 'endsAt' | 'labels'>): string {
  const keys = Object.keys(a.labels);
  // Senders mostly write labels sorted already (Go's encoding/json sorts map keys): check first.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  const labels = keys.map((k) => [k, a.labels[k]]);
  // One-shot hash (no Hash object per alert): ingestion hashes every alert it receives.
  return hash('sha256', JSON.stringify([a.status, a.startsAt, a.endsAt ?? null, labels]), 'hex');
}

/** Labels every alert of the list has with the same value. */
export function commonLabels(list: readonly Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = list;
  if (!first) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) if (rest.every((l) => l[k] === v)) out[k] = v;
  return out;
}
