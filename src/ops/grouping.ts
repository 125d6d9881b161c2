import type { Alert, AlertStatus } from './alert.js';

/**
 * Flapping: an alert that changes state at least `changes` times within `windowMinutes` is
 * flagged. Defaults (4 changes in 60 minutes) follow Nagios' spirit: two fire/resolve cycles in an
 * hour is noise worth a look, not an outage.
 */
export const DEFAULT_FLAPPING = { changes: 4, windowMinutes: 60 } as const;

export interface GroupingConfig {
  /**
   * Label names that form the group key. When absent, the source's own group key is used
   * (Alertmanager/Grafana `groupKey`), and without one the alert is grouped by `alertname`.
   */
  groupBy?: readonly string[];
  /** Resolve alerts not seen for this many minutes (for sources that never send "resolved"). */
  resolveTimeoutMinutes?: number;
  flapping?: { changes: number; windowMinutes: number };
  /** Prefix of every group key (the service id), so alerts of different services never share a group. */
  scope?: string;
}

export interface TrackedAlert {
  dedupKey: string;
  groupKey: string;
  alert: Alert;
  status: AlertStatus;
  firstSeen: string;
  lastSeen: string;
  /** Instants of firing<->resolved changes (kept for the flapping window only). */
  changes: string[];
  flapping: boolean;
}

export interface AlertGroup {
  key: string;
  /** Increments each time the group opens again after it was resolved (one incident per episode). */
  episode: number;
  status: 'open' | 'resolved';
  openedAt: string;
  resolvedAt?: string;
  alertKeys: string[];
}

export interface GroupingState {
  alerts: Record<string, TrackedAlert>;
  groups: Record<string, AlertGroup>;
}

export type GroupingEvent =
  | { type: 'alert-new'; dedupKey: string; groupKey: string }
  | { type: 'alert-duplicate'; dedupKey: string; groupKey: string }
  | { type: 'alert-changed'; dedupKey: string; groupKey: string; from: AlertStatus; to: AlertStatus }
  | { type: 'alert-flapping'; dedupKey: string; groupKey: string; changes: number }
  | { type: 'alert-timed-out'; dedupKey: string; groupKey: string }
  | { type: 'group-opened'; groupKey: string; episode: number }
  | { type: 'group-resolved'; groupKey: string; episode: number; reason: 'all-resolved' | 'timeout' };

export function emptyGroupingState(): GroupingState {
  return { alerts: {}, groups: {} };
}

/** The group key of an alert under a configuration. */
export function groupKeyOf(alert: Alert, config: GroupingConfig): string {
  const key = unscopedGroupKey(alert, config);
  return config.scope === undefined ? key : `${config.scope}/${key}`;
}

function unscopedGroupKey(alert: Alert, config: GroupingConfig): string {
  if (config.groupBy && config.groupBy.length > 0) {
    return `${alert.source}:{${config.groupBy.map((l) => `${l}=${JSON.stringify(alert.labels[l] ?? '')}`).join(',')}}`;
  }
  if (alert.groupKey !== undefined) return `${alert.source}:${alert.groupKey}`;
  return `${alert.source}:{alertname=${JSON.stringify(alert.labels['alertname'] ?? alert.summary)}}`;
}

/**
 * A copy-on-write draft of a state: the maps are copied shallowly, and an alert or group is
 * copied only when it is about to change. The input state is never mutated, and feeding one
 * alert costs O(alerts touched), not O(state): the processor feeds alerts one by one into states
 * holding thousands (a group of every alert of one `alertname`).
 */
class Draft implements GroupingState {
  readonly alerts: Record<string, TrackedAlert>;
  readonly groups: Record<string, AlertGroup>;
  readonly #ownAlerts = new Set<string>();
  readonly #ownGroups = new Set<string>();

  /** `inPlace`: the input state's maps are the draft's (see groupingFeeder). */
  constructor(state: GroupingState, inPlace = false) {
    this.alerts = inPlace ? state.alerts : { ...state.alerts };
    this.groups = inPlace ? state.groups : { ...state.groups };
  }

  /** The alert, copied first if it is still shared with the input state. */
  alert(key: string): TrackedAlert | undefined {
    const a = this.alerts[key];
    if (!a || this.#ownAlerts.has(key)) return a;
    const copy = { ...a, changes: [...a.changes] };
    this.alerts[key] = copy;
    this.#ownAlerts.add(key);
    return copy;
  }

  setAlert(a: TrackedAlert): void {
    this.alerts[a.dedupKey] = a;
    this.#ownAlerts.add(a.dedupKey);
  }

  /** The group, copied first if it is still shared with the input state. */
  group(key: string): AlertGroup | undefined {
    const g = this.groups[key];
    if (!g || this.#ownGroups.has(key)) return g;
    const copy = { ...g, alertKeys: [...g.alertKeys] };
    this.groups[key] = copy;
    this.#ownGroups.add(key);
    return copy;
  }

  setGroup(g: AlertGroup): void {
    this.groups[g.key] = g;
    this.#ownGroups.add(g.key);
  }

  /** A plain state object (the draft's maps, without its bookkeeping). */
  state(): GroupingState {
    return { alerts: this.alerts, groups: this.groups };
  }
}

function settleGroup(
  state: Draft,
  key: string,
  at: string,
  reason: 'all-resolved' | 'timeout',
  events: GroupingEvent[],
): void {
  const shared = state.groups[key];
  if (!shared || shared.status !== 'open') return;
  const allResolved = shared.alertKeys.every((k) => state.alerts[k]?.status === 'resolved');
  if (!allResolved) return;
  const g = state.group(key)!;
  g.status = 'resolved';
  g.resolvedAt = at;
  events.push({ type: 'group-resolved', groupKey: key, episode: g.episode, reason });
}

/**
 * Feeds alerts (in order) into the state: the same alert twice (same dedup key and status) is a
 * duplicate; a status change is recorded; a firing alert opens its group (a new episode when the
 * group was resolved); a group resolves once all its alerts are resolved. Returns a new state.
 */
export function ingestAlerts(
  state: GroupingState,
  alerts: readonly Alert[],
  now: Date,
  config: GroupingConfig = {},
): { state: GroupingState; events: GroupingEvent[] } {
  const next = new Draft(state);
  const events: GroupingEvent[] = [];
  const at = now.toISOString();
  const touched = new Set<string>();
  for (const alert of alerts) touched.add(feed(next, alert, now, at, config, events));
  for (const key of touched) settleGroup(next, key, at, 'all-resolved', events);
  return { state: next.state(), events };
}

/**
 * Feeding many alerts one at a time, each with its own configuration (the pipeline routes each
 * alert to a service first): the same result as `ingestAlerts(state, [alert], now, config)` per
 * alert, without copying the state's maps once per alert. `view` is the current state (read it,
 * never mutate it); `state()` returns it once done. The input state is never mutated, unless
 * `inPlace`: then its maps are updated (an alert or group that changes is still replaced by a
 * copy, never modified), which saves copying them per feeder. The incident processor feeds a
 * transaction's batches one feeder each into one state it owns: copying its maps per batch made a
 * 200-batch transaction O(batches x alerts), the processor's largest cost.
 */
export interface GroupingFeeder {
  readonly view: GroupingState;
  ingest(alert: Alert, now: Date, config?: GroupingConfig): GroupingEvent[];
  state(): GroupingState;
}

export function groupingFeeder(state: GroupingState, options: { inPlace?: boolean } = {}): GroupingFeeder {
  const next = new Draft(state, options.inPlace);
  return {
    view: next,
    ingest(alert, now, config = {}) {
      const events: GroupingEvent[] = [];
      const at = now.toISOString();
      const key = feed(next, alert, now, at, config, events);
      settleGroup(next, key, at, 'all-resolved', events);
      return events;
    },
    state: () => next.state(),
  };
}

/** One alert into a draft; returns its group key (the group to settle). */
function feed(
  next: Draft,
  alert: Alert,
  now: Date,
  at: string,
  config: GroupingConfig,
  events: GroupingEvent[],
): string {
  const flap = config.flapping ?? DEFAULT_FLAPPING;
  const existing = next.alert(alert.dedupKey);
  const groupKey = existing?.groupKey ?? groupKeyOf(alert, config);
  let group = next.groups[groupKey];
  if (alert.status === 'firing' && (!group || group.status === 'resolved')) {
    const episode = group ? group.episode + 1 : 1;
    group = { key: groupKey, episode, status: 'open', openedAt: at, alertKeys: [] };
    next.setGroup(group);
    events.push({ type: 'group-opened', groupKey, episode });
  }
  if (!existing) {
    if (alert.status === 'resolved' && !group) {
      // A resolve for an alert never seen firing: record it, it opens nothing.
      next.setAlert({
        dedupKey: alert.dedupKey,
        groupKey,
        alert,
        status: 'resolved',
        firstSeen: at,
        lastSeen: at,
        changes: [],
        flapping: false,
      });
      events.push({ type: 'alert-new', dedupKey: alert.dedupKey, groupKey });
      return groupKey;
    }
    next.setAlert({
      dedupKey: alert.dedupKey,
      groupKey,
      alert,
      status: alert.status,
      firstSeen: at,
      lastSeen: at,
      changes: [],
      flapping: false,
    });
    events.push({ type: 'alert-new', dedupKey: alert.dedupKey, groupKey });
  } else if (existing.status === alert.status) {
    existing.lastSeen = at;
    existing.alert = { ...alert, startsAt: existing.alert.startsAt };
    events.push({ type: 'alert-duplicate', dedupKey: alert.dedupKey, groupKey });
  } else {
    const from = existing.status;
    existing.status = alert.status;
    existing.lastSeen = at;
    existing.alert = alert;
    const windowStart = now.getTime() - flap.windowMinutes * 60_000;
    existing.changes = [...existing.changes.filter((c) => Date.parse(c) > windowStart), at];
    events.push({ type: 'alert-changed', dedupKey: alert.dedupKey, groupKey, from, to: alert.status });
    const flapping = existing.changes.length >= flap.changes;
    if (flapping && !existing.flapping) {
      events.push({
        type: 'alert-flapping',
        dedupKey: alert.dedupKey,
        groupKey,
        changes: existing.changes.length,
      });
    }
    existing.flapping = flapping;
  }
  // A new alert cannot be a member yet: skip the O(group size) lookup for it.
  if (group && group.status === 'open' && (!existing || !group.alertKeys.includes(alert.dedupKey))) {
    next.group(groupKey)!.alertKeys.push(alert.dedupKey);
  }
  return groupKey;
}

/**
 * Resolves firing alerts not seen for `resolveTimeoutMinutes` (no-op without it), then resolves
 * groups whose alerts are all resolved. Call it from a periodic job with the current time.
 */
export function expireAlerts(
  state: GroupingState,
  now: Date,
  config: GroupingConfig,
): { state: GroupingState; events: GroupingEvent[] } {
  if (config.resolveTimeoutMinutes === undefined) return { state, events: [] };
  const next = new Draft(state);
  const events: GroupingEvent[] = [];
  const cutoff = now.getTime() - config.resolveTimeoutMinutes * 60_000;
  const at = now.toISOString();
  const touched = new Set<string>();
  for (const shared of Object.values(state.alerts)) {
    if (shared.status === 'firing' && Date.parse(shared.lastSeen) <= cutoff) {
      const a = next.alert(shared.dedupKey)!;
      a.status = 'resolved';
      a.alert = { ...a.alert, status: 'resolved', endsAt: at };
      events.push({ type: 'alert-timed-out', dedupKey: a.dedupKey, groupKey: a.groupKey });
      touched.add(a.groupKey);
    }
  }
  for (const key of touched) settleGroup(next, key, at, 'timeout', events);
  return { state: next.state(), events };
}
