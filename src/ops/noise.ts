import type { AlertStatus } from './alert.js';
import { DEFAULT_FLAPPING } from './grouping.js';

/** One received alert state, as recorded in alert history. */
export interface AlertHistoryEntry {
  at: string;
  dedupKey: string;
  /** Rule name (the `alertname` label). */
  rule: string;
  status: AlertStatus;
}

export interface RuleNoise {
  rule: string;
  /** Times an alert of this rule started firing. */
  firings: number;
  /** Distinct alerts (dedup keys) of the rule. */
  alerts: number;
  /** Firings that resolved without anyone acknowledging. */
  autoResolvedWithoutAck: number;
  /** Largest number of state changes of one alert within the flapping window. */
  maxChangesInWindow: number;
  flapping: boolean;
}

export interface NoiseReport {
  rules: RuleNoise[];
  flappingRules: string[];
  /** Share (0-1) of resolved firings nobody acknowledged; 0 when nothing resolved. */
  autoResolvedWithoutAckShare: number;
  /** Rules with the most firings, most first (ties by name). */
  topNoisy: { rule: string; firings: number }[];
}

/**
 * Noise analytics from alert history. `acknowledged` holds the dedup keys whose incident was
 * acknowledged while the alert fired. Flapping uses the grouping defaults unless given.
 */
export function analyzeNoise(
  history: readonly AlertHistoryEntry[],
  acknowledged: ReadonlySet<string>,
  options: { top?: number; flapping?: { changes: number; windowMinutes: number } } = {},
): NoiseReport {
  const flap = options.flapping ?? DEFAULT_FLAPPING;
  const sorted = [...history].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const byRule = new Map<string, RuleNoise & { keys: Set<string> }>();
  const last = new Map<string, AlertStatus>();
  const changes = new Map<string, number[]>();
  let resolvedTotal = 0;
  let autoTotal = 0;
  for (const e of sorted) {
    let r = byRule.get(e.rule);
    if (!r) {
      r = {
        rule: e.rule,
        firings: 0,
        alerts: 0,
        autoResolvedWithoutAck: 0,
        maxChangesInWindow: 0,
        flapping: false,
        keys: new Set(),
      };
      byRule.set(e.rule, r);
    }
    r.keys.add(e.dedupKey);
    const prev = last.get(e.dedupKey);
    if (prev === e.status) continue;
    last.set(e.dedupKey, e.status);
    if (e.status === 'firing') r.firings++;
    if (e.status === 'resolved' && prev === 'firing') {
      resolvedTotal++;
      if (!acknowledged.has(e.dedupKey)) {
        r.autoResolvedWithoutAck++;
        autoTotal++;
      }
    }
    if (prev !== undefined) {
      const t = Date.parse(e.at);
      const list = [...(changes.get(e.dedupKey) ?? []), t].filter((c) => c > t - flap.windowMinutes * 60_000);
      changes.set(e.dedupKey, list);
      r.maxChangesInWindow = Math.max(r.maxChangesInWindow, list.length);
      if (list.length >= flap.changes) r.flapping = true;
    }
  }
  const rules = [...byRule.values()]
    .map(({ keys, ...r }) => ({ ...r, alerts: keys.size }))
    .sort((a, b) => a.rule.localeCompare(b.rule));
  return {
    rules,
    flappingRules: rules.filter((r) => r.flapping).map((r) => r.rule),
    autoResolvedWithoutAckShare: resolvedTotal === 0 ? 0 : autoTotal / resolvedTotal,
    topNoisy: [...rules]
      .sort((a, b) => b.firings - a.firings || a.rule.localeCompare(b.rule))
      .slice(0, options.top ?? 10)
      .map((r) => ({ rule: r.rule, firings: r.firings })),
  };
}
