import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { matchesAll, parseMatcher } from '../../../ops/matchers.js';
import { isSilenceActive } from '../../../ops/silences.js';
import { silenceOf, type SilenceRecord } from '../../../store/oncall/index.js';
import { IdParams, errorResponses } from '../../schemas.js';
import {
  Description,
  HourMinute,
  IsoInstant,
  ListOf,
  MatcherText,
  Problems,
  WeekdayNumber,
  audit,
  callerName,
  enumOf,
  notFound,
} from './common.js';

const SilenceView = Type.Object({
  id: Type.String(),
  kind: Type.String({ enum: ['one-off', 'recurring'] }),
  matchers: Type.Array(Type.String()),
  comment: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  expiredAt: Type.Union([Type.String(), Type.Null()]),
  /** one-off */
  startsAt: Type.Optional(Type.String()),
  endsAt: Type.Optional(Type.String()),
  /** recurring */
  timeZone: Type.Optional(Type.String()),
  days: Type.Optional(Type.Union([Type.Array(Type.Integer()), Type.Null()])),
  start: Type.Optional(Type.String()),
  end: Type.Optional(Type.String()),
  validFrom: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  validUntil: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  active: Type.Boolean({ description: 'In effect now' }),
});

const CreateSilence = Type.Object(
  {
    kind: enumOf(['one-off', 'recurring'] as const),
    matchers: Type.Array(MatcherText, {
      minItems: 1,
      maxItems: 50,
      description: 'All must match an alert for the silence to mute it',
    }),
    comment: Type.Optional(Description),
    startsAt: Type.Optional(IsoInstant),
    endsAt: Type.Optional(IsoInstant),
    timeZone: Type.Optional(Type.String({ maxLength: 100, description: 'IANA zone (recurring)' })),
    days: Type.Optional(Type.Array(WeekdayNumber, { minItems: 1, maxItems: 7, uniqueItems: true })),
    start: Type.Optional(HourMinute),
    end: Type.Optional(HourMinute),
    validFrom: Type.Optional(IsoInstant),
    validUntil: Type.Optional(IsoInstant),
  },
  {
    additionalProperties: false,
    description:
      'one-off: startsAt (default now), endsAt. recurring: timeZone, start, end (local HH:mm; an end not after the start runs past midnight), days (1 = Monday; default every day), optional validFrom/validUntil.',
  },
);

const SilencesQuery = Type.Object({
  state: Type.Optional(
    enumOf(['current', 'all'] as const, 'current (default): not over yet; all: include ended ones'),
  ),
});

export function silenceView(s: SilenceRecord, now: Date) {
  const common = {
    id: s.id,
    kind: s.kind,
    matchers: s.matchers,
    comment: s.comment,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
    expiredAt: s.expiredAt ?? null,
    active: isSilenceActive(silenceOf(s), now),
  };
  if (s.kind === 'one-off') return { ...common, startsAt: s.startsAt, endsAt: s.endsAt };
  return {
    ...common,
    timeZone: s.timeZone,
    days: s.days ?? null,
    start: s.start,
    end: s.end,
    validFrom: s.validFrom ?? null,
    validUntil: s.validUntil ?? null,
  };
}

/** /api/silences: one-off and recurring silences (maintenance windows) that mute paging but keep history. */
export const silencesRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store, clock } = app.opsdeck;
  const tags = ['oncall'];

  app.get(
    '/api/silences',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'List silences, newest first',
        querystring: SilencesQuery,
        response: { 200: ListOf(SilenceView), ...errorResponses },
      },
    },
    async (request) => {
      const now = clock.now();
      const list = await store.oncall.silences.list({ current: request.query.state !== 'all', at: now });
      return { items: list.map((s) => silenceView(s, now)) };
    },
  );

  app.get(
    '/api/silences/:id',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags,
        summary: 'Get a silence',
        params: IdParams,
        response: { 200: Type.Object({ silence: SilenceView }), ...errorResponses },
      },
    },
    async (request) => {
      const s = await store.oncall.silences.get(request.params.id);
      if (!s) throw notFound('silence', request.params.id);
      return { silence: silenceView(s, clock.now()) };
    },
  );

  app.post(
    '/api/silences',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Create a one-off or recurring silence',
        body: CreateSilence,
        response: { 201: Type.Object({ silence: SilenceView }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const now = clock.now();
      const p = new Problems();
      p.matchers(b.matchers, '/body/matchers');
      // Alertmanager's rule: matchers that all match a missing label ("") would mute every alert.
      const parsed = b.matchers.flatMap((text) => {
        const m = parseMatcher(text);
        return m.ok ? [m.value] : [];
      });
      if (parsed.length === b.matchers.length && matchesAll(parsed, {}))
        p.add(
          '/body/matchers',
          'at least one matcher must not match the empty string (these would mute every alert)',
        );
      const only = (fields: readonly (keyof typeof b)[], kind: string) => {
        for (const f of fields)
          if (b[f] !== undefined) p.add(`/body/${f}`, `is not used by a ${kind} silence`);
      };
      const need = (fields: readonly (keyof typeof b)[], kind: string) => {
        for (const f of fields)
          if (b[f] === undefined) p.add(`/body/${f}`, `is required for a ${kind} silence`);
      };
      const createdBy = callerName(request);
      let input: Parameters<typeof store.oncall.silences.create>[0] | undefined;
      if (b.kind === 'one-off') {
        only(['timeZone', 'days', 'start', 'end', 'validFrom', 'validUntil'], 'one-off');
        need(['endsAt'], 'one-off');
        const startsAt = b.startsAt ?? now.toISOString();
        if (b.endsAt !== undefined && !(Date.parse(b.endsAt) > Date.parse(startsAt)))
          p.add('/body/endsAt', 'must be after startsAt');
        if (b.endsAt !== undefined && Date.parse(b.endsAt) <= now.getTime())
          p.add('/body/endsAt', 'must be in the future');
        if (b.endsAt !== undefined) {
          input = {
            kind: 'one-off',
            matchers: b.matchers,
            startsAt: new Date(startsAt).toISOString(),
            endsAt: new Date(b.endsAt).toISOString(),
            comment: b.comment ?? '',
            createdBy,
          };
        }
      } else {
        only(['startsAt', 'endsAt'], 'recurring');
        need(['timeZone', 'start', 'end'], 'recurring');
        p.timeZone(b.timeZone, '/body/timeZone');
        p.hourMinute(b.start, '/body/start');
        p.hourMinute(b.end, '/body/end');
        if (b.validFrom !== undefined && b.validUntil !== undefined && !(b.validUntil > b.validFrom))
          p.add('/body/validUntil', 'must be after validFrom');
        if (b.timeZone !== undefined && b.start !== undefined && b.end !== undefined) {
          input = {
            kind: 'recurring',
            matchers: b.matchers,
            timeZone: b.timeZone,
            ...(b.days && { days: [...b.days].sort((x, y) => x - y) as (1 | 2 | 3 | 4 | 5 | 6 | 7)[] }),
            start: b.start,
            end: b.end,
            ...(b.validFrom !== undefined && { validFrom: new Date(b.validFrom).toISOString() }),
            ...(b.validUntil !== undefined && { validUntil: new Date(b.validUntil).toISOString() }),
            comment: b.comment ?? '',
            createdBy,
          };
        }
      }
      p.throwIfAny('silence');
      if (!input) throw new Error('unreachable: validated silence has no input');
      const data = input;
      const silence = await store.transaction(async (tx) => {
        const s = await tx.oncall.silences.create(data);
        await audit(tx, request, {
          action: 'silence.create',
          target: `silence:${s.id}`,
          summary: `created ${s.kind} silence ${s.matchers.join(', ')}${s.comment ? ` (${s.comment})` : ''}`,
          after: silenceView(s, now),
        });
        return s;
      });
      return reply.code(201).send({ silence: silenceView(silence, now) });
    },
  );

  app.post(
    '/api/silences/:id/expire',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'End a silence now (it stays listed with state=all)',
        params: IdParams,
        response: { 200: Type.Object({ silence: SilenceView }), ...errorResponses },
      },
    },
    async (request) => {
      const silence = await store.transaction(async (tx) => {
        const before = await tx.oncall.silences.get(request.params.id);
        if (!before) throw notFound('silence', request.params.id);
        const after = await tx.oncall.silences.expire(before.id);
        const now = clock.now();
        await audit(tx, request, {
          action: 'silence.expire',
          target: `silence:${before.id}`,
          summary: `expired silence ${before.matchers.join(', ')}`,
          before: silenceView(before, now),
          after: silenceView(after, now),
        });
        return after;
      });
      return { silence: silenceView(silence, clock.now()) };
    },
  );

  app.delete(
    '/api/silences/:id',
    {
      config: { permission: 'incidents:write' },
      schema: {
        tags,
        summary: 'Delete a silence',
        params: IdParams,
        response: { 200: Type.Object({ silence: SilenceView }), ...errorResponses },
      },
    },
    async (request) => {
      const silence = await store.transaction(async (tx) => {
        const s = await tx.oncall.silences.delete(request.params.id);
        await audit(tx, request, {
          action: 'silence.delete',
          target: `silence:${s.id}`,
          summary: `deleted silence ${s.matchers.join(', ')}`,
          before: silenceView(s, clock.now()),
        });
        return s;
      });
      return { silence: silenceView(silence, clock.now()) };
    },
  );

  done();
};
