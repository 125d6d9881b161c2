import { createHash } from 'node:crypto';
import { OpsdeckError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { AlertSource, Severity } from '../../ops/alert.js';
import type { EscalationDirectory, EscalationPolicy, EscalationStep } from '../../ops/escalation.js';
import { formatMatcher, parseMatcher, type LabelMatcher } from '../../ops/matchers.js';
import type { RoutingConfig, Service } from '../../ops/routing.js';
import type { Runbook } from '../../ops/runbooks.js';
import type { Schedule, ScheduleLayer } from '../../ops/schedules.js';
import type { Silence } from '../../ops/silences.js';
import type { Weekday } from '../../ops/time-zone.js';
import { iso, withTransaction, type StoreContext } from '../context.js';
import { isForeignKeyViolation, isUniqueViolation } from '../dialect.js';
import type {
  EscalationPolicyInput,
  EscalationPolicyRecord,
  OverrideInput,
  OverrideRecord,
  RoutingRuleInput,
  RoutingRuleRecord,
  RunbookRecord,
  RunbookVersionRecord,
  ScheduleInput,
  ScheduleRecord,
  ServiceInput,
  ServiceRecord,
  SilenceInput,
  SilenceRecord,
  TeamInput,
  TeamRecord,
} from './records.js';
import type {
  OncallEscalationPoliciesTable,
  OncallRoutingRulesTable,
  OncallRunbooksTable,
  OncallScheduleOverridesTable,
  OncallSchedulesTable,
  OncallServicesTable,
  OncallSilencesTable,
} from './schema.js';

export type * from './records.js';

/** The id of the service that receives alerts no routing rule matches (inserted by migration 0004). */
export const DEFAULT_SERVICE_ID = 'default';

interface Crud<R, I> {
  get(id: string): Promise<R | undefined>;
  list(): Promise<R[]>;
  /** @throws OpsdeckError OPSDECK_E_CONFLICT (name taken), OPSDECK_E_VALIDATION (unknown reference) */
  create(input: I): Promise<R>;
  /** Replaces the fields given. @throws OpsdeckError OPSDECK_E_NOT_FOUND, OPSDECK_E_CONFLICT */
  update(id: string, patch: Partial<I>): Promise<R>;
  /** @throws OpsdeckError OPSDECK_E_NOT_FOUND, OPSDECK_E_CONFLICT (still referenced) */
  delete(id: string): Promise<R>;
}

/** The oncall store: services, routing rules, silences, teams, schedules, escalation policies, runbooks. */
export interface OncallStore {
  services: Crud<ServiceRecord, ServiceInput>;
  routingRules: {
    /** In order: the first matching rule wins. */
    list(): Promise<RoutingRuleRecord[]>;
    /** Replaces the whole ordered list. @throws OpsdeckError OPSDECK_E_VALIDATION (unknown service) */
    replace(rules: readonly RoutingRuleInput[]): Promise<RoutingRuleRecord[]>;
  };
  silences: {
    get(id: string): Promise<SilenceRecord | undefined>;
    /** Newest first; with `current`, only those not over at `at` (one-off end / recurring validUntil). */
    list(filter?: { current?: boolean; at?: Date }): Promise<SilenceRecord[]>;
    create(input: SilenceInput): Promise<SilenceRecord>;
    /** Ends it now: a one-off's end (or a recurring one's validUntil) moves to `at` when later. */
    expire(id: string): Promise<SilenceRecord>;
    delete(id: string): Promise<SilenceRecord>;
  };
  teams: Crud<TeamRecord, TeamInput>;
  schedules: Crud<ScheduleRecord, ScheduleInput> & {
    addOverride(scheduleId: string, input: OverrideInput): Promise<ScheduleRecord>;
    deleteOverride(scheduleId: string, overrideId: string): Promise<ScheduleRecord>;
  };
  escalationPolicies: Crud<EscalationPolicyRecord, EscalationPolicyInput>;
  runbooks: {
    get(id: string): Promise<RunbookRecord | undefined>;
    list(): Promise<RunbookRecord[]>;
    /**
     * Stores a parsed runbook under its path: a new runbook (version 1), a new version when the
     * content changed, or nothing (`changed: false`) when it is the same as the current version.
     */
    publish(input: {
      path: string;
      content: string;
      parsed: Runbook;
      createdBy: string;
    }): Promise<{ runbook: RunbookRecord; changed: boolean; created: boolean }>;
    /** Newest first. */
    versions(id: string): Promise<RunbookVersionRecord[]>;
    /** The Markdown of one version (the current one when `version` is omitted). */
    content(id: string, version?: number): Promise<{ version: number; content: string } | undefined>;
    delete(id: string): Promise<RunbookRecord>;
    /** Every runbook's current version for src/ops/runbooks.ts matchRunbooks (its `path` is the record's path). */
    engineRunbooks(): Promise<Array<{ record: RunbookRecord; runbook: Runbook }>>;
  };
  /** What the alert pipeline needs: routing rules in order, services by id, silences not yet over. */
  pipelineConfig(): Promise<{
    routing: RoutingConfig;
    services: Record<string, Service>;
    silences: Silence[];
  }>;
  /** The service's escalation policy (if any) and where its targets resolve to users. */
  escalationContext(
    serviceId: string,
  ): Promise<{ policy?: EscalationPolicy; directory: EscalationDirectory }>;
}

const json = (v: unknown): string => JSON.stringify(v);
const parse = <T>(s: string): T => JSON.parse(s) as T;

function matchersOf(texts: readonly string[]): LabelMatcher[] {
  return texts.map((t) => {
    const m = parseMatcher(t);
    if (!m.ok) throw new OpsdeckError('OPSDECK_E_INTERNAL', `Stored matcher does not parse: ${m.error}`);
    return m.value;
  });
}

function notFound(kind: string, id: string): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_NOT_FOUND', `No ${kind} with id ${id}`, [
    { path: '/params/id', message: `no such ${kind}` },
  ]);
}

function nameTaken(kind: string, name: string): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_CONFLICT', `A ${kind} named "${name}" already exists`, [
    { path: '/body/name', message: 'already taken' },
  ]);
}

/** Maps constraint violations of a write to stable errors. */
async function guarded<T>(kind: string, name: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isUniqueViolation(e) && name !== undefined) throw nameTaken(kind, name);
    if (isForeignKeyViolation(e))
      throw new OpsdeckError('OPSDECK_E_VALIDATION', `The ${kind} refers to something that does not exist`);
    throw e;
  }
}

function toService(r: OncallServicesTable): ServiceRecord {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    ...(r.team_id !== null && { teamId: r.team_id }),
    ...(r.escalation_policy_id !== null && { escalationPolicyId: r.escalation_policy_id }),
    ...(r.group_by !== null && { groupBy: parse<string[]>(r.group_by) }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRule(r: OncallRoutingRulesTable): RoutingRuleRecord {
  return {
    id: r.id,
    serviceId: r.service_id,
    matchers: parse<string[]>(r.matchers),
    ...(r.severities !== null && { severities: parse<Severity[]>(r.severities) }),
    ...(r.sources !== null && { sources: parse<AlertSource[]>(r.sources) }),
    description: r.description,
  };
}

function toSilence(r: OncallSilencesTable): SilenceRecord {
  const common = {
    id: r.id,
    matchers: parse<string[]>(r.matchers),
    comment: r.comment,
    createdBy: r.created_by,
    createdAt: r.created_at,
    ...(r.expired_at !== null && { expiredAt: r.expired_at }),
  };
  if (r.kind === 'one-off') {
    return { kind: 'one-off', ...common, startsAt: r.starts_at ?? '', endsAt: r.ends_at ?? '' };
  }
  return {
    kind: 'recurring',
    ...common,
    timeZone: r.time_zone ?? 'UTC',
    ...(r.days !== null && { days: parse<Weekday[]>(r.days) }),
    start: r.start_time ?? '00:00',
    end: r.end_time ?? '00:00',
    ...(r.valid_from !== null && { validFrom: r.valid_from }),
    ...(r.valid_until !== null && { validUntil: r.valid_until }),
  };
}

/** The engine's view of a stored silence (src/ops/silences.ts). */
export function silenceOf(s: SilenceRecord): Silence {
  const matchers = matchersOf(s.matchers);
  if (s.kind === 'one-off') {
    return {
      kind: 'one-off',
      id: s.id,
      matchers,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      comment: s.comment,
      createdBy: s.createdBy,
    };
  }
  return {
    kind: 'recurring',
    id: s.id,
    matchers,
    timeZone: s.timeZone,
    ...(s.days && { days: s.days }),
    start: s.start,
    end: s.end,
    ...(s.validFrom !== undefined && { validFrom: s.validFrom }),
    ...(s.validUntil !== undefined && { validUntil: s.validUntil }),
    comment: s.comment,
    createdBy: s.createdBy,
  };
}

function toOverride(r: OncallScheduleOverridesTable): OverrideRecord {
  return {
    id: r.id,
    user: r.user_id,
    start: r.starts_at,
    end: r.ends_at,
    comment: r.comment,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

function toScheduleRecord(r: OncallSchedulesTable, overrides: OverrideRecord[]): ScheduleRecord {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    timeZone: r.time_zone,
    ...(r.team_id !== null && { teamId: r.team_id }),
    layers: parse<ScheduleLayer[]>(r.layers),
    overrides,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The engine's view of a stored schedule (src/ops/schedules.ts). */
export function scheduleOf(s: ScheduleRecord): Schedule {
  return {
    id: s.id,
    name: s.name,
    layers: s.layers,
    overrides: s.overrides.map((o) => ({ user: o.user, start: o.start, end: o.end })),
  };
}

function toPolicy(r: OncallEscalationPoliciesTable): EscalationPolicyRecord {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    steps: parse<EscalationStep[]>(r.steps),
    repeat: r.repeat,
    ...(r.ack_timeout_minutes !== null && { ackTimeoutMinutes: r.ack_timeout_minutes }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The engine's view of a stored policy (src/ops/escalation.ts). */
export function policyOf(p: EscalationPolicyRecord): EscalationPolicy {
  return {
    id: p.id,
    steps: p.steps,
    repeat: p.repeat,
    ...(p.ackTimeoutMinutes !== undefined && { ackTimeoutMinutes: p.ackTimeoutMinutes }),
  };
}

function toRunbook(r: OncallRunbooksTable): RunbookRecord {
  return {
    id: r.id,
    path: r.path,
    title: r.title,
    owner: r.owner,
    services: parse<string[]>(r.services),
    matchers: parse<string[]>(r.matchers),
    lastReviewed: r.last_reviewed,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** True when an escalation step list names the target. */
function stepsName(
  steps: readonly EscalationStep[],
  type: 'schedule' | 'team' | 'user',
  id: string,
): boolean {
  return steps.some((s) => s.targets.some((t) => t.type === type && t.id === id));
}

export function createOncallStore(ctx: StoreContext): OncallStore {
  const { db } = ctx;
  const now = (): string => iso(ctx.clock.now());

  // ---- services
  const getService = async (id: string): Promise<ServiceRecord | undefined> => {
    const r = await db.selectFrom('oncall_services').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toService(r) : undefined;
  };
  const services: OncallStore['services'] = {
    get: getService,
    async list() {
      const rows = await db.selectFrom('oncall_services').selectAll().orderBy('name').orderBy('id').execute();
      return rows.map(toService);
    },
    async create(input) {
      const at = now();
      const row: OncallServicesTable = {
        id: newId(),
        name: input.name,
        description: input.description ?? '',
        team_id: input.teamId ?? null,
        escalation_policy_id: input.escalationPolicyId ?? null,
        group_by: input.groupBy ? json(input.groupBy) : null,
        created_at: at,
        updated_at: at,
      };
      await guarded('service', input.name, () => db.insertInto('oncall_services').values(row).execute());
      return toService(row);
    },
    async update(id, patch) {
      const res = await guarded('service', patch.name, () =>
        db
          .updateTable('oncall_services')
          .set({
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.teamId !== undefined && { team_id: patch.teamId }),
            ...(patch.escalationPolicyId !== undefined && { escalation_policy_id: patch.escalationPolicyId }),
            ...(patch.groupBy !== undefined && {
              group_by: patch.groupBy === null ? null : json(patch.groupBy),
            }),
            updated_at: now(),
          })
          .where('id', '=', id)
          .executeTakeFirst(),
      );
      if (Number(res.numUpdatedRows) === 0) throw notFound('service', id);
      const s = await getService(id);
      if (!s) throw notFound('service', id);
      return s;
    },
    async delete(id) {
      const s = await getService(id);
      if (!s) throw notFound('service', id);
      if (id === DEFAULT_SERVICE_ID) {
        throw new OpsdeckError('OPSDECK_E_CONFLICT', 'The default service cannot be deleted', [
          { path: '/params/id', message: 'receives every alert no routing rule matches' },
        ]);
      }
      const used = await db
        .selectFrom('oncall_routing_rules')
        .select('position')
        .where('service_id', '=', id)
        .orderBy('position')
        .execute();
      if (used.length > 0) {
        throw new OpsdeckError(
          'OPSDECK_E_CONFLICT',
          `Service ${s.name} is the target of routing rule(s) ${used.map((u) => u.position).join(', ')}`,
          used.map((u) => ({ path: `/routing-rules/${u.position}`, message: 'routes to this service' })),
        );
      }
      await db.deleteFrom('oncall_services').where('id', '=', id).execute();
      return s;
    },
  };

  // ---- routing rules
  const listRules = async (): Promise<RoutingRuleRecord[]> =>
    (await db.selectFrom('oncall_routing_rules').selectAll().orderBy('position').execute()).map(toRule);
  const routingRules: OncallStore['routingRules'] = {
    list: listRules,
    replace: (rules) =>
      withTransaction(ctx, async (trx) => {
        // Serialise replacements on PostgreSQL (the default service's row is the list's lock):
        // two concurrent delete+insert would otherwise leave both lists behind.
        if (ctx.dialect === 'postgres') {
          await trx
            .selectFrom('oncall_services')
            .select('id')
            .where('id', '=', DEFAULT_SERVICE_ID)
            .forUpdate()
            .execute();
        }
        await trx.deleteFrom('oncall_routing_rules').execute();
        const rows: OncallRoutingRulesTable[] = rules.map((r, i) => ({
          id: newId(),
          position: i,
          service_id: r.serviceId,
          matchers: json(r.matchers),
          severities: r.severities ? json(r.severities) : null,
          sources: r.sources ? json(r.sources) : null,
          description: r.description ?? '',
        }));
        if (rows.length > 0) {
          await guarded('routing rule', undefined, () =>
            trx.insertInto('oncall_routing_rules').values(rows).execute(),
          );
        }
        return rows.map(toRule);
      }),
  };

  // ---- silences
  const getSilence = async (id: string): Promise<SilenceRecord | undefined> => {
    const r = await db.selectFrom('oncall_silences').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toSilence(r) : undefined;
  };
  const listSilences = async (filter: { current?: boolean; at?: Date } = {}): Promise<SilenceRecord[]> => {
    let q = db.selectFrom('oncall_silences').selectAll();
    if (filter.current) {
      const at = iso(filter.at ?? ctx.clock.now());
      q = q.where((eb) =>
        eb.or([
          eb.and([eb('kind', '=', 'one-off'), eb('ends_at', '>', at)]),
          eb.and([
            eb('kind', '=', 'recurring'),
            eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', at)]),
          ]),
        ]),
      );
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toSilence);
  };
  const silences: OncallStore['silences'] = {
    get: getSilence,
    list: listSilences,
    async create(input) {
      const row: OncallSilencesTable = {
        id: newId(),
        kind: input.kind,
        matchers: json(input.matchers),
        starts_at: input.kind === 'one-off' ? input.startsAt : null,
        ends_at: input.kind === 'one-off' ? input.endsAt : null,
        time_zone: input.kind === 'recurring' ? input.timeZone : null,
        days: input.kind === 'recurring' && input.days ? json(input.days) : null,
        start_time: input.kind === 'recurring' ? input.start : null,
        end_time: input.kind === 'recurring' ? input.end : null,
        valid_from: input.kind === 'recurring' ? (input.validFrom ?? null) : null,
        valid_until: input.kind === 'recurring' ? (input.validUntil ?? null) : null,
        comment: input.comment,
        created_by: input.createdBy,
        created_at: now(),
        expired_at: null,
      };
      await db.insertInto('oncall_silences').values(row).execute();
      return toSilence(row);
    },
    async expire(id) {
      const s = await getSilence(id);
      if (!s) throw notFound('silence', id);
      const at = now();
      if (s.kind === 'one-off') {
        await db
          .updateTable('oncall_silences')
          .set({
            ends_at: s.endsAt > at ? at : s.endsAt,
            ...(s.startsAt > at && { starts_at: at }),
            expired_at: at,
          })
          .where('id', '=', id)
          .execute();
      } else {
        await db
          .updateTable('oncall_silences')
          .set({
            valid_until: s.validUntil === undefined || s.validUntil > at ? at : s.validUntil,
            expired_at: at,
          })
          .where('id', '=', id)
          .execute();
      }
      const after = await getSilence(id);
      if (!after) throw notFound('silence', id);
      return after;
    },
    async delete(id) {
      const s = await getSilence(id);
      if (!s) throw notFound('silence', id);
      await db.deleteFrom('oncall_silences').where('id', '=', id).execute();
      return s;
    },
  };

  // ---- teams
  const membersOf = async (teamIds: readonly string[]): Promise<Map<string, string[]>> => {
    const out = new Map<string, string[]>(teamIds.map((id) => [id, []]));
    if (teamIds.length === 0) return out;
    const rows = await db
      .selectFrom('oncall_team_members')
      .selectAll()
      .where('team_id', 'in', [...teamIds])
      .orderBy('team_id')
      .orderBy('position')
      .execute();
    for (const r of rows) out.get(r.team_id)?.push(r.user_id);
    return out;
  };
  const listTeams = async (ids?: readonly string[]): Promise<TeamRecord[]> => {
    let q = db.selectFrom('oncall_teams').selectAll();
    if (ids) {
      if (ids.length === 0) return [];
      q = q.where('id', 'in', [...ids]);
    }
    const rows = await q.orderBy('name').orderBy('id').execute();
    const members = await membersOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      members: members.get(r.id) ?? [],
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  };
  const getTeam = async (id: string): Promise<TeamRecord | undefined> => (await listTeams([id]))[0];
  const teams: OncallStore['teams'] = {
    get: getTeam,
    list: () => listTeams(),
    create: (input) =>
      withTransaction(ctx, async (trx) => {
        const at = now();
        const id = newId();
        await guarded('team', input.name, async () => {
          await trx
            .insertInto('oncall_teams')
            .values({
              id,
              name: input.name,
              description: input.description ?? '',
              created_at: at,
              updated_at: at,
            })
            .execute();
          const members = [...new Set(input.members)];
          if (members.length > 0) {
            await trx
              .insertInto('oncall_team_members')
              .values(members.map((user_id, position) => ({ team_id: id, user_id, position })))
              .execute();
          }
        });
        return {
          id,
          name: input.name,
          description: input.description ?? '',
          members: [...new Set(input.members)],
          createdAt: at,
          updatedAt: at,
        };
      }),
    update: (id, patch) =>
      withTransaction(ctx, async (trx) => {
        const res = await guarded('team', patch.name, () =>
          trx
            .updateTable('oncall_teams')
            .set({
              ...(patch.name !== undefined && { name: patch.name }),
              ...(patch.description !== undefined && { description: patch.description }),
              updated_at: now(),
            })
            .where('id', '=', id)
            .executeTakeFirst(),
        );
        if (Number(res.numUpdatedRows) === 0) throw notFound('team', id);
        if (patch.members !== undefined) {
          await trx.deleteFrom('oncall_team_members').where('team_id', '=', id).execute();
          const members = [...new Set(patch.members)];
          if (members.length > 0) {
            await trx
              .insertInto('oncall_team_members')
              .values(members.map((user_id, position) => ({ team_id: id, user_id, position })))
              .execute();
          }
        }
        const rows = await trx
          .selectFrom('oncall_teams')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        const m = await trx
          .selectFrom('oncall_team_members')
          .select('user_id')
          .where('team_id', '=', id)
          .orderBy('position')
          .execute();
        return {
          id,
          name: rows.name,
          description: rows.description,
          members: m.map((x) => x.user_id),
          createdAt: rows.created_at,
          updatedAt: rows.updated_at,
        };
      }),
    async delete(id) {
      const t = await getTeam(id);
      if (!t) throw notFound('team', id);
      const svc = await db.selectFrom('oncall_services').select('name').where('team_id', '=', id).execute();
      const sch = await db.selectFrom('oncall_schedules').select('name').where('team_id', '=', id).execute();
      const pol = (await escalationPolicies.list()).filter((p) => stepsName(p.steps, 'team', id));
      const users = [
        ...svc.map((s) => `service ${s.name}`),
        ...sch.map((s) => `schedule ${s.name}`),
        ...pol.map((p) => `escalation policy ${p.name}`),
      ];
      if (users.length > 0) {
        throw new OpsdeckError('OPSDECK_E_CONFLICT', `Team ${t.name} is still used by ${users.join(', ')}`, [
          { path: '/params/id', message: 'still referenced' },
        ]);
      }
      await db.deleteFrom('oncall_teams').where('id', '=', id).execute();
      return t;
    },
  };

  // ---- schedules
  const listSchedules = async (ids?: readonly string[]): Promise<ScheduleRecord[]> => {
    let q = db.selectFrom('oncall_schedules').selectAll();
    if (ids) {
      if (ids.length === 0) return [];
      q = q.where('id', 'in', [...ids]);
    }
    const rows = await q.orderBy('name').orderBy('id').execute();
    if (rows.length === 0) return [];
    const ov = await db
      .selectFrom('oncall_schedule_overrides')
      .selectAll()
      .where(
        'schedule_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('schedule_id')
      .orderBy('seq')
      .execute();
    const by = new Map<string, OverrideRecord[]>();
    for (const o of ov) {
      const list = by.get(o.schedule_id) ?? [];
      list.push(toOverride(o));
      by.set(o.schedule_id, list);
    }
    return rows.map((r) => toScheduleRecord(r, by.get(r.id) ?? []));
  };
  const getSchedule = async (id: string): Promise<ScheduleRecord | undefined> =>
    (await listSchedules([id]))[0];
  const mustSchedule = async (id: string): Promise<ScheduleRecord> => {
    const s = await getSchedule(id);
    if (!s) throw notFound('schedule', id);
    return s;
  };
  const schedules: OncallStore['schedules'] = {
    get: getSchedule,
    list: () => listSchedules(),
    async create(input) {
      const at = now();
      const row: OncallSchedulesTable = {
        id: newId(),
        name: input.name,
        description: input.description ?? '',
        time_zone: input.timeZone,
        layers: json(input.layers),
        team_id: input.teamId ?? null,
        created_at: at,
        updated_at: at,
      };
      await guarded('schedule', input.name, () => db.insertInto('oncall_schedules').values(row).execute());
      return toScheduleRecord(row, []);
    },
    async update(id, patch) {
      const res = await guarded('schedule', patch.name, () =>
        db
          .updateTable('oncall_schedules')
          .set({
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
            ...(patch.teamId !== undefined && { team_id: patch.teamId }),
            ...(patch.layers !== undefined && { layers: json(patch.layers) }),
            updated_at: now(),
          })
          .where('id', '=', id)
          .executeTakeFirst(),
      );
      if (Number(res.numUpdatedRows) === 0) throw notFound('schedule', id);
      return mustSchedule(id);
    },
    async delete(id) {
      const s = await mustSchedule(id);
      const pol = (await escalationPolicies.list()).filter((p) => stepsName(p.steps, 'schedule', id));
      if (pol.length > 0) {
        throw new OpsdeckError(
          'OPSDECK_E_CONFLICT',
          `Schedule ${s.name} is used by escalation polic${pol.length === 1 ? 'y' : 'ies'} ${pol.map((p) => p.name).join(', ')}`,
          [{ path: '/params/id', message: 'still referenced' }],
        );
      }
      await db.deleteFrom('oncall_schedules').where('id', '=', id).execute();
      return s;
    },
    addOverride: (scheduleId, input) =>
      withTransaction(ctx, async (trx) => {
        // Lock the schedule row (PostgreSQL) so concurrent overrides get distinct sequence numbers.
        const sch =
          ctx.dialect === 'postgres'
            ? await trx
                .selectFrom('oncall_schedules')
                .select('id')
                .where('id', '=', scheduleId)
                .forUpdate()
                .executeTakeFirst()
            : await trx
                .selectFrom('oncall_schedules')
                .select('id')
                .where('id', '=', scheduleId)
                .executeTakeFirst();
        if (!sch) throw notFound('schedule', scheduleId);
        const max = await trx
          .selectFrom('oncall_schedule_overrides')
          .select((eb) => eb.fn.max('seq').as('m'))
          .where('schedule_id', '=', scheduleId)
          .executeTakeFirst();
        await trx
          .insertInto('oncall_schedule_overrides')
          .values({
            id: newId(),
            schedule_id: scheduleId,
            seq: Number(max?.m ?? 0) + 1,
            user_id: input.user,
            starts_at: input.start,
            ends_at: input.end,
            comment: input.comment ?? '',
            created_by: input.createdBy,
            created_at: now(),
          })
          .execute();
        await trx
          .updateTable('oncall_schedules')
          .set({ updated_at: now() })
          .where('id', '=', scheduleId)
          .execute();
        return createOncallStore({ ...ctx, db: trx, inTransaction: true })
          .schedules.get(scheduleId)
          .then((s) => {
            if (!s) throw notFound('schedule', scheduleId);
            return s;
          });
      }),
    async deleteOverride(scheduleId, overrideId) {
      const res = await db
        .deleteFrom('oncall_schedule_overrides')
        .where('schedule_id', '=', scheduleId)
        .where('id', '=', overrideId)
        .executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) {
        throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No override ${overrideId} on schedule ${scheduleId}`, [
          { path: '/params/overrideId', message: 'no such override' },
        ]);
      }
      return mustSchedule(scheduleId);
    },
  };

  // ---- escalation policies
  const getPolicy = async (id: string): Promise<EscalationPolicyRecord | undefined> => {
    const r = await db
      .selectFrom('oncall_escalation_policies')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toPolicy(r) : undefined;
  };
  const escalationPolicies: OncallStore['escalationPolicies'] = {
    get: getPolicy,
    async list() {
      const rows = await db
        .selectFrom('oncall_escalation_policies')
        .selectAll()
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(toPolicy);
    },
    async create(input) {
      const at = now();
      const row: OncallEscalationPoliciesTable = {
        id: newId(),
        name: input.name,
        description: input.description ?? '',
        steps: json(input.steps),
        repeat: input.repeat,
        ack_timeout_minutes: input.ackTimeoutMinutes ?? null,
        created_at: at,
        updated_at: at,
      };
      await guarded('escalation policy', input.name, () =>
        db.insertInto('oncall_escalation_policies').values(row).execute(),
      );
      return toPolicy(row);
    },
    async update(id, patch) {
      const res = await guarded('escalation policy', patch.name, () =>
        db
          .updateTable('oncall_escalation_policies')
          .set({
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.steps !== undefined && { steps: json(patch.steps) }),
            ...(patch.repeat !== undefined && { repeat: patch.repeat }),
            ...(patch.ackTimeoutMinutes !== undefined && { ack_timeout_minutes: patch.ackTimeoutMinutes }),
            updated_at: now(),
          })
          .where('id', '=', id)
          .executeTakeFirst(),
      );
      if (Number(res.numUpdatedRows) === 0) throw notFound('escalation policy', id);
      const p = await getPolicy(id);
      if (!p) throw notFound('escalation policy', id);
      return p;
    },
    async delete(id) {
      const p = await getPolicy(id);
      if (!p) throw notFound('escalation policy', id);
      const svc = await db
        .selectFrom('oncall_services')
        .select('name')
        .where('escalation_policy_id', '=', id)
        .execute();
      if (svc.length > 0) {
        throw new OpsdeckError(
          'OPSDECK_E_CONFLICT',
          `Escalation policy ${p.name} is used by service(s) ${svc.map((s) => s.name).join(', ')}`,
          [{ path: '/params/id', message: 'still referenced' }],
        );
      }
      await db.deleteFrom('oncall_escalation_policies').where('id', '=', id).execute();
      return p;
    },
  };

  // ---- runbooks
  const getRunbook = async (id: string): Promise<RunbookRecord | undefined> => {
    const r = await db.selectFrom('oncall_runbooks').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toRunbook(r) : undefined;
  };
  const runbooks: OncallStore['runbooks'] = {
    get: getRunbook,
    async list() {
      return (await db.selectFrom('oncall_runbooks').selectAll().orderBy('path').execute()).map(toRunbook);
    },
    publish: (input) =>
      withTransaction(ctx, async (trx) => {
        const at = now();
        const hash = createHash('sha256').update(input.content).digest('hex');
        const p = input.parsed;
        const fields = {
          title: p.title,
          owner: p.owner,
          services: json(p.services),
          matchers: json(p.matchers.map(formatMatcher)),
          last_reviewed: p.lastReviewed,
        };
        const existing = await (ctx.dialect === 'postgres'
          ? trx
              .selectFrom('oncall_runbooks')
              .selectAll()
              .where('path', '=', input.path)
              .forUpdate()
              .executeTakeFirst()
          : trx.selectFrom('oncall_runbooks').selectAll().where('path', '=', input.path).executeTakeFirst());
        if (existing) {
          const current = await trx
            .selectFrom('oncall_runbook_versions')
            .select('content_hash')
            .where('runbook_id', '=', existing.id)
            .where('version', '=', existing.version)
            .executeTakeFirst();
          if (current?.content_hash === hash)
            return { runbook: toRunbook(existing), changed: false, created: false };
          const version = existing.version + 1;
          await trx
            .insertInto('oncall_runbook_versions')
            .values({
              runbook_id: existing.id,
              version,
              content_hash: hash,
              content: input.content,
              created_by: input.createdBy,
              created_at: at,
            })
            .execute();
          await trx
            .updateTable('oncall_runbooks')
            .set({ ...fields, version, updated_at: at })
            .where('id', '=', existing.id)
            .execute();
          return {
            runbook: toRunbook({ ...existing, ...fields, version, updated_at: at }),
            changed: true,
            created: false,
          };
        }
        const row: OncallRunbooksTable = {
          id: newId(),
          path: input.path,
          ...fields,
          version: 1,
          created_at: at,
          updated_at: at,
        };
        await guarded('runbook', undefined, async () => {
          try {
            await trx.insertInto('oncall_runbooks').values(row).execute();
          } catch (e) {
            if (!isUniqueViolation(e)) throw e;
            throw new OpsdeckError(
              'OPSDECK_E_CONFLICT',
              `Runbook ${input.path} was published by someone else at the same time; post it again`,
              [{ path: '/body/path', message: 'published concurrently' }],
            );
          }
          await trx
            .insertInto('oncall_runbook_versions')
            .values({
              runbook_id: row.id,
              version: 1,
              content_hash: hash,
              content: input.content,
              created_by: input.createdBy,
              created_at: at,
            })
            .execute();
        });
        return { runbook: toRunbook(row), changed: true, created: true };
      }),
    async versions(id) {
      const rows = await db
        .selectFrom('oncall_runbook_versions')
        .select(['version', 'content_hash', 'created_by', 'created_at'])
        .where('runbook_id', '=', id)
        .orderBy('version', 'desc')
        .execute();
      return rows.map((r) => ({
        version: r.version,
        contentHash: r.content_hash,
        createdBy: r.created_by,
        createdAt: r.created_at,
      }));
    },
    async content(id, version) {
      const rb = await getRunbook(id);
      if (!rb) return undefined;
      const r = await db
        .selectFrom('oncall_runbook_versions')
        .select(['version', 'content'])
        .where('runbook_id', '=', id)
        .where('version', '=', version ?? rb.version)
        .executeTakeFirst();
      return r ? { version: r.version, content: r.content } : undefined;
    },
    async delete(id) {
      const rb = await getRunbook(id);
      if (!rb) throw notFound('runbook', id);
      await db.deleteFrom('oncall_runbooks').where('id', '=', id).execute();
      return rb;
    },
    async engineRunbooks() {
      const rows = await db
        .selectFrom('oncall_runbooks')
        .innerJoin('oncall_runbook_versions', (j) =>
          j
            .onRef('oncall_runbook_versions.runbook_id', '=', 'oncall_runbooks.id')
            .onRef('oncall_runbook_versions.version', '=', 'oncall_runbooks.version'),
        )
        .selectAll('oncall_runbooks')
        .select(['oncall_runbook_versions.content', 'oncall_runbook_versions.content_hash'])
        .orderBy('oncall_runbooks.path')
        .execute();
      return rows.map((r) => {
        const record = toRunbook(r);
        const heading = /^#\s+(.+)$/m.exec(r.content.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n?/, ''));
        return {
          record,
          runbook: {
            path: record.path,
            title: heading?.[1]?.trim() ?? record.title,
            owner: record.owner,
            services: record.services,
            matchers: matchersOf(record.matchers),
            lastReviewed: record.lastReviewed,
            version: r.content_hash,
            body: r.content,
          },
        };
      });
    },
  };

  return {
    services,
    routingRules,
    silences,
    teams,
    schedules,
    escalationPolicies,
    runbooks,
    async pipelineConfig() {
      const [rules, svc, sil] = await Promise.all([
        listRules(),
        services.list(),
        listSilences({ current: true }),
      ]);
      const byId: Record<string, Service> = {};
      for (const s of svc) {
        byId[s.id] = {
          id: s.id,
          name: s.name,
          ...(s.escalationPolicyId !== undefined && { escalationPolicyId: s.escalationPolicyId }),
          ...(s.groupBy !== undefined && { groupBy: s.groupBy }),
        };
      }
      return {
        routing: {
          defaultServiceId: DEFAULT_SERVICE_ID,
          rules: rules.map((r) => ({
            serviceId: r.serviceId,
            matchers: matchersOf(r.matchers),
            ...(r.severities !== undefined && { severities: r.severities }),
            ...(r.sources !== undefined && { sources: r.sources }),
          })),
        },
        services: byId,
        silences: sil.map(silenceOf),
      };
    },
    async escalationContext(serviceId) {
      const svc = await getService(serviceId);
      const policy =
        svc?.escalationPolicyId !== undefined ? await getPolicy(svc.escalationPolicyId) : undefined;
      const [sch, tms, disabled] = await Promise.all([
        listSchedules(),
        listTeams(),
        db.selectFrom('users').select('id').where('disabled', '=', 1).execute(),
      ]);
      const directory: EscalationDirectory = {
        schedules: Object.fromEntries(sch.map((s) => [s.id, scheduleOf(s)])),
        teams: Object.fromEntries(tms.map((t) => [t.id, t.members])),
        disabled: new Set(disabled.map((u) => u.id)),
      };
      return { ...(policy && { policy: policyOf(policy) }), directory };
    },
  };
}
