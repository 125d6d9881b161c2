import { describe, expect, it } from 'vitest';
import { handoffAt, shifts, validateSchedule, whoIsOnCall } from './schedules.js';
import type { Schedule, ScheduleLayer } from './schedules.js';

const weekly = (timeZone: string, start: string, users = ['ana', 'ben', 'cem']): ScheduleLayer => ({
  id: 'primary',
  users,
  rotation: { type: 'weekly' },
  start,
  timeZone,
});

const schedule = (layers: ScheduleLayer[], overrides: Schedule['overrides'] = []): Schedule => ({
  id: 's',
  name: 'ops',
  layers,
  overrides,
});

const iso = (ms: number): string => new Date(ms).toISOString();

describe('weekly handoffs stay at the local wall-clock time across DST', () => {
  it.each([
    // Europe/Berlin, Monday 09:00; spring forward on Sunday 2026-03-29, fall back on 2026-10-25.
    ['Europe/Berlin', '2026-03-16T09:00', 1, '2026-03-23T08:00:00.000Z'], // 09:00 CET
    ['Europe/Berlin', '2026-03-16T09:00', 2, '2026-03-30T07:00:00.000Z'], // 09:00 CEST
    ['Europe/Berlin', '2026-10-19T09:00', 0, '2026-10-19T07:00:00.000Z'], // 09:00 CEST
    ['Europe/Berlin', '2026-10-19T09:00', 1, '2026-10-26T08:00:00.000Z'], // 09:00 CET
    // America/New_York, Monday 09:00; spring forward 2026-03-08, fall back 2026-11-01.
    ['America/New_York', '2026-03-02T09:00', 0, '2026-03-02T14:00:00.000Z'], // 09:00 EST
    ['America/New_York', '2026-03-02T09:00', 1, '2026-03-09T13:00:00.000Z'], // 09:00 EDT
    ['America/New_York', '2026-10-26T09:00', 1, '2026-11-02T14:00:00.000Z'], // 09:00 EST
  ])('%s from %s: handoff %i is at %s', (zone, start, n, expected) => {
    expect(iso(handoffAt(weekly(zone, start), n))).toBe(expected);
  });

  it('makes the shift across spring-forward 167 hours and across fall-back 169 hours', () => {
    const spring = weekly('Europe/Berlin', '2026-03-23T09:00');
    expect((handoffAt(spring, 1) - handoffAt(spring, 0)) / 3_600_000).toBe(167);
    const fall = weekly('Europe/Berlin', '2026-10-19T09:00');
    expect((handoffAt(fall, 1) - handoffAt(fall, 0)) / 3_600_000).toBe(169);
  });

  it.each([
    ['2026-03-30T06:59:00Z', 'ana'], // 08:59 CEST Monday: still ana's week
    ['2026-03-30T07:00:00Z', 'ben'], // 09:00 CEST: ben takes over
    ['2026-04-06T07:00:00Z', 'cem'],
    ['2026-04-13T07:00:00Z', 'ana'],
  ])('who is on call at %s: %s', (at, user) => {
    const s = schedule([weekly('Europe/Berlin', '2026-03-23T09:00')]);
    expect(whoIsOnCall(s, new Date(at))?.user).toBe(user);
  });

  it('has nobody on call before the first handoff', () => {
    expect(
      whoIsOnCall(schedule([weekly('Europe/Berlin', '2026-03-23T09:00')]), new Date('2026-03-23T07:59:00Z')),
    ).toBeUndefined();
  });
});

describe('daily and hourly rotations', () => {
  it.each([
    // Daily 08:00 New York across fall back: 23:00 UTC-4 -> 08:00 EST is 13:00Z.
    ['daily', '2026-10-31T08:00', 'America/New_York', 1, '2026-11-01T13:00:00.000Z'],
    ['daily', '2026-10-31T08:00', 'America/New_York', 0, '2026-10-31T12:00:00.000Z'],
    // Every 12 elapsed hours: across spring-forward the local time shifts by one hour.
    ['hours', '2026-03-28T20:00', 'Europe/Berlin', 1, '2026-03-29T07:00:00.000Z'],
  ] as const)('%s from %s %s: handoff %i at %s', (type, start, zone, n, expected) => {
    const layer: ScheduleLayer = {
      id: 'l',
      users: ['a', 'b'],
      rotation: type === 'hours' ? { type: 'hours', hours: 12 } : { type: 'daily' },
      start,
      timeZone: zone,
    };
    expect(iso(handoffAt(layer, n))).toBe(expected);
  });
});

describe('layers, restrictions and overrides', () => {
  const base = weekly('Europe/Berlin', '2026-11-02T09:00', ['ana', 'ben']);
  const business: ScheduleLayer = {
    id: 'business-hours',
    users: ['dev1', 'dev2'],
    rotation: { type: 'daily' },
    start: '2026-11-02T09:00',
    timeZone: 'Europe/Berlin',
    restrictions: [{ start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] }],
  };
  const s = schedule(
    [base, business],
    [{ user: 'zoe', start: '2026-11-04T12:00:00Z', end: '2026-11-04T14:00:00Z' }],
  );

  it.each([
    ['2026-11-02T08:30:00Z', 'dev1', 'business-hours'], // Mon 09:30 CET: higher layer
    ['2026-11-03T08:30:00Z', 'dev2', 'business-hours'], // Tue: daily rotation moved on
    ['2026-11-02T16:30:00Z', 'ana', 'primary'], // Mon 17:30: outside the window, lower layer
    ['2026-11-07T10:00:00Z', 'ana', 'primary'], // Saturday: restricted layer off
    ['2026-11-04T12:30:00Z', 'zoe', 'override'], // override beats every layer
    ['2026-11-04T14:00:00Z', 'dev1', 'business-hours'], // override ended
  ])('at %s %s is on call via %s', (at, user, via) => {
    expect(whoIsOnCall(s, new Date(at))).toEqual({ user, via });
  });

  it('lets the later of two overlapping overrides win', () => {
    const two = schedule(
      [base],
      [
        { user: 'x', start: '2026-11-04T00:00:00Z', end: '2026-11-05T00:00:00Z' },
        { user: 'y', start: '2026-11-04T10:00:00Z', end: '2026-11-04T11:00:00Z' },
      ],
    );
    expect(whoIsOnCall(two, new Date('2026-11-04T10:30:00Z'))?.user).toBe('y');
    expect(whoIsOnCall(two, new Date('2026-11-04T11:30:00Z'))?.user).toBe('x');
  });

  it('renders a timeline of shifts for a day', () => {
    const out = shifts(s, new Date('2026-11-04T00:00:00Z'), new Date('2026-11-05T00:00:00Z'));
    expect(out.map((x) => `${x.start.slice(11, 16)}-${x.end.slice(11, 16)} ${x.user} (${x.via})`)).toEqual([
      '00:00-08:00 ana (primary)',
      '08:00-12:00 dev1 (business-hours)',
      '12:00-14:00 zoe (override)',
      '14:00-16:00 dev1 (business-hours)',
      '16:00-00:00 ana (primary)',
    ]);
  });

  it('renders the weekly handoff across spring-forward at 09:00 local', () => {
    const out = shifts(
      schedule([weekly('Europe/Berlin', '2026-03-23T09:00', ['ana', 'ben'])]),
      new Date('2026-03-28T00:00:00Z'),
      new Date('2026-04-01T00:00:00Z'),
    );
    expect(out).toEqual([
      { user: 'ana', via: 'primary', start: '2026-03-28T00:00:00.000Z', end: '2026-03-30T07:00:00.000Z' },
      { user: 'ben', via: 'primary', start: '2026-03-30T07:00:00.000Z', end: '2026-04-01T00:00:00.000Z' },
    ]);
  });
});

describe('validateSchedule', () => {
  it('names each problem by path', () => {
    const bad = schedule(
      [
        {
          id: 'l',
          users: [],
          rotation: { type: 'hours', hours: 0 },
          start: '2026-13-01',
          timeZone: 'Mars/Base',
        },
      ],
      [{ user: 'u', start: '2026-11-02T00:00:00Z', end: '2026-11-01T00:00:00Z' }],
    );
    expect(validateSchedule(bad).map((p) => p.path)).toEqual([
      '/layers/0/users',
      '/layers/0/start',
      '/layers/0/timeZone',
      '/layers/0/rotation/hours',
      '/overrides/0',
    ]);
  });

  it('refuses a layer start on a day the month does not have (Date.parse rolled 02-30 over)', () => {
    for (const start of ['2026-02-30T09:00', '2026-04-31T09:00', '2025-02-29T09:00']) {
      const bad = schedule([weekly('Europe/Berlin', start)]);
      expect(validateSchedule(bad).map((p) => p.path)).toEqual(['/layers/0/start']);
    }
    expect(validateSchedule(schedule([weekly('Europe/Berlin', '2028-02-29T09:00')]))).toEqual([]);
  });

  it('accepts a valid schedule', () => {
    expect(validateSchedule(schedule([weekly('Europe/Berlin', '2026-03-23T09:00')]))).toEqual([]);
  });
});
