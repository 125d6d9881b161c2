import type { Incident, IncidentEvent } from './incident.js';
import { whoIsOnCall } from './schedules.js';
import type { Schedule } from './schedules.js';

export type EscalationTarget =
  { type: 'user'; id: string } | { type: 'schedule'; id: string } | { type: 'team'; id: string };

export interface EscalationStep {
  targets: EscalationTarget[];
  /** Minutes to wait after this step before the next one (after the last: before the policy repeats). */
  delayMinutes: number;
}

/**
 * Ordered steps; the whole list runs `1 + repeat` times unless the incident is acknowledged or
 * resolved. An acknowledgement that is neither resolved within `ackTimeoutMinutes` nor renewed
 * turns the incident back to triggered and escalation starts again from the first step.
 */
export interface EscalationPolicy {
  id: string;
  steps: EscalationStep[];
  repeat: number;
  ackTimeoutMinutes?: number;
}

/** Where targets resolve to users. */
export interface EscalationDirectory {
  schedules: Readonly<Record<string, Schedule>>;
  teams: Readonly<Record<string, readonly string[]>>;
  /** Disabled users: a target that names one does not page them (the page records them as skipped). */
  disabled?: ReadonlySet<string>;
}

export interface EscalationPlan {
  /** Events to apply to the incident now, in order (an `unacknowledge` first when the ack timed out, then `page`s). */
  events: IncidentEvent[];
  /** When the job runner should call the planner again; absent when nothing more will happen. */
  nextAt?: string;
  state: 'resolved' | 'acknowledged' | 'escalating' | 'exhausted';
}

const MIN = 60_000;

export function targetLabel(t: EscalationTarget): string {
  return `${t.type}:${t.id}`;
}

/** Users a target pages at an instant (schedule: whoever is on call then; team: every member). */
export function resolveTarget(t: EscalationTarget, at: Date, dir: EscalationDirectory): string[] {
  switch (t.type) {
    case 'user':
      return [t.id];
    case 'team':
      return [...(dir.teams[t.id] ?? [])];
    case 'schedule': {
      const s = dir.schedules[t.id];
      const who = s && whoIsOnCall(s, at);
      return who ? [who.user] : [];
    }
  }
}

/** The instant escalation (re)started: the last change of the incident to `triggered`. */
function epochStart(incident: Incident): number {
  for (let i = incident.timeline.length - 1; i >= 0; i--) {
    const e = incident.timeline[i];
    if (e?.kind === 'status' && e.to === 'triggered') return Date.parse(e.at);
  }
  return Date.parse(incident.createdAt);
}

/**
 * Plans the pages due by `now`. Pure: the incident's timeline says which pages were already sent
 * (by key), so calling it twice with the same input plans the same pages, and after the runner
 * appends them, calling it again plans nothing new until `nextAt`. Steps that fell due while the
 * runner was down are all returned (late pages are better than lost ones), each with its due time.
 */
export function planEscalation(
  policy: EscalationPolicy,
  incident: Incident,
  now: Date,
  directory: EscalationDirectory,
): EscalationPlan {
  const t = now.getTime();
  if (incident.status === 'resolved') return { events: [], state: 'resolved' };
  const events: IncidentEvent[] = [];
  let start = epochStart(incident);
  if (incident.status === 'acknowledged') {
    const lastAck = [...incident.timeline].reverse().find((e) => e.kind === 'ack');
    const ackAt = lastAck ? Date.parse(lastAck.at) : t;
    if (policy.ackTimeoutMinutes === undefined) return { events: [], state: 'acknowledged' };
    const expires = ackAt + policy.ackTimeoutMinutes * MIN;
    if (t < expires) return { events: [], state: 'acknowledged', nextAt: new Date(expires).toISOString() };
    events.push({
      type: 'unacknowledge',
      at: new Date(expires).toISOString(),
      reason: `acknowledgement timed out after ${policy.ackTimeoutMinutes} min`,
    });
    start = expires;
  }
  const sent = new Set(incident.timeline.flatMap((e) => (e.kind === 'page' ? [e.key] : [])));
  const cycle = policy.steps.reduce((a, s) => a + s.delayMinutes, 0) * MIN;
  let nextAt: number | undefined;
  for (let round = 0; round <= policy.repeat; round++) {
    let offset = round * cycle;
    for (let step = 0; step < policy.steps.length; step++) {
      const s = policy.steps[step];
      if (!s) continue;
      const due = start + offset;
      offset += s.delayMinutes * MIN;
      const key = `${new Date(start).toISOString()}/r${round}/s${step}`;
      if (due > t) {
        nextAt = nextAt === undefined ? due : Math.min(nextAt, due);
        continue;
      }
      if (sent.has(key)) continue;
      const at = new Date(due);
      for (const target of s.targets) {
        const named = resolveTarget(target, at, directory);
        const skipped = directory.disabled ? named.filter((u) => directory.disabled!.has(u)) : [];
        events.push({
          type: 'page',
          at: at.toISOString(),
          key: s.targets.length > 1 ? `${key}/${targetLabel(target)}` : key,
          round,
          step,
          target: targetLabel(target),
          users: skipped.length > 0 ? named.filter((u) => !skipped.includes(u)) : named,
          ...(skipped.length > 0 && { skipped }),
        });
      }
    }
  }
  const pagedAlready = (k: string): boolean => sent.has(k);
  const fresh = events.filter((e) => e.type !== 'page' || !pagedAlready(e.key));
  return {
    events: fresh,
    state: nextAt === undefined ? 'exhausted' : 'escalating',
    ...(nextAt !== undefined && { nextAt: new Date(nextAt).toISOString() }),
  };
}
