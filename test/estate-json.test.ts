import { describe, expect, it } from 'vitest';
import { isoTime, normaliseAws, normaliseAwsInPlace } from '../src/estate/json.js';
import type { Json } from '../src/estate/model.js';

/** What isoTime returned before its fast path: a Date round trip. */
const viaDate = (s: string) => {
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
};

describe('isoTime', () => {
  it('returns canonical strings unchanged and normalises everything else exactly as a Date round trip', () => {
    const inputs = [
      '2026-11-27T00:00:00.000Z',
      '2024-02-29T23:59:59.999Z', // leap day
      '2023-02-29T00:00:00.000Z', // no such day: Date rolls it to March 1
      '2026-02-30T00:00:00.000Z',
      '2026-04-31T12:00:00.000Z',
      '2000-02-29T00:00:00.000Z',
      '1900-02-29T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z', // 24:00 is the next day
      '2026-13-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-01-00T00:00:00.000Z',
      '2026-01-01T23:60:00.000Z',
      '2026-11-27T10:00:00+00:00', // AWS CLI style
      '2026-11-27T10:00:00Z',
      '2026-11-27T10:00:00.123456Z',
      '2026-11-27 10:00:00',
      'not a date',
      '',
    ];
    for (const s of inputs) expect(isoTime(s), s).toBe(viaDate(s));
    const canonical = '2024-02-29T23:59:59.999Z';
    expect(isoTime(canonical)).toBe(canonical);
  });

  it('reads botocore datetime objects', () => {
    expect(
      isoTime({ __class__: 'datetime', year: 2026, month: 3, day: 4, hour: 5, minute: 6, second: 7 }),
    ).toBe('2026-03-04T05:06:07.000Z');
    expect(isoTime(42)).toBeUndefined();
  });
});

describe('normaliseAws', () => {
  it('turns datetime objects into ISO strings and drops ResponseMetadata at every depth', () => {
    const doc = {
      Volumes: [
        {
          VolumeId: 'vol-1',
          CreateTime: {
            __class__: 'datetime',
            year: 2025,
            month: 1,
            day: 2,
            hour: 3,
            minute: 4,
            second: 5,
            microsecond: 6000,
          },
          Tags: [{ Key: 'Name', Value: 'x' }],
          Nested: { ResponseMetadata: { RequestId: 'r' }, Keep: [1, null, true] },
        },
      ],
      ResponseMetadata: { HTTPStatusCode: 200 },
    } as unknown as Json;
    const expected = {
      Volumes: [
        {
          VolumeId: 'vol-1',
          CreateTime: '2025-01-02T03:04:05.006Z',
          Tags: [{ Key: 'Name', Value: 'x' }],
          Nested: { Keep: [1, null, true] },
        },
      ],
    };
    const before = structuredClone(doc);
    expect(normaliseAws(doc)).toEqual(expected);
    expect(doc).toEqual(before); // the copying one leaves its input alone
    const inPlace = normaliseAwsInPlace(doc);
    expect(inPlace).toBe(doc);
    expect(doc).toEqual(expected);
    // A datetime object at the top is replaced, not mutated.
    expect(normaliseAwsInPlace({ __class__: 'datetime', year: 2026, month: 1, day: 1 })).toBe(
      '2026-01-01T00:00:00.000Z',
    );
    expect(normaliseAwsInPlace([{ __class__: 'datetime', year: 2026, month: 1, day: 1 }])).toEqual([
      '2026-01-01T00:00:00.000Z',
    ]);
  });
});
