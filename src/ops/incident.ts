import { err, ok } from '../core/result.js';
import type { Result } from '../core/result.js';
import type { AlertStatus, Severity } from './alert.js';

export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

/** A page of an escalation step's target: the event and its timeline entry. */
export interface Page {
  at: string;
  key: string;
  round: number;
  step: number;
  users: string[];
  target: string;
  /** Users the target names who are disabled: not paged. */
  skipped?: string[];
}

/** Timeline entries: every change to an incident appends one; nothing is edited in place. */
export type TimelineEntry =
  | { at: string; kind: 'alert'; dedupKey: string; status: AlertStatus; summary: string }
  | ({ kind: 'page' } & Page)
  | { at: string; kind: 'ack'; by: string }
  | {
      at: string;
      kind: 'status';
      from: IncidentStatus | null;
      to: IncidentStatus;
      by?: string;
      reason?: string;
    }
  | { at: string; kind: 'note'; by: string; text: string }
  | { at: string; kind: 'reassign'; from?: string; to: string; by: string }
  | { at: string; kind: 'severity'; from: Severity; to: Severity; by?: string }
  | {
      at: string;
      kind: 'notification';
      /** Channel name and type; `to` is where it went (URL host, e-mail address), never a secret. */
      channel: string;
      channelType: 'webhook' | 'slack' | 'email';
      to: string;
      /** The user paged, when the notification is a page. */
      user?: string;
      attempt: number;
      outcome: 'delivered' | 'failed' | 'gave-up';
      detail?: string;
    };

export interface Incident {
  id: string;
  serviceId: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  assignee?: string;
  createdAt: string;
  timeline: TimelineEntry[];
}

/** What can happen to an incident. `by` is a user id or `system`. */
export type IncidentEvent =
  | { type: 'alert'; at: string; dedupKey: string; status: AlertStatus; summary: string }
  | { type: 'acknowledge'; at: string; by: string }
  | { type: 'unacknowledge'; at: string; reason: string }
  | { type: 'resolve'; at: string; by: string; reason?: string }
  | { type: 'reopen'; at: string; by: string; reason?: string }
  | { type: 'note'; at: string; by: string; text: string }
  | { type: 'reassign'; at: string; by: string; to: string }
  | { type: 'severity'; at: string; by: string; severity: Severity }
  | ({ type: 'page' } & Page);

export interface IncidentTransitionError {
  code: 'OPSDECK_E_CONFLICT';
  incidentId: string;
  event: IncidentEvent['type'];
  status: IncidentStatus;
  message: string;
}

export function openIncident(input: {
  id: string;
  serviceId: string;
  title: string;
  severity: Severity;
  at: string;
  assignee?: string;
}): Incident {
  return {
    id: input.id,
    serviceId: input.serviceId,
    title: input.title,
    severity: input.severity,
    status: 'triggered',
    ...(input.assignee !== undefined && { assignee: input.assignee }),
    createdAt: input.at,
    timeline: [{ at: input.at, kind: 'status', from: null, to: 'triggered', by: 'system' }],
  };
}

/** Which events each status accepts (alert, note, page, reassign and severity are always accepted). */
const ALLOWED: Record<IncidentStatus, readonly IncidentEvent['type'][]> = {
  triggered: ['acknowledge', 'resolve'],
  acknowledged: ['unacknowledge', 'resolve'],
  resolved: ['reopen'],
};
const ALWAYS: readonly IncidentEvent['type'][] = ['alert', 'note', 'reassign', 'severity', 'page'];

/**
 * Applies one event: triggered -> acknowledged -> resolved, resolved -> triggered (reopen),
 * acknowledged -> triggered (acknowledgement timed out). Any other transition is an error and
 * leaves the incident unchanged. Pages are refused on a resolved incident.
 */
export function applyIncidentEvent(
  incident: Incident,
  event: IncidentEvent,
): Result<Incident, IncidentTransitionError> {
  const allowed = ALWAYS.includes(event.type) || ALLOWED[incident.status].includes(event.type);
  if (!allowed || (event.type === 'page' && incident.status === 'resolved')) {
    return err({
      code: 'OPSDECK_E_CONFLICT',
      incidentId: incident.id,
      event: event.type,
      status: incident.status,
      message: `incident ${incident.id} is ${incident.status}: cannot ${event.type}`,
    });
  }
  const next: Incident = { ...incident, timeline: [...incident.timeline] };
  const status = (to: IncidentStatus, by?: string, reason?: string): void => {
    next.timeline.push({
      at: event.at,
      kind: 'status',
      from: incident.status,
      to,
      ...(by !== undefined && { by }),
      ...(reason !== undefined && { reason }),
    });
    next.status = to;
  };
  switch (event.type) {
    case 'alert':
      next.timeline.push({
        at: event.at,
        kind: 'alert',
        dedupKey: event.dedupKey,
        status: event.status,
        summary: event.summary,
      });
      break;
    case 'acknowledge':
      next.timeline.push({ at: event.at, kind: 'ack', by: event.by });
      status('acknowledged', event.by);
      if (next.assignee === undefined) next.assignee = event.by;
      break;
    case 'unacknowledge':
      status('triggered', 'system', event.reason);
      break;
    case 'resolve':
      status('resolved', event.by, event.reason);
      break;
    case 'reopen':
      status('triggered', event.by, event.reason);
      break;
    case 'note':
      next.timeline.push({ at: event.at, kind: 'note', by: event.by, text: event.text });
      break;
    case 'reassign':
      next.timeline.push({
        at: event.at,
        kind: 'reassign',
        ...(incident.assignee !== undefined && { from: incident.assignee }),
        to: event.to,
        by: event.by,
      });
      next.assignee = event.to;
      break;
    case 'severity':
      next.timeline.push({
        at: event.at,
        kind: 'severity',
        from: incident.severity,
        to: event.severity,
        by: event.by,
      });
      next.severity = event.severity;
      break;
    case 'page':
      next.timeline.push({
        at: event.at,
        kind: 'page',
        key: event.key,
        round: event.round,
        step: event.step,
        users: event.users,
        target: event.target,
        ...(event.skipped && event.skipped.length > 0 && { skipped: event.skipped }),
      });
      break;
  }
  return ok(next);
}

/** Applies events in order; stops at the first invalid one. */
export function applyIncidentEvents(
  incident: Incident,
  events: readonly IncidentEvent[],
): Result<Incident, IncidentTransitionError> {
  let cur = incident;
  for (const e of events) {
    const r = applyIncidentEvent(cur, e);
    if (!r.ok) return r;
    cur = r.value;
  }
  return ok(cur);
}

export interface IncidentMetrics {
  /** Time to acknowledge: first acknowledgement minus creation (ms); absent when never acknowledged. */
  ttaMs?: number;
  /** Time to resolve: last resolution minus creation (ms); absent while not resolved. */
  ttrMs?: number;
}

/** Per-incident times, read from the timeline only. */
export function incidentMetrics(incident: Incident): IncidentMetrics {
  const created = Date.parse(incident.createdAt);
  const ack = incident.timeline.find((e) => e.kind === 'ack');
  const resolved = [...incident.timeline].reverse().find((e) => e.kind === 'status' && e.to === 'resolved');
  return {
    ...(ack && { ttaMs: Date.parse(ack.at) - created }),
    ...(incident.status === 'resolved' && resolved && { ttrMs: Date.parse(resolved.at) - created }),
  };
}

export interface ServiceMetrics {
  serviceId: string;
  incidents: number;
  acknowledged: number;
  resolved: number;
  /** Mean time to acknowledge over acknowledged incidents (ms). */
  mttaMs?: number;
  /** Mean time to resolve over resolved incidents (ms). */
  mttrMs?: number;
  medianTtaMs?: number;
  medianTtrMs?: number;
}

function mean(xs: number[]): number | undefined {
  return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** MTTA and MTTR per service, sorted by service id. */
export function serviceMetrics(incidents: readonly Incident[]): ServiceMetrics[] {
  const by = new Map<string, Incident[]>();
  for (const i of incidents) by.set(i.serviceId, [...(by.get(i.serviceId) ?? []), i]);
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([serviceId, list]) => {
      const m = list.map(incidentMetrics);
      const tta = m.flatMap((x) => (x.ttaMs === undefined ? [] : [x.ttaMs]));
      const ttr = m.flatMap((x) => (x.ttrMs === undefined ? [] : [x.ttrMs]));
      const out: ServiceMetrics = {
        serviceId,
        incidents: list.length,
        acknowledged: tta.length,
        resolved: ttr.length,
      };
      const [a, r, ma, mr] = [mean(tta), mean(ttr), median(tta), median(ttr)];
      if (a !== undefined) out.mttaMs = a;
      if (r !== undefined) out.mttrMs = r;
      if (ma !== undefined) out.medianTtaMs = ma;
      if (mr !== undefined) out.medianTtrMs = mr;
      return out;
    });
}
