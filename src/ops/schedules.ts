import {
  addDays,
  daysBetween,
  fromLocal,
  parseLocalDateTime,
  toLocal,
  windowContaining,
  windowEdges,
} from './time-zone.js';
import type { LocalDateTime, LocalWindow, Weekday } from './time-zone.js';

/**
 * How a layer hands off. `daily` and `weekly` hand off at the same wall-clock time in the layer's
 * zone (a Monday 09:00 Berlin handoff stays 09:00 local across DST, so that shift is 167 or 169
 * hours long); `hours` hands off every N elapsed hours (absolute time, DST does not matter).
 */
export type Rotation = { type: 'daily' } | { type: 'weekly' } | { type: 'hours'; hours: number };

/** A daily window (in the layer's zone) outside which the layer has nobody on call. */
export interface LayerRestriction {
  start: string;
  end: string;
  days?: Weekday[];
}

export interface ScheduleLayer {
  id: string;
  users: string[];
  rotation: Rotation;
  /** First handoff, wall-clock `YYYY-MM-DDTHH:mm` in `timeZone`; users[0] starts then. */
  start: string;
  timeZone: string;
  restrictions?: LayerRestriction[];
  /** Layer ends (ISO instant), when given. */
  end?: string;
}

/** User X on call from `start` to `end` (ISO instants), above every layer. Later overrides win. */
export interface ScheduleOverride {
  user: string;
  start: string;
  end: string;
}

/** Layers are ordered lowest first; a higher layer with someone on call hides the ones below. */
export interface Schedule {
  id: string;
  name: string;
  layers: ScheduleLayer[];
  overrides: ScheduleOverride[];
}

export interface OnCall {
  user: string;
  /** Layer id, or `override`. */
  via: string;
}

export interface Shift extends OnCall {
  start: string;
  end: string;
}

/** Configuration problems of a schedule, each with its path (`/layers/0/start`). */
export function validateSchedule(s: Schedule): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  s.layers.forEach((l, i) => {
    if (l.users.length === 0)
      problems.push({ path: `/layers/${i}/users`, message: 'must name at least one user' });
    if (!parseLocalDateTime(l.start))
      problems.push({ path: `/layers/${i}/start`, message: 'must be YYYY-MM-DDTHH:mm' });
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: l.timeZone });
    } catch {
      problems.push({ path: `/layers/${i}/timeZone`, message: `"${l.timeZone}" is not an IANA time zone` });
    }
    if (l.rotation.type === 'hours' && !(l.rotation.hours > 0)) {
      problems.push({ path: `/layers/${i}/rotation/hours`, message: 'must be a positive number of hours' });
    }
  });
  s.overrides.forEach((o, i) => {
    if (!(Date.parse(o.start) < Date.parse(o.end))) {
      problems.push({ path: `/overrides/${i}`, message: 'start must be before end' });
    }
  });
  return problems;
}

function startLocal(l: ScheduleLayer): LocalDateTime {
  const s = parseLocalDateTime(l.start);
  if (!s) throw new Error(`layer ${l.id}: start "${l.start}" is not YYYY-MM-DDTHH:mm`);
  return s;
}

/** The instant of the n-th handoff of a layer (n = 0 is the start). */
export function handoffAt(l: ScheduleLayer, n: number): number {
  const s = startLocal(l);
  switch (l.rotation.type) {
    case 'daily':
      return fromLocal(addDays(s, n), l.timeZone);
    case 'weekly':
      return fromLocal(addDays(s, 7 * n), l.timeZone);
    case 'hours':
      return fromLocal(s, l.timeZone) + n * l.rotation.hours * 3_600_000;
  }
}

/** Index of the rotation period containing the instant (negative before the start). */
export function periodIndex(l: ScheduleLayer, t: number): number {
  let n: number;
  if (l.rotation.type === 'hours') {
    n = Math.floor((t - handoffAt(l, 0)) / (l.rotation.hours * 3_600_000));
  } else {
    const days = daysBetween(startLocal(l), toLocal(t, l.timeZone));
    n = Math.floor(days / (l.rotation.type === 'weekly' ? 7 : 1));
  }
  while (handoffAt(l, n) > t) n--;
  while (handoffAt(l, n + 1) <= t) n++;
  return n;
}

function windows(l: ScheduleLayer): LocalWindow[] {
  return (l.restrictions ?? []).map((r) => ({
    timeZone: l.timeZone,
    start: r.start,
    end: r.end,
    ...(r.days && { days: r.days }),
  }));
}

/** Who the layer puts on call at the instant (none before its start, after its end, or outside its restrictions). */
export function layerOnCall(l: ScheduleLayer, t: number): string | undefined {
  if (l.users.length === 0 || t < handoffAt(l, 0)) return undefined;
  if (l.end !== undefined && t >= Date.parse(l.end)) return undefined;
  const ws = windows(l);
  if (ws.length > 0 && !ws.some((w) => windowContaining(w, t) !== undefined)) return undefined;
  const n = periodIndex(l, t);
  return l.users[((n % l.users.length) + l.users.length) % l.users.length];
}

function onCallAt(schedule: Schedule, t: number): OnCall | undefined {
  for (let i = schedule.overrides.length - 1; i >= 0; i--) {
    const o = schedule.overrides[i];
    if (o && Date.parse(o.start) <= t && t < Date.parse(o.end)) return { user: o.user, via: 'override' };
  }
  for (let i = schedule.layers.length - 1; i >= 0; i--) {
    const l = schedule.layers[i];
    const user = l && layerOnCall(l, t);
    if (l && user !== undefined) return { user, via: l.id };
  }
  return undefined;
}

/** Who is on call at the instant: overrides first, then the highest layer with someone on call. */
export function whoIsOnCall(schedule: Schedule, at: Date): OnCall | undefined {
  return onCallAt(schedule, at.getTime());
}

/** Every instant in [from, to] where the answer of whoIsOnCall may change. */
function boundaries(schedule: Schedule, from: number, to: number): number[] {
  const set = new Set<number>([from]);
  for (const o of schedule.overrides) {
    for (const t of [Date.parse(o.start), Date.parse(o.end)]) if (t > from && t < to) set.add(t);
  }
  for (const l of schedule.layers) {
    if (l.end !== undefined) {
      const e = Date.parse(l.end);
      if (e > from && e < to) set.add(e);
    }
    let n = Math.max(0, periodIndex(l, from));
    for (let t = handoffAt(l, n); t < to; t = handoffAt(l, ++n)) if (t > from) set.add(t);
    for (const w of windows(l)) for (const t of windowEdges(w, from, to)) if (t > from && t < to) set.add(t);
  }
  return [...set].sort((a, b) => a - b);
}

/** The rendered timeline of [from, to): consecutive shifts, merged when the same user continues. Gaps are left out. */
export function shifts(schedule: Schedule, from: Date, to: Date): Shift[] {
  const f = from.getTime();
  const e = to.getTime();
  const out: Shift[] = [];
  const edges = boundaries(schedule, f, e);
  edges.forEach((t, i) => {
    const end = edges[i + 1] ?? e;
    const who = onCallAt(schedule, t);
    const last = out[out.length - 1];
    if (!who) return;
    if (last && last.user === who.user && last.via === who.via && Date.parse(last.end) === t) {
      last.end = new Date(end).toISOString();
      return;
    }
    out.push({ ...who, start: new Date(t).toISOString(), end: new Date(end).toISOString() });
  });
  return out;
}
