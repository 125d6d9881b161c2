import { describe, expect, it } from 'vitest';
import {
  PayloadReader,
  labelsFingerprint,
  maxSeverity,
  parseJson,
  parseTime,
  severityFromWord,
} from './alert.js';
import type { Severity } from './alert.js';

describe('severityFromWord', () => {
  it.each([
    ['critical', 'critical'],
    ['CRITICAL', 'critical'],
    ['page', 'critical'],
    ['P1', 'critical'],
    ['error', 'error'],
    ['high', 'error'],
    ['major', 'error'],
    ['warning', 'warning'],
    ['warn', 'warning'],
    ['minor', 'warning'],
    ['info', 'info'],
    ['low', 'info'],
    ['none', 'info'],
    ['whatever', 'warning'],
    [undefined, 'warning'],
  ] as const)('%s -> %s (fallback warning)', (word, expected) => {
    expect(severityFromWord(word, 'warning')).toBe(expected);
  });
});

describe('parseTime', () => {
  it.each([
    ['2026-11-26T19:27:22.325988551Z', '2026-11-26T19:27:22.325Z'],
    ['2026-11-20T10:01:00.000+0000', '2026-11-20T10:01:00.000Z'],
    ['2026-11-20T12:00:00+02:00', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T12:00Z', '2026-11-20T12:00:00.000Z'],
    ['2026-11-20', undefined],
    ['yesterday', undefined],
    ['2026-13-40T00:00:00Z', undefined],
    // Impossible days and hours: Date.parse rolled them over (2026-03-02, the next day).
    ['2026-02-30T00:00:00Z', undefined],
    ['2026-02-30T00:00:00.5Z', undefined],
    ['2026-02-30T00:00:00+01:00', undefined],
    ['2026-04-31 10:00Z', undefined],
    ['2026-11-27T24:00:00+01:00', undefined],
    ['2024-02-29T12:00:00+01:00', '2024-02-29T11:00:00.000Z'],
    // Out of four-digit years once the offset is applied.
    ['0000-01-01T00:00:00+01:00', undefined],
    ['9999-12-31T23:30:00-01:00', undefined],
  ])('%s -> %s', (input, expected) => {
    expect(parseTime(input)).toBe(expected);
  });

  // parseTime as it was before its fast path for canonical UTC times, less the times whose
  // fields Date rolls over (2026-02-30) and those outside four-digit years: it must answer the same.
  const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;
  const reference = (s: string): string | undefined => {
    const m = RFC3339.exec(s);
    if (!m) return undefined;
    const t = Date.parse(s.replace(/(\.\d{3})\d+/, '$1'));
    if (Number.isNaN(t)) return undefined;
    const [y, mo, d, h, mi] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
    const sec = Number(m[7] ?? 0);
    const written = new Date(0);
    written.setUTCFullYear(y, mo - 1, d);
    written.setUTCHours(h, mi, sec);
    const rolled =
      written.getUTCFullYear() !== y ||
      written.getUTCMonth() !== mo - 1 ||
      written.getUTCDate() !== d ||
      written.getUTCHours() !== h ||
      written.getUTCMinutes() !== mi ||
      written.getUTCSeconds() !== sec;
    const iso = new Date(t).toISOString();
    return rolled || iso.length !== 24 ? undefined : iso;
  };

  it.each([
    '2024-02-29T23:59:59Z',
    '2023-02-29T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2000-02-29T12:00:00.5Z',
    '2026-04-31T00:00:00Z',
    '2026-11-27T24:00:00Z',
    '2026-11-27T23:60:00Z',
    '2026-11-27T23:59:60Z',
    '2026-00-10T00:00:00Z',
    '2026-11-00T00:00:00Z',
    '0999-01-01T00:00:00Z',
    '0050-06-01T00:00:00Z',
    '2026-11-27T15:33:07.Z',
    '2026-11-27T15:33:07.12aZ',
    '2026-11-27T15:33:07.1234567890123Z',
    '2026-11-27t15:33:07z',
    '2026-11-27 15:33:07Z',
    '2026-11-27T15:33:07+00:00',
    '2026-1-27T15:33:07Z',
    '+2026-11-27T15:33:07Z',
    '2026-11-27T15:33:07ZZ',
    '',
  ])('%j answers as before its fast path', (input) => {
    expect(parseTime(input)).toBe(reference(input));
  });

  it('answers as before its fast path for 20,000 random near-canonical times', () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pad = (n: number, w: number): string => String(n).padStart(w, '0');
    for (let i = 0; i < 20_000; i++) {
      const fraction = ['', '.', `.${pad(rand(1000), 1 + rand(9))}`, `.${rand(10)}x`][rand(4)]!;
      const zone = ['Z', 'Z', 'Z', 'z', '+01:00', '-0530', ''][rand(7)]!;
      const s =
        `${pad(rand(3000), 4)}-${pad(rand(14), 2)}-${pad(rand(33), 2)}` +
        `${rand(10) === 0 ? ' ' : 'T'}${pad(rand(26), 2)}:${pad(rand(62), 2)}:${pad(rand(62), 2)}${fraction}${zone}`;
      expect(parseTime(s), s).toBe(reference(s));
    }
  });
});

describe('PayloadReader.stringMap', () => {
  it('reads a map of strings, and reports each other value with its path', () => {
    const r = new PayloadReader();
    expect(r.stringMap({ a: '1', 'b/c': '2' }, '/labels')).toEqual({ a: '1', 'b/c': '2' });
    expect(r.stringMap(undefined, '/x')).toEqual({});
    expect(r.ok).toBe(true);
    expect(r.stringMap({ a: '1', 'b/c': 2, d: null }, '/labels')).toEqual({ a: '1' });
    expect(r.stringMap(['a'], '/annotations')).toEqual({});
    expect(r.problems).toEqual([
      { path: '/labels/b~1c', message: 'must be a string' },
      { path: '/labels/d', message: 'must be a string' },
      { path: '/annotations', message: 'must be an object' },
    ]);
  });

  it('drops a "__proto__" key of parsed JSON, as it always did', () => {
    const parsed = JSON.parse('{"alertname":"A","__proto__":"x"}') as unknown;
    const labels = new PayloadReader().stringMap(parsed, '/labels');
    expect(labels).toEqual({ alertname: 'A' });
    expect(Object.keys(labels)).toEqual(['alertname']);
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
  });
});

describe('parseJson', () => {
  it('replaces U+0000 in strings and keys, at any depth, by U+FFFD', () => {
    const text = JSON.stringify({ a: 'x\u0000y', 'k\u0000': ['\u0000', { b: 1, c: 'ok\u0000' }], n: null });
    expect(text).toContain('\\u0000');
    expect(parseJson(text)).toEqual({
      a: 'x\uFFFDy',
      'k\uFFFD': ['\uFFFD', { b: 1, c: 'ok\uFFFD' }],
      n: null,
    });
  });

  it('leaves a body without the escape as JSON.parse gives it, and an escaped backslash alone', () => {
    expect(parseJson('{"a":"x","b":[1,2]}')).toEqual({ a: 'x', b: [1, 2] });
    // The text \u0000 (a backslash, then "u0000"), not the character.
    expect(parseJson('{"a":"\\\\u0000"}')).toEqual({ a: '\\u0000' });
  });

  it('keeps a "__proto__" key as an own key, as JSON.parse does', () => {
    const parsed = parseJson('{"__proto__":{"x":"\\u0000"},"y":"\\u0000"}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['__proto__', 'y']);
    expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toEqual({ x: '\uFFFD' });
  });
});

describe('labelsFingerprint', () => {
  it('ignores label order and changes with any value', () => {
    expect(labelsFingerprint({ a: '1', b: '2' })).toBe(labelsFingerprint({ b: '2', a: '1' }));
    expect(labelsFingerprint({ a: '1', b: '2' })).not.toBe(labelsFingerprint({ a: '1', b: '3' }));
    expect(labelsFingerprint({ a: '1' })).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('maxSeverity', () => {
  it.each([
    [['info', 'critical', 'warning'], 'critical'],
    [['warning', 'error'], 'error'],
    [[], 'info'],
  ] as [Severity[], Severity][])('%j -> %s', (list, expected) => {
    expect(maxSeverity(list)).toBe(expected);
  });
});
