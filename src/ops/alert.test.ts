import { describe, expect, it } from 'vitest';
import { labelsFingerprint, maxSeverity, parseTime, severityFromWord } from './alert.js';
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
  ])('%s -> %s', (input, expected) => {
    expect(parseTime(input)).toBe(expected);
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
