import { describe, expect, it } from 'vitest';
import { parseMatcher } from './matchers.js';
import type { LabelMatcher } from './matchers.js';
import { activeSilences, isSilenceActive, silencedBy } from './silences.js';
import type { RecurringSilence, Silence } from './silences.js';

const m = (text: string): LabelMatcher => {
  const r = parseMatcher(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

const base = { comment: 'maintenance', createdBy: 'ana' };
const oneOff: Silence = {
  ...base,
  kind: 'one-off',
  id: 's1',
  matchers: [m('service="db"')],
  startsAt: '2026-11-20T10:00:00Z',
  endsAt: '2026-11-20T12:00:00Z',
};

const nightly = (timeZone: string): RecurringSilence => ({
  ...base,
  kind: 'recurring',
  id: 'nightly',
  matchers: [m('service=~"db|batch"')],
  timeZone,
  start: '02:00',
  end: '04:00',
});

describe('one-off silences', () => {
  it.each([
    ['2026-11-20T09:59:59Z', false],
    ['2026-11-20T10:00:00Z', true],
    ['2026-11-20T11:59:59Z', true],
    ['2026-11-20T12:00:00Z', false],
  ])('at %s active: %s', (at, active) => {
    expect(isSilenceActive(oneOff, new Date(at))).toBe(active);
  });

  it('silences only alerts its matchers match', () => {
    const at = new Date('2026-11-20T11:00:00Z');
    expect(silencedBy([oneOff], { labels: { service: 'db' } }, at)?.id).toBe('s1');
    expect(silencedBy([oneOff], { labels: { service: 'api' } }, at)).toBeUndefined();
  });
});

describe('recurring maintenance windows keep local wall-clock time across DST', () => {
  it.each([
    // Europe/Berlin: CET (UTC+1) in winter, CEST (UTC+2) in summer.
    ['Europe/Berlin', '2026-01-15T01:30:00Z', true], // 02:30 CET
    ['Europe/Berlin', '2026-07-15T00:30:00Z', true], // 02:30 CEST
    ['Europe/Berlin', '2026-07-15T01:30:00Z', true], // 03:30 CEST
    ['Europe/Berlin', '2026-07-15T02:30:00Z', false], // 04:30 CEST
    ['Europe/Berlin', '2026-01-15T03:00:00Z', false], // 04:00 CET, end is exclusive
    // Spring forward 2026-03-29: 02:00-03:00 does not exist, the window is 03:00-04:00 CEST.
    ['Europe/Berlin', '2026-03-29T00:59:00Z', false], // 01:59 CET
    ['Europe/Berlin', '2026-03-29T01:00:00Z', true], // 03:00 CEST
    ['Europe/Berlin', '2026-03-29T01:59:00Z', true], // 03:59 CEST
    ['Europe/Berlin', '2026-03-29T02:00:00Z', false], // 04:00 CEST
    // Fall back 2026-10-25: 02:00 CEST .. 04:00 CET is three hours long.
    ['Europe/Berlin', '2026-10-25T00:00:00Z', true], // 02:00 CEST
    ['Europe/Berlin', '2026-10-25T01:30:00Z', true], // 02:30 CET (second time)
    ['Europe/Berlin', '2026-10-25T02:59:00Z', true], // 03:59 CET
    ['Europe/Berlin', '2026-10-25T03:00:00Z', false], // 04:00 CET
    // America/New_York: spring forward 2026-03-08, fall back 2026-11-01.
    ['America/New_York', '2026-03-08T06:59:00Z', false], // 01:59 EST
    ['America/New_York', '2026-03-08T07:00:00Z', true], // 03:00 EDT
    ['America/New_York', '2026-03-08T08:00:00Z', false], // 04:00 EDT
    ['America/New_York', '2026-11-01T06:30:00Z', false], // 01:30 EST (the repeated hour, before 02:00)
    ['America/New_York', '2026-11-01T07:00:00Z', true], // 02:00 EST
    ['America/New_York', '2026-11-01T08:59:00Z', true], // 03:59 EST
    ['America/New_York', '2026-11-01T09:00:00Z', false], // 04:00 EST
  ])('%s at %s active: %s', (zone, at, active) => {
    expect(isSilenceActive(nightly(zone), new Date(at))).toBe(active);
  });

  it('honours weekdays, a window past midnight and validity bounds', () => {
    const s: RecurringSilence = {
      ...nightly('Europe/Berlin'),
      days: [6], // starts Saturdays
      start: '22:00',
      end: '06:00',
      validUntil: '2026-12-01T00:00:00Z',
    };
    expect(isSilenceActive(s, new Date('2026-11-21T22:30:00Z'))).toBe(true); // Sat 23:30 CET
    expect(isSilenceActive(s, new Date('2026-11-22T04:30:00Z'))).toBe(true); // Sun 05:30 CET
    expect(isSilenceActive(s, new Date('2026-11-22T22:30:00Z'))).toBe(false); // Sun 23:30: not a Saturday start
    expect(isSilenceActive(s, new Date('2026-12-05T22:30:00Z'))).toBe(false); // past validUntil
  });

  it('lists the silences active at an instant', () => {
    const at = new Date('2026-11-20T11:00:00Z');
    expect(activeSilences([oneOff, nightly('Europe/Berlin')], at).map((s) => s.id)).toEqual(['s1']);
  });
});
