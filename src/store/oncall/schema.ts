/** Tables of the oncall context: services, routing rules, silences, teams, schedules, escalation policies, runbooks. Conventions as in ../schema.ts. */
export interface OncallTables {
  oncall_services: OncallServicesTable;
  oncall_routing_rules: OncallRoutingRulesTable;
  oncall_silences: OncallSilencesTable;
  oncall_teams: OncallTeamsTable;
  oncall_team_members: OncallTeamMembersTable;
  oncall_schedules: OncallSchedulesTable;
  oncall_schedule_overrides: OncallScheduleOverridesTable;
  oncall_escalation_policies: OncallEscalationPoliciesTable;
  oncall_runbooks: OncallRunbooksTable;
  oncall_runbook_versions: OncallRunbookVersionsTable;
}

export interface OncallServicesTable {
  id: string;
  name: string;
  description: string;
  /** Team id (oncall_teams), or NULL. */
  team_id: string | null;
  /** Escalation policy id (oncall_escalation_policies), or NULL. */
  escalation_policy_id: string | null;
  /** JSON array of label names, or NULL (group by the source's group key). */
  group_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface OncallRoutingRulesTable {
  id: string;
  /** 0-based order: the first matching rule wins. */
  position: number;
  service_id: string;
  /** JSON array of matcher texts (`severity=~"critical|error"`). */
  matchers: string;
  /** JSON array of severities, or NULL (any). */
  severities: string | null;
  /** JSON array of alert sources, or NULL (any). */
  sources: string | null;
  description: string;
}

export interface OncallSilencesTable {
  id: string;
  /** `one-off` | `recurring`. */
  kind: string;
  /** JSON array of matcher texts. */
  matchers: string;
  /** One-off: the instants it starts and ends. */
  starts_at: string | null;
  ends_at: string | null;
  /** Recurring: IANA zone, JSON weekdays (1 = Monday) or NULL for every day, local `HH:mm` start/end. */
  time_zone: string | null;
  days: string | null;
  start_time: string | null;
  end_time: string | null;
  valid_from: string | null;
  valid_until: string | null;
  comment: string;
  created_by: string;
  created_at: string;
  /** When it was expired by hand (its end was moved to then), or NULL. */
  expired_at: string | null;
}

export interface OncallTeamsTable {
  id: string;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
}

export interface OncallTeamMembersTable {
  team_id: string;
  /** A users.id (identity context; checked by the API, no foreign key across contexts). */
  user_id: string;
  position: number;
}

export interface OncallSchedulesTable {
  id: string;
  name: string;
  description: string;
  /** Default zone of the layers (IANA). */
  time_zone: string;
  /** JSON array of src/ops/schedules.ts ScheduleLayer. */
  layers: string;
  team_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface OncallScheduleOverridesTable {
  id: string;
  schedule_id: string;
  /** Insertion order within the schedule: later overrides win. */
  seq: number;
  user_id: string;
  starts_at: string;
  ends_at: string;
  comment: string;
  created_by: string;
  created_at: string;
}

export interface OncallEscalationPoliciesTable {
  id: string;
  name: string;
  description: string;
  /** JSON array of src/ops/escalation.ts EscalationStep. */
  steps: string;
  repeat: number;
  ack_timeout_minutes: number | null;
  created_at: string;
  updated_at: string;
}

export interface OncallRunbooksTable {
  id: string;
  /** Stable name the runbook is posted under (e.g. `disk-full.md`); unique. */
  path: string;
  title: string;
  owner: string;
  /** JSON arrays: service ids, matcher texts. */
  services: string;
  matchers: string;
  /** `YYYY-MM-DD`. */
  last_reviewed: string;
  /** Number of the current (latest) version. */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface OncallRunbookVersionsTable {
  runbook_id: string;
  version: number;
  /** SHA-256 hex of the content. */
  content_hash: string;
  content: string;
  created_by: string;
  created_at: string;
}
