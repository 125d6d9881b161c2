import type { Alert } from './alert.js';
import { matchesAll } from './matchers.js';
import type { LabelMatcher } from './matchers.js';
import { windowContaining } from './time-zone.js';
import type { Weekday } from './time-zone.js';

/** A silence from `startsAt` to `endsAt` (ISO instants), like an Alertmanager silence. */
export interface OneOffSilence {
  kind: 'one-off';
  id: string;
  matchers: LabelMatcher[];
  startsAt: string;
  endsAt: string;
  comment: string;
  createdBy: string;
}

/**
 * A recurring maintenance window: every listed weekday (all when omitted) from `start` to `end`
 * wall-clock time in `timeZone` (DST-correct: 02:00-04:00 Berlin stays 02:00-04:00 local all
 * year). An end not after the start runs past midnight. Optional validity bounds.
 */
export interface RecurringSilence {
  kind: 'recurring';
  id: string;
  matchers: LabelMatcher[];
  timeZone: string;
  days?: Weekday[];
  start: string;
  end: string;
  validFrom?: string;
  validUntil?: string;
  comment: string;
  createdBy: string;
}

export type Silence = OneOffSilence | RecurringSilence;

/** True when the silence is in effect at the instant (regardless of matchers). */
export function isSilenceActive(s: Silence, at: Date): boolean {
  const t = at.getTime();
  if (s.kind === 'one-off') return Date.parse(s.startsAt) <= t && t < Date.parse(s.endsAt);
  if (s.validFrom !== undefined && t < Date.parse(s.validFrom)) return false;
  if (s.validUntil !== undefined && t >= Date.parse(s.validUntil)) return false;
  return (
    windowContaining(
      { timeZone: s.timeZone, start: s.start, end: s.end, ...(s.days && { days: s.days }) },
      t,
    ) !== undefined
  );
}

/** The first silence that mutes the alert at the instant, if any. A silenced alert is recorded but does not page. */
export function silencedBy(
  silences: readonly Silence[],
  alert: Pick<Alert, 'labels'>,
  at: Date,
): Silence | undefined {
  return silences.find((s) => isSilenceActive(s, at) && matchesAll(s.matchers, alert.labels));
}

export function activeSilences(silences: readonly Silence[], at: Date): Silence[] {
  return silences.filter((s) => isSilenceActive(s, at));
}
