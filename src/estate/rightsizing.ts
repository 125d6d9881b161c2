import { str } from './json.js';
import type { EstateResource, MetricSeries } from './model.js';
import { percentile, peakValue, seriesFor } from './metrics.js';
import { instanceMonthly, type PriceCatalog } from './pricing.js';

/** Burstable families whose nano..large sizes all have 2 vCPUs (t2: nano/micro/small have 1). */
const BURSTABLE_2 = new Set(['t3', 't3a', 't4g']);

const SIZE_ORDER = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge'];

/**
 * vCPUs of an EC2 size, derived from AWS's naming: large = 2, xlarge = 4, Nxlarge = 4·N, medium
 * = 1 (2 in the t3/t3a/t4g and t2 families), nano/micro/small = 1 (2 in t3/t3a/t4g). Metal and
 * unusual sizes return undefined and are not right-sized.
 */
export function vcpus(instanceType: string): number | undefined {
  const [family = '', size = ''] = instanceType.split('.');
  if (size === 'large') return 2;
  if (size === 'xlarge') return 4;
  const m = /^(\d+)xlarge$/.exec(size);
  if (m) return 4 * Number(m[1]);
  if (['nano', 'micro', 'small'].includes(size)) return BURSTABLE_2.has(family) ? 2 : 1;
  if (size === 'medium') return BURSTABLE_2.has(family) || family === 't2' ? 2 : 1;
  return undefined;
}

function sizeRank(size: string): number {
  const i = SIZE_ORDER.indexOf(size);
  if (i >= 0) return i;
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? SIZE_ORDER.length + Number(m[1]) : 1000;
}

export interface RightsizingOptions {
  /** Percentile of the CPU datapoints taken as the need (Compute Optimizer uses P99.5). */
  percentile: number;
  /** Headroom added on top of the percentile, as a fraction (0.2 = 20%). */
  headroom: number;
  /** Minimum datapoints before a recommendation is made. */
  minDatapoints: number;
}

export const DEFAULT_RIGHTSIZING_OPTIONS: RightsizingOptions = {
  percentile: 99.5,
  headroom: 0.2,
  minDatapoints: 3,
};

export interface RightsizingRecommendation {
  instanceId: string;
  currentType: string;
  suggestedType: string;
  currentVcpus: number;
  suggestedVcpus: number;
  datapoints: number;
  /** The CPU percentile observed (percent of current capacity). */
  observedPct: number;
  /** vCPUs needed: currentVcpus × observed% × (1 + headroom). */
  neededVcpus: number;
  currentMonthly: number;
  suggestedMonthly: number;
  monthlySaving: number;
}

/**
 * Compute Optimizer-style right-sizing: the P99.5 of the CPU datapoints (Maximum when present,
 * else the highest extended percentile, else Average) plus 20% headroom gives the vCPUs needed;
 * the smallest type of the same family that has them and costs less is suggested. Memory is not
 * measured by CloudWatch's default metrics and is not considered.
 */
export function recommendRightsizing(
  resources: readonly EstateResource[],
  metrics: readonly MetricSeries[],
  catalog: PriceCatalog,
  opts: RightsizingOptions = DEFAULT_RIGHTSIZING_OPTIONS,
): RightsizingRecommendation[] {
  const out: RightsizingRecommendation[] = [];
  // Priced types per family, computed once: the catalog holds ~1,400 types.
  const families = new Map<string, Array<{ t: string; v: number | undefined; p: number | undefined }>>();
  const familyOf = (family: string) => {
    let list = families.get(family);
    if (!list) {
      list = Object.keys(catalog.ec2Hourly)
        .filter((t) => t.split('.')[0] === family)
        .map((t) => ({ t, v: vcpus(t), p: instanceMonthly(catalog, t) }));
      families.set(family, list);
    }
    return list;
  };
  for (const r of resources) {
    if (r.type !== 'aws_instance' || r.state === 'terminated') continue;
    const current = str(r.attributes['InstanceType']);
    if (!current) continue;
    const cur = vcpus(current);
    const curPrice = instanceMonthly(catalog, current);
    if (cur === undefined || curPrice === undefined) continue;
    const values = seriesFor(metrics, r.id, 'CPUUtilization')
      .map(peakValue)
      .filter((v): v is number => v !== undefined);
    if (values.length < opts.minDatapoints) continue;
    const observed = percentile(values, opts.percentile) ?? 0;
    const needed = (cur * observed * (1 + opts.headroom)) / 100;
    const family = current.split('.')[0] ?? '';
    const candidates = familyOf(family)
      .filter(
        (c): c is { t: string; v: number; p: number } =>
          c.v !== undefined && c.p !== undefined && c.v >= needed && c.p < curPrice,
      )
      .sort(
        (a, b) =>
          a.v - b.v || a.p - b.p || sizeRank(a.t.split('.')[1] ?? '') - sizeRank(b.t.split('.')[1] ?? ''),
      );
    const best = candidates[0];
    if (!best) continue;
    out.push({
      instanceId: r.id,
      currentType: current,
      suggestedType: best.t,
      currentVcpus: cur,
      suggestedVcpus: best.v,
      datapoints: values.length,
      observedPct: Math.round(observed * 1000) / 1000,
      neededVcpus: Math.round(needed * 1000) / 1000,
      currentMonthly: curPrice,
      suggestedMonthly: best.p,
      monthlySaving: Math.round((curPrice - best.p) * 100) / 100,
    });
  }
  return out.sort((a, b) => b.monthlySaving - a.monthlySaving);
}
