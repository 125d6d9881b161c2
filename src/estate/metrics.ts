import type { Datapoint, MetricSeries } from './model.js';

/** Series about a resource, by metric label (CPUUtilization, NetworkIn, ...). */
export function seriesFor(metrics: readonly MetricSeries[], resourceId: string, metric: string): Datapoint[] {
  const out: Datapoint[] = [];
  for (const m of metrics) if (m.resourceId === resourceId && m.metric === metric) out.push(...m.datapoints);
  return out.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}

/** The representative value of a datapoint for a "peak" view: Maximum, then p99.x, then Average, then Value. */
export function peakValue(d: Datapoint): number | undefined {
  if (d.maximum !== undefined) return d.maximum;
  const ext = d.extended ?? {};
  const best = Object.keys(ext)
    .filter((k) => /^p\d+(\.\d+)?$/.test(k))
    .sort((a, b) => Number(b.slice(1)) - Number(a.slice(1)))[0];
  if (best !== undefined) return ext[best];
  return d.average ?? d.value;
}

/** Nearest-rank percentile (p in 0..100) of values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length, Math.max(1, rank)) - 1];
}
