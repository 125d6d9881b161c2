import type { AlertSource, Severity } from '../../ops/alert.js';
import type { EscalationStep } from '../../ops/escalation.js';
import type { ScheduleLayer } from '../../ops/schedules.js';
import type { Weekday } from '../../ops/time-zone.js';

/** A service as stored (src/ops/routing.ts `Service` plus what the API shows). */
export interface ServiceRecord {
  id: string;
  name: string;
  description: string;
  teamId?: string;
  escalationPolicyId?: string;
  /** Label names grouping this service's alerts into incidents; absent: the source's group key. */
  groupBy?: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ServiceInput {
  name: string;
  description?: string;
  teamId?: string | null;
  escalationPolicyId?: string | null;
  groupBy?: string[] | null;
}

/** A routing rule; matchers as text (`severity=~"critical|error"`), parsed with src/ops/matchers.ts. */
export interface RoutingRuleRecord {
  id: string;
  serviceId: string;
  matchers: string[];
  severities?: Severity[];
  sources?: AlertSource[];
  description: string;
}

export type RoutingRuleInput = Omit<RoutingRuleRecord, 'id' | 'description'> & { description?: string };

interface SilenceCommon {
  id: string;
  matchers: string[];
  comment: string;
  createdBy: string;
  createdAt: string;
  /** When it was expired by hand; its end was moved to that instant. */
  expiredAt?: string;
}

export interface OneOffSilenceRecord extends SilenceCommon {
  kind: 'one-off';
  startsAt: string;
  endsAt: string;
}

export interface RecurringSilenceRecord extends SilenceCommon {
  kind: 'recurring';
  timeZone: string;
  days?: Weekday[];
  start: string;
  end: string;
  validFrom?: string;
  validUntil?: string;
}

export type SilenceRecord = OneOffSilenceRecord | RecurringSilenceRecord;

export type SilenceInput =
  | Omit<OneOffSilenceRecord, 'id' | 'createdAt' | 'expiredAt'>
  | Omit<RecurringSilenceRecord, 'id' | 'createdAt' | 'expiredAt'>;

export interface TeamRecord {
  id: string;
  name: string;
  description: string;
  /** User ids, in the order given. */
  members: string[];
  createdAt: string;
  updatedAt: string;
}

export interface TeamInput {
  name: string;
  description?: string;
  members: string[];
}

export interface OverrideRecord {
  id: string;
  user: string;
  start: string;
  end: string;
  comment: string;
  createdBy: string;
  createdAt: string;
}

export interface OverrideInput {
  user: string;
  start: string;
  end: string;
  comment?: string;
  createdBy: string;
}

export interface ScheduleRecord {
  id: string;
  name: string;
  description: string;
  timeZone: string;
  teamId?: string;
  /** Lowest first; each with its own zone (the schedule's unless given). */
  layers: ScheduleLayer[];
  /** In the order they were added: later ones win. */
  overrides: OverrideRecord[];
  createdAt: string;
  updatedAt: string;
}

export interface ScheduleInput {
  name: string;
  description?: string;
  timeZone: string;
  teamId?: string | null;
  layers: ScheduleLayer[];
}

export interface EscalationPolicyRecord {
  id: string;
  name: string;
  description: string;
  steps: EscalationStep[];
  repeat: number;
  ackTimeoutMinutes?: number;
  createdAt: string;
  updatedAt: string;
}

export interface EscalationPolicyInput {
  name: string;
  description?: string;
  steps: EscalationStep[];
  repeat: number;
  ackTimeoutMinutes?: number | null;
}

export interface RunbookRecord {
  id: string;
  path: string;
  title: string;
  owner: string;
  services: string[];
  matchers: string[];
  lastReviewed: string;
  /** Current version number (1 for the first). */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface RunbookVersionRecord {
  version: number;
  contentHash: string;
  createdBy: string;
  createdAt: string;
}
