import { Type, type Static } from 'typebox';
import { SEVERITIES, type Severity } from '../../../ops/alert.js';
import type { IncidentRecord, Integration, StoredAlert } from '../../../store/ops/index.js';

export const SeverityOut = Type.Unsafe<Severity>({ type: 'string', enum: [...SEVERITIES] });
export const SeverityIn = Type.Unsafe<Severity>({ type: 'string', enum: [...SEVERITIES] });
const StatusOut = Type.Unsafe<IncidentRecord['status']>({
  type: 'string',
  enum: ['triggered', 'acknowledged', 'resolved'],
});
const Labels = Type.Record(Type.String(), Type.String());
const NullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });

export const IncidentView = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  serviceId: Type.String(),
  title: Type.String(),
  severity: SeverityOut,
  status: StatusOut,
  assigneeId: NullableString,
  groupKey: Type.String(),
  episode: Type.Integer(),
  createdAt: Type.String(),
  acknowledgedAt: NullableString,
  resolvedAt: NullableString,
  silenced: Type.Boolean(),
  alertCount: Type.Integer(),
  firingCount: Type.Integer(),
  labels: Labels,
});
export type IncidentView = Static<typeof IncidentView>;

export function incidentView(i: IncidentRecord): IncidentView {
  return {
    id: i.id,
    number: i.number,
    serviceId: i.serviceId,
    title: i.title,
    severity: i.severity,
    status: i.status,
    assigneeId: i.assigneeId ?? null,
    groupKey: i.groupKey,
    episode: i.episode,
    createdAt: i.createdAt,
    acknowledgedAt: i.acknowledgedAt ?? null,
    resolvedAt: i.resolvedAt ?? null,
    silenced: i.silenced,
    alertCount: i.alertCount,
    firingCount: i.firingCount,
    labels: i.labels,
  };
}

export const AlertView = Type.Object({
  dedupKey: Type.String(),
  source: Type.String(),
  fingerprint: Type.String(),
  status: Type.Unsafe<'firing' | 'resolved'>({ type: 'string', enum: ['firing', 'resolved'] }),
  severity: SeverityOut,
  summary: Type.String(),
  labels: Labels,
  annotations: Labels,
  startsAt: Type.String(),
  endsAt: NullableString,
  generatorUrl: NullableString,
  integrationId: Type.String(),
  incidentId: NullableString,
  serviceId: NullableString,
  silencedBy: NullableString,
  flapping: Type.Boolean(),
  seenCount: Type.Integer(),
  firstReceivedAt: Type.String(),
  lastReceivedAt: Type.String(),
});
export type AlertView = Static<typeof AlertView>;

export function alertView(a: StoredAlert): AlertView {
  return {
    dedupKey: a.dedupKey,
    source: a.source,
    fingerprint: a.fingerprint,
    status: a.status,
    severity: a.severity,
    summary: a.summary,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: a.endsAt ?? null,
    generatorUrl: a.generatorUrl ?? null,
    integrationId: a.integrationId,
    incidentId: a.incidentId ?? null,
    serviceId: a.serviceId ?? null,
    silencedBy: a.silencedBy ?? null,
    flapping: a.flapping,
    seenCount: a.seenCount,
    firstReceivedAt: a.firstReceivedAt,
    lastReceivedAt: a.lastReceivedAt,
  };
}

export const IntegrationView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  source: Type.String(),
  keyPrefix: Type.String({ description: 'First characters of the ingest key, to recognise it' }),
  ingestUrl: Type.String({
    description: 'Where the source posts (PagerDuty: the Events v2 URL; the key is routing_key)',
  }),
  createdBy: Type.String(),
  createdAt: Type.String(),
  disabled: Type.Boolean(),
  authFailures: Type.Integer(),
  resolveTimeoutMinutes: Type.Union([Type.Integer(), Type.Null()]),
  lastReceivedAt: NullableString,
  snsSubscription: Type.Union([
    Type.Object({
      topicArn: Type.String(),
      at: Type.String(),
      status: Type.Union([Type.Integer(), Type.Null()]),
      error: Type.Optional(Type.String()),
    }),
    Type.Null(),
  ]),
});
export type IntegrationView = Static<typeof IntegrationView>;

export function integrationView(i: Integration, baseUrl: string): IntegrationView {
  return {
    id: i.id,
    name: i.name,
    source: i.source,
    keyPrefix: i.keyPrefix,
    ingestUrl:
      i.source === 'pagerduty'
        ? `${baseUrl}/api/ingest/pagerduty/v2/enqueue`
        : `${baseUrl}/api/ingest/${i.source}/${i.id}`,
    createdBy: i.createdBy,
    createdAt: i.createdAt,
    disabled: i.disabled,
    authFailures: i.authFailures,
    resolveTimeoutMinutes: i.resolveTimeoutMinutes,
    lastReceivedAt: i.lastReceivedAt,
    snsSubscription: i.snsSubscription,
  };
}
