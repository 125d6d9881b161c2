import type { Datapoint, MetricSeries } from './model.js';

/** Series by `resourceId\0metric`, built once per metrics array (a scan per lookup is quadratic at 10^5 resources). */
const indexes = new WeakMap<readonly MetricSeries[], { size: number; byKey: Map<string, MetricSeries[]> }>();

function indexOf(metrics: readonly MetricSeries[]): Map<string, MetricSeries[]> {
  const cached = indexes.get(metrics);
  if (cached && cached.size === metrics.length) return cached.byKey;
  const byKey = new Map<string, MetricSeries[]>();
  for (const m of metrics) {
    if (m.resourceId === undefined) continue;
    const k = `${m.resourceId}\u0000${m.metric}`;
    const list = byKey.get(k);
    if (list) list.push(m);
    else byKey.set(k, [m]);
  }
  indexes.set(metrics, { size: metrics.length, byKey });
  return byKey;
}

/**
 * Series about a resource, by metric label (CPUUtilization, NetworkIn, ...). The series must not
 * be re-attributed (resourceId, metric) after the first lookup on the same array.
 */
export function seriesFor(metrics: readonly MetricSeries[], resourceId: string, metric: string): Datapoint[] {
  const out: Datapoint[] = [];
  for (const m of indexOf(metrics).get(`${resourceId}\u0000${metric}`) ?? []) out.push(...m.datapoints);
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
