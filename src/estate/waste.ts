import { arr, num, obj, str } from './json.js';
import type { EstateResource, Json, MetricSeries } from './model.js';
import { hourlyMonthly, instanceMonthly, type PriceCatalog, volumeMonthly } from './pricing.js';
import { seriesFor } from './metrics.js';
import { vcpus } from './rightsizing.js';

export type WasteCategory =
  | 'unattached-volume'
  | 'unassociated-eip'
  | 'old-snapshot'
  | 'orphaned-snapshot'
  | 'idle-instance'
  | 'idle-load-balancer'
  | 'volume-on-stopped-instance'
  | 'gp2-to-gp3'
  | 'previous-generation';

export interface WasteFinding {
  category: WasteCategory;
  resourceType: string;
  resourceId: string;
  region?: string;
  message: string;
  /** The numbers behind the finding. */
  evidence: Record<string, Json>;
  /** What the resource costs per month (730 h), in USD; null when the catalog has no price. */
  monthlyCost: number | null;
  /** What acting on the finding saves per month, in USD; null when unknown. */
  monthlySaving: number | null;
}

export interface WasteOptions {
  /** Snapshots older than this are reported. */
  snapshotMaxAgeDays: number;
  /** Volumes attached only to instances stopped for longer than this are reported. */
  stoppedInstanceDays: number;
  idle: {
    /** Look-back window (days before `now`). */
    lookbackDays: number;
    /** A day is idle when its CPU (daily average of the datapoints) is at most this (percent). */
    cpuMaxPct: number;
    /** ...and its network I/O (NetworkIn + NetworkOut sums) is at most this (bytes). */
    networkMaxBytes: number;
    /** An instance is idle with at least this many idle days in the window. */
    minIdleDays: number;
  };
}

/** Trusted Advisor's low-utilisation defaults: CPU <= 10% and network <= 5 MB on 4 of the last 14 days. */
export const DEFAULT_WASTE_OPTIONS: WasteOptions = {
  snapshotMaxAgeDays: 90,
  stoppedInstanceDays: 30,
  idle: { lookbackDays: 14, cpuMaxPct: 10, networkMaxBytes: 5 * 1024 * 1024, minIdleDays: 4 },
};

const DAY = 86_400_000;

/** Previous-generation families and the current-generation family a like-for-like move goes to. */
export const PREVIOUS_GENERATION: Record<string, string> = {
  t1: 't3',
  t2: 't3',
  m1: 'm5',
  m2: 'r5',
  m3: 'm5',
  m4: 'm5',
  c1: 'c5',
  c3: 'c5',
  c4: 'c5',
  r3: 'r5',
  r4: 'r5',
  i2: 'i3',
  d2: 'd3',
  g2: 'g4dn',
  g3: 'g4dn',
  p2: 'p3',
  x1: 'x2idn',
  cc2: 'c5',
  cr1: 'r5',
  hs1: 'd3',
};

/**
 * The same size in the current family when it exists (t2.medium -> t3.medium), else the cheapest
 * priced type of that family with at least as many vCPUs (m3.medium -> m5.large).
 */
function currentEquivalent(c: PriceCatalog, itype: string, family: string): string {
  const same = `${family}.${itype.split('.')[1] ?? ''}`;
  if (c.ec2Hourly[same] !== undefined) return same;
  const need = vcpus(itype) ?? 1;
  const options = Object.entries(c.ec2Hourly)
    .filter(([t]) => t.split('.')[0] === family && (vcpus(t) ?? 0) >= need)
    .sort((a, b) => a[1] - b[1]);
  return options[0]?.[0] ?? same;
}

function daysBetween(fromIso: string | undefined, now: Date): number | undefined {
  if (!fromIso) return undefined;
  const t = Date.parse(fromIso);
  return Number.isNaN(t) ? undefined : Math.floor((now.getTime() - t) / DAY);
}

/** When an instance was stopped, from `StateTransitionReason: "User initiated (2023-02-15 12:54:32 GMT)"`. */
export function stoppedSince(instance: EstateResource): string | undefined {
  const m = /\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) GMT\)/.exec(
    str(instance.attributes['StateTransitionReason']) ?? '',
  );
  return m ? `${m[1]}T${m[2]}.000Z` : undefined;
}

function base(
  r: EstateResource,
  category: WasteCategory,
  message: string,
  evidence: Record<string, Json>,
  cost: number | undefined,
  saving: number | undefined,
): WasteFinding {
  const f: WasteFinding = {
    category,
    resourceType: r.type,
    resourceId: r.id,
    message,
    evidence,
    monthlyCost: cost ?? null,
    monthlySaving: saving ?? null,
  };
  if (r.region) f.region = r.region;
  return f;
}

function volumeCost(c: PriceCatalog, v: EstateResource): number | undefined {
  return volumeMonthly(
    c,
    str(v.attributes['VolumeType']) ?? 'gp2',
    num(v.attributes['Size']) ?? 0,
    num(v.attributes['Iops']),
    num(v.attributes['Throughput']),
  );
}

/** Idle days of an instance in the look-back window (undefined without CPU data in the window). */
export function idleDays(
  instanceId: string,
  metrics: readonly MetricSeries[],
  now: Date,
  o: WasteOptions['idle'],
): { idleDays: number; daysWithData: number; maxDailyCpu: number; networkData: boolean } | undefined {
  const from = now.getTime() - o.lookbackDays * DAY;
  const inWindow = (ts: string) => {
    const t = Date.parse(ts);
    return t >= from && t <= now.getTime();
  };
  const cpuByDay = new Map<string, number[]>();
  for (const d of seriesFor(metrics, instanceId, 'CPUUtilization')) {
    const v = d.average ?? d.value ?? d.maximum;
    if (v === undefined || !inWindow(d.timestamp)) continue;
    const day = d.timestamp.slice(0, 10);
    cpuByDay.set(day, [...(cpuByDay.get(day) ?? []), v]);
  }
  if (cpuByDay.size === 0) return undefined;
  const netByDay = new Map<string, number>();
  let networkData = false;
  for (const metric of ['NetworkIn', 'NetworkOut']) {
    for (const d of seriesFor(metrics, instanceId, metric)) {
      const v = d.sum ?? d.value;
      if (v === undefined || !inWindow(d.timestamp)) continue;
      networkData = true;
      const day = d.timestamp.slice(0, 10);
      netByDay.set(day, (netByDay.get(day) ?? 0) + v);
    }
  }
  let idle = 0;
  let maxDailyCpu = 0;
  for (const [day, vals] of cpuByDay) {
    const avg = vals.reduce((a, b) => a + b, 0) / vals.length;
    maxDailyCpu = Math.max(maxDailyCpu, avg);
    const net = netByDay.get(day);
    if (avg <= o.cpuMaxPct && (net === undefined || net <= o.networkMaxBytes)) idle++;
  }
  return { idleDays: idle, daysWithData: cpuByDay.size, maxDailyCpu, networkData };
}

/** Waste findings over live resources. Pure: `now` is given, prices come from the catalog value. */
export function findWaste(
  resources: readonly EstateResource[],
  metrics: readonly MetricSeries[],
  catalog: PriceCatalog,
  now: Date,
  opts: WasteOptions = DEFAULT_WASTE_OPTIONS,
): WasteFinding[] {
  const out: WasteFinding[] = [];
  const volumes = resources.filter((r) => r.type === 'aws_ebs_volume');
  const volumeIds = new Set(volumes.map((v) => v.id));
  const instances = new Map(resources.filter((r) => r.type === 'aws_instance').map((r) => [r.id, r]));
  const volumesScanned = volumes.length > 0;

  for (const v of volumes) {
    const size = num(v.attributes['Size']) ?? 0;
    const vtype = str(v.attributes['VolumeType']) ?? 'gp2';
    const cost = volumeCost(catalog, v);
    if (v.state === 'available') {
      out.push(
        base(
          v,
          'unattached-volume',
          `${size} GiB ${vtype} volume is not attached to any instance`,
          { state: 'available', sizeGiB: size, volumeType: vtype, createdAt: v.createdAt ?? null },
          cost,
          cost,
        ),
      );
    } else {
      const attached = arr(v.attributes['Attachments'])
        .map((a) => str(obj(a)?.['InstanceId']))
        .filter((x): x is string => x !== undefined);
      const stopped = attached
        .map((id) => instances.get(id))
        .filter((i): i is EstateResource => i !== undefined && i.state === 'stopped');
      if (attached.length > 0 && stopped.length === attached.length) {
        const since = stopped
          .map(stoppedSince)
          .filter((s): s is string => s !== undefined)
          .sort()
          .pop();
        const days = daysBetween(since, now);
        if (days !== undefined && days > opts.stoppedInstanceDays) {
          out.push(
            base(
              v,
              'volume-on-stopped-instance',
              `${size} GiB ${vtype} volume is attached to instance(s) stopped for ${days} days`,
              {
                instances: attached,
                stoppedSince: since ?? null,
                stoppedDays: days,
                thresholdDays: opts.stoppedInstanceDays,
              },
              cost,
              cost,
            ),
          );
        }
      }
    }
    if (vtype === 'gp2' && cost !== undefined) {
      // gp2 gives 3 IOPS/GiB (min 100); a gp3 that matches it pays for IOPS above its 3,000 baseline.
      const gp2Iops = Math.max(100, Math.min(16000, 3 * size));
      const gp3 = volumeMonthly(catalog, 'gp3', size, gp2Iops);
      if (gp3 !== undefined && gp3 < cost) {
        out.push(
          base(
            v,
            'gp2-to-gp3',
            `${size} GiB gp2 volume costs less as gp3 with the same baseline IOPS`,
            { sizeGiB: size, gp2Monthly: cost, gp3Monthly: gp3, baselineIops: gp2Iops },
            cost,
            Math.round((cost - gp3) * 100) / 100,
          ),
        );
      }
    }
  }

  for (const e of resources.filter((r) => r.type === 'aws_eip')) {
    if (e.state === 'unassociated') {
      const cost = hourlyMonthly(catalog, catalog.eipIdleHour);
      out.push(
        base(
          e,
          'unassociated-eip',
          `Elastic IP ${str(e.attributes['PublicIp']) ?? e.id} is not associated`,
          { publicIp: str(e.attributes['PublicIp']) ?? null, hourly: catalog.eipIdleHour ?? null },
          cost,
          cost,
        ),
      );
    }
  }

  for (const s of resources.filter((r) => r.type === 'aws_ebs_snapshot')) {
    const size = num(s.attributes['VolumeSize']) ?? 0;
    const cost =
      catalog.snapshotGbMonth === undefined
        ? undefined
        : Math.round(catalog.snapshotGbMonth * size * 100) / 100;
    const age = daysBetween(s.createdAt, now);
    const src = str(s.attributes['VolumeId']);
    const orphaned = volumesScanned && src !== undefined && !volumeIds.has(src);
    if (orphaned) {
      out.push(
        base(
          s,
          'orphaned-snapshot',
          `snapshot of ${src}, a volume that no longer exists`,
          {
            sourceVolume: src ?? null,
            volumeSizeGiB: size,
            ageDays: age ?? null,
            note: 'snapshots are incremental: VolumeSize x price is an upper bound',
          },
          cost,
          cost,
        ),
      );
    } else if (age !== undefined && age > opts.snapshotMaxAgeDays) {
      out.push(
        base(
          s,
          'old-snapshot',
          `snapshot is ${age} days old (threshold ${opts.snapshotMaxAgeDays})`,
          {
            ageDays: age,
            thresholdDays: opts.snapshotMaxAgeDays,
            volumeSizeGiB: size,
            note: 'snapshots are incremental: VolumeSize x price is an upper bound',
          },
          cost,
          cost,
        ),
      );
    }
  }

  for (const i of instances.values()) {
    const itype = str(i.attributes['InstanceType']) ?? '';
    const cost = instanceMonthly(catalog, itype);
    if (i.state === 'running') {
      const idle = idleDays(i.id, metrics, now, opts.idle);
      if (idle && idle.idleDays >= opts.idle.minIdleDays) {
        out.push(
          base(
            i,
            'idle-instance',
            `${itype} instance was idle on ${idle.idleDays} of the last ${opts.idle.lookbackDays} days (CPU <= ${opts.idle.cpuMaxPct}%${idle.networkData ? `, network <= ${opts.idle.networkMaxBytes} bytes` : ', no network data'})`,
            {
              instanceType: itype,
              idleDays: idle.idleDays,
              daysWithData: idle.daysWithData,
              maxDailyAvgCpuPct: Math.round(idle.maxDailyCpu * 1000) / 1000,
              networkData: idle.networkData,
            },
            cost,
            cost,
          ),
        );
      }
    }
    const family = itype.split('.')[0] ?? '';
    const next = PREVIOUS_GENERATION[family];
    if (next && i.state !== 'terminated') {
      const target = currentEquivalent(catalog, itype, next);
      const targetCost = instanceMonthly(catalog, target);
      const saving =
        cost !== undefined && targetCost !== undefined
          ? Math.round((cost - targetCost) * 100) / 100
          : undefined;
      out.push(
        base(
          i,
          'previous-generation',
          `${itype} is a previous-generation type; ${target} is the current equivalent`,
          {
            instanceType: itype,
            suggested: target,
            currentMonthly: cost ?? null,
            suggestedMonthly: targetCost ?? null,
          },
          cost,
          saving,
        ),
      );
    }
  }

  const tgs = resources.filter((r) => r.type === 'aws_lb_target_group');
  for (const lb of resources.filter((r) => r.type === 'aws_lb' || r.type === 'aws_elb')) {
    if (lb.type === 'aws_elb') {
      const inst = arr(lb.attributes['Instances']);
      if (inst.length === 0) {
        const cost = hourlyMonthly(catalog, catalog.lbHour.classic);
        out.push(
          base(
            lb,
            'idle-load-balancer',
            'classic load balancer has no registered instances',
            { registeredInstances: 0 },
            cost,
            cost,
          ),
        );
      }
      continue;
    }
    const mine = tgs.filter((t) => arr(t.attributes['LoadBalancerArns']).includes(lb.id));
    const withHealth = mine.filter((t) => obj(t.attributes['TargetHealth']) !== undefined);
    const healthy = withHealth.reduce(
      (a, t) => a + (num(obj(t.attributes['TargetHealth'])?.['healthy']) ?? 0),
      0,
    );
    const lbType = str(lb.attributes['Type']) ?? 'application';
    const hourly = lbType === 'network' ? catalog.lbHour.network : catalog.lbHour.application;
    const cost = hourlyMonthly(catalog, hourly);
    // Only judge when target groups of the load balancer's region were exported.
    const tgsKnown = tgs.some((t) => t.region === lb.region);
    if (tgsKnown && (mine.length === 0 || (withHealth.length === mine.length && healthy === 0))) {
      out.push(
        base(
          lb,
          'idle-load-balancer',
          mine.length === 0
            ? `${lbType} load balancer has no target groups`
            : `${lbType} load balancer has no healthy targets`,
          { targetGroups: mine.length, healthyTargets: healthy, loadBalancerType: lbType },
          cost,
          cost,
        ),
      );
    }
  }
  return out.sort(
    (a, b) =>
      (b.monthlySaving ?? 0) - (a.monthlySaving ?? 0) ||
      a.category.localeCompare(b.category) ||
      a.resourceId.localeCompare(b.resourceId),
  );
}

export function wasteTotals(findings: readonly WasteFinding[]): {
  findings: number;
  monthlySaving: number;
  byCategory: Record<string, { count: number; monthlySaving: number }>;
} {
  const byCategory: Record<string, { count: number; monthlySaving: number }> = {};
  let total = 0;
  for (const f of findings) {
    const e = byCategory[f.category] ?? { count: 0, monthlySaving: 0 };
    e.count++;
    // A move that costs more (m3.medium -> m5.large) is still reported, but saves nothing.
    const saving = Math.max(0, f.monthlySaving ?? 0);
    e.monthlySaving = Math.round((e.monthlySaving + saving) * 100) / 100;
    byCategory[f.category] = e;
    total += saving;
  }
  return { findings: findings.length, monthlySaving: Math.round(total * 100) / 100, byCategory };
}
