import { describe, expect, it } from 'vitest';
import {
  fromLocal,
  isValidTimeZone,
  offsetAt,
  parseHourMinute,
  parseLocalDateTime,
  weekdayOf,
} from './time-zone.js';

describe('fromLocal', () => {
  it.each([
    ['Europe/Berlin', '2026-01-15T09:00', '2026-01-15T08:00:00.000Z', 'plain winter time'],
    ['Europe/Berlin', '2026-07-15T09:00', '2026-07-15T07:00:00.000Z', 'plain summer time'],
    [
      'Europe/Berlin',
      '2026-03-29T02:30',
      '2026-03-29T01:30:00.000Z',
      'spring-forward gap moves forward (03:30 CEST)',
    ],
    [
      'Europe/Berlin',
      '2026-10-25T02:30',
      '2026-10-25T00:30:00.000Z',
      'fall-back repeat takes the first (CEST)',
    ],
    [
      'America/New_York',
      '2026-03-08T02:30',
      '2026-03-08T07:30:00.000Z',
      'spring-forward gap moves forward (03:30 EDT)',
    ],
    [
      'America/New_York',
      '2026-11-01T01:30',
      '2026-11-01T05:30:00.000Z',
      'fall-back repeat takes the first (EDT)',
    ],
    ['UTC', '2026-11-01T01:30', '2026-11-01T01:30:00.000Z', 'UTC'],
  ])('%s %s is %s (%s)', (zone, local, expected) => {
    expect(new Date(fromLocal(parseLocalDateTime(local)!, zone)).toISOString()).toBe(expected);
  });
});

describe('zone helpers', () => {
  it.each([
    ['2026-01-15T00:00:00Z', 'Europe/Berlin', 3_600_000],
    ['2026-07-15T00:00:00Z', 'Europe/Berlin', 7_200_000],
    ['2026-07-15T00:00:00Z', 'America/New_York', -4 * 3_600_000],
  ])('offset at %s in %s is %i ms', (at, zone, offset) => {
    expect(offsetAt(Date.parse(at), zone)).toBe(offset);
  });

  it.each([
    ['Europe/Berlin', true],
    ['Mars/Base', false],
  ])('%s valid: %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });

  it.each([
    ['09:00', 540],
    ['24:00', 1440],
    ['24:01', undefined],
    ['9:00', undefined],
  ])('HH:mm %s -> %s', (s, v) => {
    expect(parseHourMinute(s)).toBe(v);
  });

  it('knows 2026-03-30 is a Monday and 2026-03-29 a Sunday', () => {
    expect(weekdayOf({ year: 2026, month: 3, day: 30 })).toBe(1);
    expect(weekdayOf({ year: 2026, month: 3, day: 29 })).toBe(7);
  });
});
