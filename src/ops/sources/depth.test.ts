import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALERT_SOURCES, MAX_JSON_DEPTH, nestsDeeperThan, parseJson } from '../alert.js';
import { normalizers } from './index.js';

const fixtureText = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}.json`, import.meta.url), 'utf8');

/** `[[...]]` nested n deep. */
const nested = (n: number): string => '['.repeat(n) + ']'.repeat(n);

/** A JSON object text with an extra first member (the root object is one level more). */
const withExtra = (objectText: string, extra: string): string =>
  `{"zz_extra":${extra},${objectText.trim().slice(1)}`;

describe('nestsDeeperThan', () => {
  it.each([
    ['[]', 1, false],
    ['[[]]', 1, true],
    ['{"a":{"b":[1]}}', 3, false],
    ['{"a":{"b":[1]}}', 2, true],
    // Brackets inside strings do not count, whatever the escapes before the closing quote.
    ['["[[[[[[", "{{{{"]', 1, false],
    ['["a\\"[[[[[[", 1]', 1, false],
    ['["a\\\\", [[1]]]', 2, true],
    ['["a\\\\\\"[[[[", 1]', 1, false],
    ['{"k\\"[[[":1}', 1, false],
  ])('%s deeper than %d: %s', (text, max, expected) => {
    // The length shortcut is for long texts: pad with spaces so every case is scanned.
    expect(nestsDeeperThan(text.padEnd(2 * max + 2 + text.length), max)).toBe(expected);
  });

  it('counts 50,000 nested arrays without recursing, and stops at the limit', () => {
    expect(nestsDeeperThan(nested(50_000), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
  });

  it('parseJson refuses a text nested deeper than the limit', () => {
    expect(() => parseJson(nested(MAX_JSON_DEPTH + 1))).toThrow(/deeper than 64 levels/);
    expect(parseJson(nested(3))).toEqual([[[]]]);
  });
});

describe('every source refuses a body nested deeper than MAX_JSON_DEPTH, at the body', () => {
  const context = { receivedAt: '2026-11-20T12:30:00.000Z' };
  it.each(ALERT_SOURCES)('%s', (source) => {
    const body = fixtureText(`${source}-firing`);
    expect(normalizers[source](body, {}, context).ok).toBe(true);
    // The root object is one level: an extra member MAX_JSON_DEPTH - 1 deep is at the limit.
    expect(normalizers[source](withExtra(body, nested(MAX_JSON_DEPTH - 1)), {}, context).ok).toBe(true);
    for (const depth of [MAX_JSON_DEPTH, 50_000]) {
      const r = normalizers[source](withExtra(body, nested(depth)), {}, context);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.problems).toEqual([
        { path: '', message: `nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels` },
      ]);
    }
  });

  it('cloudwatch: an alarm Message nested too deep is refused at /Message', () => {
    const envelope = JSON.parse(fixtureText('cloudwatch-firing')) as Record<string, string>;
    const message = withExtra(envelope['Message']!, nested(50_000));
    const r = normalizers.cloudwatch(JSON.stringify({ ...envelope, Message: message }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems).toEqual([
      { path: '/Message', message: `nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
  });
});
