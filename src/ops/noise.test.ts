import { describe, expect, it } from 'vitest';
import { analyzeNoise } from './noise.js';
import type { AlertHistoryEntry } from './noise.js';

const at = (minute: number): string => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();
const e = (
  minute: number,
  dedupKey: string,
  rule: string,
  status: 'firing' | 'resolved',
): AlertHistoryEntry => ({
  at: at(minute),
  dedupKey,
  rule,
  status,
});

const history: AlertHistoryEntry[] = [
  // DiskFull flaps: four changes in 15 minutes.
  e(0, 'd1', 'DiskFull', 'firing'),
  e(5, 'd1', 'DiskFull', 'resolved'),
  e(10, 'd1', 'DiskFull', 'firing'),
  e(12, 'd1', 'DiskFull', 'firing'), // repeat notification, not a change
  e(15, 'd1', 'DiskFull', 'resolved'),
  e(16, 'd1', 'DiskFull', 'firing'),
  // HighErrorRate: two alerts, one acknowledged.
  e(1, 'h1', 'HighErrorRate', 'firing'),
  e(30, 'h1', 'HighErrorRate', 'resolved'),
  e(2, 'h2', 'HighErrorRate', 'firing'),
  e(40, 'h2', 'HighErrorRate', 'resolved'),
  // CertExpiry: a resolve without a firing is not counted.
  e(3, 'c1', 'CertExpiry', 'resolved'),
];

describe('analyzeNoise', () => {
  const report = analyzeNoise(history, new Set(['h1']));

  it('counts firings and distinct alerts per rule', () => {
    expect(report.rules.map((r) => [r.rule, r.firings, r.alerts])).toEqual([
      ['CertExpiry', 0, 1],
      ['DiskFull', 3, 1],
      ['HighErrorRate', 2, 2],
    ]);
  });

  it('flags rules whose alerts flap (default 4 changes in 60 minutes)', () => {
    expect(report.flappingRules).toEqual(['DiskFull']);
    expect(report.rules.find((r) => r.rule === 'DiskFull')?.maxChangesInWindow).toBe(4);
  });

  it('computes the share of firings that resolved without an acknowledgement', () => {
    // Resolved firings: d1 twice, h1, h2; only h1 was acknowledged.
    expect(report.autoResolvedWithoutAckShare).toBe(3 / 4);
  });

  it('ranks the noisiest rules', () => {
    expect(analyzeNoise(history, new Set(), { top: 2 }).topNoisy).toEqual([
      { rule: 'DiskFull', firings: 3 },
      { rule: 'HighErrorRate', firings: 2 },
    ]);
  });

  it('reports nothing for no history', () => {
    expect(analyzeNoise([], new Set())).toEqual({
      rules: [],
      flappingRules: [],
      autoResolvedWithoutAckShare: 0,
      topNoisy: [],
    });
  });

  it('does not flag with a stricter threshold', () => {
    expect(
      analyzeNoise(history, new Set(), { flapping: { changes: 5, windowMinutes: 60 } }).flappingRules,
    ).toEqual([]);
  });
});
