import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';
import {
  shifts,
  validateSchedule,
  whoIsOnCall,
  type Rotation,
  type ScheduleLayer,
} from '../../../ops/schedules.js';
import { scheduleOf, type ScheduleRecord } from '../../../store/oncall/index.js';
import type { TransactionStore } from '../../../store/store.js';
import { IdParams, errorResponses } from '../../schemas.js';
import {
  Description,
  HourMinute,
  Id,
  IsoInstant,
  ListOf,
  Name,
  Problems,
  WeekdayNumber,
  audit,
  callerName,
  conflictResponse,
  enumOf,
  notFound,
  usernames,
} from './common.js';

const DAY = 86_400_000;
/** How far back "since" and ahead "until" and "next" look. */
const HORIZON_DAYS = 60;
/** Longest /shifts range. */
const MAX_RANGE_DAYS = 366;

const LayerInput = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'Default: layer-<n>' })),
    users: Type.Array(Id, { minItems: 1, maxItems: 200, description: 'User ids in rotation order' }),
    rotation: Type.Object(
      {
        type: enumOf(['daily', 'weekly', 'hours'] as const),
        hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 8760 })),
      },
      {
        additionalProperties: false,
        description:
          'daily/weekly: hand off at the same local time (DST-correct); hours: every N elapsed hours (required with type hours)',
      },
    ),
    start: Type.String({ description: 'First handoff, local `YYYY-MM-DDTHH:mm` in the layer zone' }),
    timeZone: Type.Optional(
      Type.String({ maxLength: 100, description: "IANA zone; default: the schedule's" }),
    ),
    restrictions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            start: HourMinute,
            end: HourMinute,
            days: Type.Optional(Type.Array(WeekdayNumber, { minItems: 1, maxItems: 7, uniqueItems: true })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20, description: 'Daily local windows outside which this layer has nobody on call' },
      ),
    ),
    end: Type.Optional(IsoInstant),
  },
  { additionalProperties: false },
);
const ScheduleFields = {
  name: Name,
  description: Type.Optional(Description),
  timeZone: Type.String({ maxLength: 100, description: 'IANA time zone, e.g. Europe/Berlin' }),
  teamId: Type.Optional(Type.Union([Id, Type.Null()])),
  layers: Type.Array(LayerInput, {
    minItems: 1,
    maxItems: 20,
    description: 'Lowest first; a higher layer wins',
  }),
};
const CreateSchedule = Type.Object(ScheduleFields, { additionalProperties: false });
const UpdateSchedule = Type.Partial(Type.Object(ScheduleFields), {
  additionalProperties: false,
  minProperties: 1,
});
const OverrideBody = Type.Object(
  { user: Id, start: IsoInstant, end: IsoInstant, comment: Type.Optional(Description) },
  { additionalProperties: false },
);

const UserRef = { user: Type.String(), username: Type.Union([Type.String(), Type.Null()]) };
const ShiftView = Type.Object({
  ...UserRef,
  via: Type.String({ description: 'Layer id, or `override`' }),
  start: Type.String(),
  end: Type.String(),
});
const ScheduleView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  timeZone: Type.String(),
  teamId: Type.Union([Type.String(), Type.Null()]),
  layers: Type.Array(
    Type.Object({
      id: Type.String(),
      users: Type.Array(Type.String()),
      rotation: Type.Object({ type: Type.String(), hours: Type.Optional(Type.Number()) }),
      start: Type.String(),
      timeZone: Type.String(),
      restrictions: Type.Optional(
        Type.Array(
          Type.Object({
            start: Type.String(),
            end: Type.String(),
            days: Type.Optional(Type.Array(Type.Integer())),
          }),
        ),
      ),
      end: Type.Optional(Type.String()),
    }),
  ),
  overrides: Type.Array(
    Type.Object({
      id: Type.String(),
      ...UserRef,
      start: Type.String(),
      end: Type.String(),
      comment: Type.String(),
      createdBy: Type.String(),
      createdAt: Type.String(),
    }),
  ),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const OnCallView = Type.Object({
  scheduleId: Type.String(),
  scheduleName: Type.String(),
  at: Type.String(),
  onCall: Type.Union([
    Type.Object({
      ...UserRef,
      via: Type.String(),
      since: Type.Union([Type.String(), Type.Null()], {
        description: `Start of the current shift; null: more than ${HORIZON_DAYS} days ago`,
      }),
      until: Type.Union([Type.String(), Type.Null()], {
        description: `End of the current shift; null: not within ${HORIZON_DAYS} days`,
      }),
    }),
    Type.Null(),
  ]),
  next: Type.Union([ShiftView, Type.Null()], { description: `The next shift within ${HORIZON_DAYS} days` }),
});
const AtQuery = Type.Object({ at: Type.Optional(IsoInstant) });
const RangeQuery = Type.Object({ from: IsoInstant, to: IsoInstant });

type LayerBody = Static<typeof LayerInput>;

function scheduleView(s: ScheduleRecord, names: Map<string, string>) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    timeZone: s.timeZone,
    teamId: s.teamId ?? null,
    layers: s.layers,
    overrides: s.overrides.map((o) => ({ ...o, username: names.get(o.user) ?? null })),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** The engine layers of a request: ids and zones filled in. */
function layersOf(body: readonly LayerBody[], timeZone: string): ScheduleLayer[] {
  return body.map((l, i) => {
    const rotation: Rotation =
      l.rotation.type === 'hours'
        ? { type: 'hours', hours: l.rotation.hours ?? 0 }
        : { type: l.rotation.type };
    return {
      id: l.id ?? `layer-${i + 1}`,
      users: l.users,
      rotation,
      start: l.start,
      timeZone: l.timeZone ?? timeZone,
      ...(l.restrictions && {
        restrictions: l.restrictions.map((r) => ({
          start: r.start,
          end: r.end,
          ...(r.days && { days: [...r.days].sort((a, b) => a - b) as (1 | 2 | 3 | 4 | 5 | 6 | 7)[] }),
        })),
      }),
      ...(l.end !== undefined && { end: new Date(l.end).toISOString() }),
    };
  });
}

/** Checks a schedule body; problems are reported at their JSON pointer under /body. */
async function checkSchedule(
  tx: TransactionStore,
  body: { timeZone?: string; teamId?: string | null; layers?: readonly LayerBody[] },
  timeZone: string,
): Promise<ScheduleLayer[] | undefined> {
  const p = new Problems();
  p.timeZone(body.timeZone, '/body/timeZone');
  if (typeof body.teamId === 'string' && !(await tx.oncall.teams.get(body.teamId)))
    p.add('/body/teamId', `no team with id ${body.teamId}`);
  let layers: ScheduleLayer[] | undefined;
  if (body.layers) {
    const ids = new Set<string>();
    body.layers.forEach((l, i) => {
      if (l.rotation.type === 'hours' && l.rotation.hours === undefined)
        p.add(`/body/layers/${i}/rotation/hours`, 'is required with type hours');
      if (l.rotation.type !== 'hours' && l.rotation.hours !== undefined)
        p.add(`/body/layers/${i}/rotation/hours`, 'is only used with type hours');
      l.restrictions?.forEach((r, j) => {
        p.hourMinute(r.start, `/body/layers/${i}/restrictions/${j}/start`);
        p.hourMinute(r.end, `/body/layers/${i}/restrictions/${j}/end`);
      });
      const id = l.id ?? `layer-${i + 1}`;
      if (ids.has(id)) p.add(`/body/layers/${i}/id`, `duplicate layer id ${id}`);
      ids.add(id);
    });
    layers = layersOf(body.layers, timeZone);
    // Zones inherited from an invalid schedule zone are reported once, at /body/timeZone.
    for (const problem of validateSchedule({ id: '', name: '', layers, overrides: [] })) {
      const inherited = /^\/layers\/(\d+)\/timeZone$/.exec(problem.path);
      if (inherited && body.layers[Number(inherited[1])]?.timeZone === undefined) continue;
      p.add(`/body${problem.path}`, problem.message);
    }
    const flat = body.layers.flatMap((l, i) =>
      l.users.map((u, j) => ({ u, path: `/body/layers/${i}/users/${j}` })),
    );
    await p.users(
      tx,
      flat.map((f) => f.u),
      (k) => flat[k]?.path ?? '/body/layers',
    );
  }
  p.throwIfAny('schedule');
  return layers;
}

function parseInstant(value: string | undefined, fallback: Date, path: string): Date {
  if (value === undefined) return fallback;
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new OpsdeckError('OPSDECK_E_VALIDATION', `${path} is not an ISO instant`, [
      { path, message: 'must be an ISO 8601 instant' },
    ]);
  return new Date(t);
}

function onCallAt(s: ScheduleRecord, at: Date, names: Map<string, string>) {
  const schedule = scheduleOf(s);
  const t = at.getTime();
  const back = t - HORIZON_DAYS * DAY;
  const horizon = t + HORIZON_DAYS * DAY;
  const who = whoIsOnCall(schedule, at);
  const rendered = shifts(schedule, new Date(back), new Date(horizon));
  const i = rendered.findIndex((x) => Date.parse(x.start) <= t && t < Date.parse(x.end));
  const current = who && i >= 0 ? rendered[i] : undefined;
  const next = current ? rendered[i + 1] : rendered.find((x) => Date.parse(x.start) > t);
  const named = <T extends { user: string }>(x: T) => ({ ...x, username: names.get(x.user) ?? null });
  return {
    scheduleId: s.id,
    scheduleName: s.name,
    at: at.toISOString(),
    onCall:
      who && current
        ? named({
            user: who.user,
            via: who.via,
            since: Date.parse(current.start) <= back ? null : current.start,
            until: Date.parse(current.end) >= horizon ? null : current.end,
          })
        : null,
    next: next ? named(next) : null,
  };
}

/** /api/schedules CRUD, overrides, who is on call (now / at T) and rendered shifts; /api/on-call. */
export const schedulesRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store, clock } = app.opsdeck;
  const tags = ['oncall'];

  app.get(
    '/api/schedules',
    {
      config: { permission: 'incidents:read' },
      schema: { tags, summary: 'List schedules', response: { 200: ListOf(ScheduleView), ...errorResponses } },
    },
    async () => {
      const names = await usernames(store);
      return { items: (await store.oncall.schedules.list()).map((s) => scheduleView(s, names)) };
    },
  );

  app.get(
    '/api/schedules/:id',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'Get a schedule with its layers and overrides',
        params: IdParams,
        response: { 200: Type.Object({ schedule: ScheduleView }), ...errorResponses },
      },
    },
    async (request) => {
      const s = await store.oncall.schedules.get(request.params.id);
      if (!s) throw notFound('schedule', request.params.id);
      return { schedule: scheduleView(s, await usernames(store)) };
    },
  );

  app.post(
    '/api/schedules',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Create a schedule',
        body: CreateSchedule,
        response: { 201: Type.Object({ schedule: ScheduleView }), ...errorResponses, ...conflictResponse },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { schedule, names } = await store.transaction(async (tx) => {
        const layers = (await checkSchedule(tx, b, b.timeZone)) ?? [];
        const s = await tx.oncall.schedules.create({
          name: b.name,
          timeZone: b.timeZone,
          layers,
          ...(b.description !== undefined && { description: b.description }),
          ...(b.teamId !== undefined && { teamId: b.teamId }),
        });
        const n = await usernames(tx);
        await audit(tx, request, {
          action: 'schedule.create',
          target: `schedule:${s.id}`,
          summary: `created schedule ${s.name} (${s.layers.length} layer(s), ${s.timeZone})`,
          after: scheduleView(s, n),
        });
        return { schedule: s, names: n };
      });
      return reply.code(201).send({ schedule: scheduleView(schedule, names) });
    },
  );

  app.patch(
    '/api/schedules/:id',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Change a schedule (layers replace the list)',
        params: IdParams,
        body: UpdateSchedule,
        response: { 200: Type.Object({ schedule: ScheduleView }), ...errorResponses, ...conflictResponse },
      },
    },
    async (request) => {
      const { id } = request.params;
      const b = request.body;
      const { schedule, names } = await store.transaction(async (tx) => {
        const before = await tx.oncall.schedules.get(id);
        if (!before) throw notFound('schedule', id);
        const layers = await checkSchedule(tx, b, b.timeZone ?? before.timeZone);
        const after = await tx.oncall.schedules.update(id, {
          ...(b.name !== undefined && { name: b.name }),
          ...(b.description !== undefined && { description: b.description }),
          ...(b.timeZone !== undefined && { timeZone: b.timeZone }),
          ...(b.teamId !== undefined && { teamId: b.teamId }),
          ...(layers !== undefined && { layers }),
        });
        const n = await usernames(tx);
        await audit(tx, request, {
          action: 'schedule.update',
          target: `schedule:${id}`,
          summary: `updated schedule ${after.name}`,
          before: scheduleView(before, n),
          after: scheduleView(after, n),
        });
        return { schedule: after, names: n };
      });
      return { schedule: scheduleView(schedule, names) };
    },
  );

  app.delete(
    '/api/schedules/:id',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Delete a schedule no escalation policy uses',
        params: IdParams,
        response: { 200: Type.Object({ schedule: ScheduleView }), ...errorResponses, ...conflictResponse },
      },
    },
    async (request) => {
      const { schedule, names } = await store.transaction(async (tx) => {
        const s = await tx.oncall.schedules.delete(request.params.id);
        const n = await usernames(tx);
        await audit(tx, request, {
          action: 'schedule.delete',
          target: `schedule:${s.id}`,
          summary: `deleted schedule ${s.name}`,
          before: scheduleView(s, n),
        });
        return { schedule: s, names: n };
      });
      return { schedule: scheduleView(schedule, names) };
    },
  );

  app.post(
    '/api/schedules/:id/overrides',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Put a user on call from start to end, above every layer (later overrides win)',
        params: IdParams,
        body: OverrideBody,
        response: { 201: Type.Object({ schedule: ScheduleView }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const b = request.body;
      const { schedule, names } = await store.transaction(async (tx) => {
        const before = await tx.oncall.schedules.get(id);
        if (!before) throw notFound('schedule', id);
        const p = new Problems();
        if (!(Date.parse(b.end) > Date.parse(b.start))) p.add('/body/end', 'must be after start');
        await p.users(tx, [b.user], () => '/body/user');
        p.throwIfAny('override');
        const after = await tx.oncall.schedules.addOverride(id, {
          user: b.user,
          start: new Date(b.start).toISOString(),
          end: new Date(b.end).toISOString(),
          ...(b.comment !== undefined && { comment: b.comment }),
          createdBy: callerName(request),
        });
        const n = await usernames(tx);
        const added = after.overrides[after.overrides.length - 1];
        await audit(tx, request, {
          action: 'schedule.override.create',
          target: `schedule:${id}`,
          summary: `override on ${after.name}: ${n.get(b.user) ?? b.user} from ${b.start} to ${b.end}`,
          after: added ?? null,
        });
        return { schedule: after, names: n };
      });
      return reply.code(201).send({ schedule: scheduleView(schedule, names) });
    },
  );

  app.delete(
    '/api/schedules/:id/overrides/:overrideId',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Remove an override',
        params: Type.Object({ id: Id, overrideId: Id }),
        response: { 200: Type.Object({ schedule: ScheduleView }), ...errorResponses },
      },
    },
    async (request) => {
      const { id, overrideId } = request.params;
      const { schedule, names } = await store.transaction(async (tx) => {
        const before = await tx.oncall.schedules.get(id);
        if (!before) throw notFound('schedule', id);
        const removed = before.overrides.find((o) => o.id === overrideId);
        const after = await tx.oncall.schedules.deleteOverride(id, overrideId);
        await audit(tx, request, {
          action: 'schedule.override.delete',
          target: `schedule:${id}`,
          summary: `removed override ${overrideId} from ${after.name}`,
          before: removed ?? null,
        });
        return { schedule: after, names: await usernames(tx) };
      });
      return { schedule: scheduleView(schedule, names) };
    },
  );

  app.get(
    '/api/schedules/:id/on-call',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'Who is on call now or at `at`, since and until when, and who is next',
        params: IdParams,
        querystring: AtQuery,
        response: { 200: OnCallView, ...errorResponses },
      },
    },
    async (request) => {
      const s = await store.oncall.schedules.get(request.params.id);
      if (!s) throw notFound('schedule', request.params.id);
      const at = parseInstant(request.query.at, clock.now(), '/querystring/at');
      return onCallAt(s, at, await usernames(store));
    },
  );

  app.get(
    '/api/schedules/:id/shifts',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: `The rendered shifts of [from, to) (at most ${MAX_RANGE_DAYS} days)`,
        params: IdParams,
        querystring: RangeQuery,
        response: { 200: ListOf(ShiftView), ...errorResponses },
      },
    },
    async (request) => {
      const s = await store.oncall.schedules.get(request.params.id);
      if (!s) throw notFound('schedule', request.params.id);
      const from = parseInstant(request.query.from, clock.now(), '/querystring/from');
      const to = parseInstant(request.query.to, clock.now(), '/querystring/to');
      const p = new Problems();
      if (!(to > from)) p.add('/querystring/to', 'must be after from');
      else if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY)
        p.add('/querystring/to', `must be at most ${MAX_RANGE_DAYS} days after from`);
      p.throwIfAny('range');
      const names = await usernames(store);
      return {
        items: shifts(scheduleOf(s), from, to).map((x) => ({ ...x, username: names.get(x.user) ?? null })),
      };
    },
  );

  app.get(
    '/api/on-call',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'Every schedule: who is on call now or at `at`, until when, and who is next',
        querystring: AtQuery,
        response: {
          200: Type.Object({ at: Type.String(), items: Type.Array(OnCallView) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const at = parseInstant(request.query.at, clock.now(), '/querystring/at');
      const names = await usernames(store);
      const list = await store.oncall.schedules.list();
      return { at: at.toISOString(), items: list.map((s) => onCallAt(s, at, names)) };
    },
  );

  done();
};
