import type { Alert, NormalizedBatch, Severity } from './alert.js';
import { groupingFeeder } from './grouping.js';
import type { GroupingConfig, GroupingEvent, GroupingState } from './grouping.js';
import { route } from './routing.js';
import type { RoutingConfig, Service } from './routing.js';
import { silencedBy } from './silences.js';
import type { Silence } from './silences.js';

/** What the store / job runner should do after a batch was processed. */
export type OpsCommand =
  | {
      type: 'open-incident';
      groupKey: string;
      episode: number;
      serviceId: string;
      title: string;
      severity: Severity;
      at: string;
      /** True when the opening alert is silenced: record the incident, do not start escalation. */
      silenced: boolean;
    }
  | {
      type: 'attach-alert';
      groupKey: string;
      dedupKey: string;
      status: Alert['status'];
      summary: string;
      at: string;
      /**
       * A silence matches the alert. A firing alert that no silence matches pages a silenced
       * incident it joins (the incident stops being silenced).
       */
      silenced: boolean;
    }
  | {
      type: 'resolve-incident';
      groupKey: string;
      episode: number;
      reason: 'all-resolved' | 'timeout';
      at: string;
    }
  | { type: 'acknowledge-alert'; dedupKey: string; at: string }
  | { type: 'flag-flapping'; dedupKey: string; groupKey: string };

export interface AlertDecision {
  dedupKey: string;
  serviceId: string;
  ruleIndex: number;
  groupKey: string;
  /** Silence id when the alert is silenced (recorded, does not page). */
  silencedBy?: string;
}

export interface PipelineInput {
  state: GroupingState;
  batch: NormalizedBatch;
  now: Date;
  routing: RoutingConfig;
  services: Readonly<Record<string, Service>>;
  silences: readonly Silence[];
  grouping?: Omit<GroupingConfig, 'scope' | 'groupBy'>;
  /** Update `state`'s maps in place instead of copying them (see groupingFeeder). */
  inPlace?: boolean;
}

/**
 * One normalized batch through routing, silences and grouping: each alert is routed to a
 * service, checked against silences, and grouped within its service (by the service's `groupBy`
 * labels, else the source's group key). Returns the new grouping state, a decision per alert and
 * the commands for the store and the escalation runner.
 */
export function processBatch(input: PipelineInput): {
  state: GroupingState;
  decisions: AlertDecision[];
  events: GroupingEvent[];
  commands: OpsCommand[];
} {
  const at = input.now.toISOString();
  const feeder = groupingFeeder(input.state, { inPlace: input.inPlace === true });
  const state = feeder.view;
  const decisions: AlertDecision[] = [];
  const events: GroupingEvent[] = [];
  const commands: OpsCommand[] = [];
  for (const alert of input.batch.alerts) {
    const r = route(input.routing, alert);
    const service = input.services[r.serviceId];
    const config: GroupingConfig = {
      ...input.grouping,
      scope: r.serviceId,
      ...(service?.groupBy && { groupBy: service.groupBy }),
    };
    const silence = silencedBy(input.silences, alert, input.now);
    const alertEvents = feeder.ingest(alert, input.now, config);
    const groupKey = state.alerts[alert.dedupKey]?.groupKey ?? '';
    decisions.push({
      dedupKey: alert.dedupKey,
      serviceId: r.serviceId,
      ruleIndex: r.ruleIndex,
      groupKey,
      ...(silence && { silencedBy: silence.id }),
    });
    events.push(...alertEvents);
    for (const e of alertEvents) {
      if (e.type === 'group-opened') {
        commands.push({
          type: 'open-incident',
          groupKey: e.groupKey,
          episode: e.episode,
          serviceId: r.serviceId,
          title: alert.summary,
          severity: alert.severity,
          at,
          silenced: silence !== undefined,
        });
      } else if (e.type === 'alert-new' || e.type === 'alert-changed') {
        const group = state.groups[e.groupKey];
        // A member just added is the last key: check it before scanning the whole group.
        const keys = group?.alertKeys ?? [];
        if (keys[keys.length - 1] === alert.dedupKey || keys.includes(alert.dedupKey)) {
          commands.push({
            type: 'attach-alert',
            groupKey: e.groupKey,
            dedupKey: alert.dedupKey,
            status: alert.status,
            summary: alert.summary,
            at,
            silenced: silence !== undefined,
          });
        }
      } else if (e.type === 'group-resolved') {
        commands.push({
          type: 'resolve-incident',
          groupKey: e.groupKey,
          episode: e.episode,
          reason: e.reason,
          at,
        });
      } else if (e.type === 'alert-flapping') {
        commands.push({ type: 'flag-flapping', dedupKey: e.dedupKey, groupKey: e.groupKey });
      }
    }
  }
  for (const dedupKey of input.batch.acknowledgements)
    commands.push({ type: 'acknowledge-alert', dedupKey, at });
  return { state: feeder.state(), decisions, events, commands };
}
