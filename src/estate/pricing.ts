import { num, obj, str } from './json.js';
import type { Diagnostic, Json } from './model.js';

export interface EbsPrice {
  storageGbMonth: number;
  iopsMonth?: number;
  throughputMbpsMonth?: number;
  /** gp3: IOPS and throughput included in the storage price. */
  includedIops?: number;
  includedThroughputMbps?: number;
}

/** Unit prices for one region, in USD. Built from values, never read from disk here. */
export interface PriceCatalog {
  region: string;
  currency: string;
  hoursPerMonth: number;
  /** On-demand Linux hourly price by instance type. */
  ec2Hourly: Record<string, number>;
  ebs: Record<string, EbsPrice>;
  snapshotGbMonth?: number;
  eipIdleHour?: number;
  natGatewayHour?: number;
  lbHour: { application?: number; network?: number; classic?: number };
}

export const HOURS_PER_MONTH = 730;

export function emptyCatalog(): PriceCatalog {
  return {
    region: 'us-east-1',
    currency: 'USD',
    hoursPerMonth: HOURS_PER_MONTH,
    ec2Hourly: {},
    ebs: {},
    lbHour: {},
  };
}

/**
 * Merges price documents into a catalog, recognised by content: `{prices: {<type>: hourly}}`
 * (EC2 on-demand) and `{ebs, ebs_snapshot, elastic_ip, nat_gateway, load_balancer}` (storage and
 * network), the two shapes of /work/shared/data/prices. Unknown documents produce a diagnostic.
 */
export function buildCatalog(docs: ReadonlyArray<{ file: string; doc: Json }>): {
  catalog: PriceCatalog;
  diagnostics: Diagnostic[];
} {
  const catalog = emptyCatalog();
  const diagnostics: Diagnostic[] = [];
  for (const { file, doc } of docs) {
    const o = obj(doc);
    if (!o) {
      diagnostics.push({ severity: 'error', file, path: '$', message: 'price file is not a JSON object' });
      continue;
    }
    const region = str(o['region']);
    if (region) catalog.region = region;
    const cur = str(o['currency']);
    if (cur) catalog.currency = cur;
    const hpm = num(o['hours_per_month']);
    if (hpm) catalog.hoursPerMonth = hpm;
    let used = false;
    const prices = obj(o['prices']);
    if (prices) {
      used = true;
      for (const [t, p] of Object.entries(prices)) {
        const v = num(p);
        if (v !== undefined) catalog.ec2Hourly[t] = v;
        else
          diagnostics.push({
            severity: 'warning',
            file,
            path: `$.prices["${t}"]`,
            message: 'price is not a number; ignored',
          });
      }
    }
    const ebs = obj(o['ebs']);
    if (ebs) {
      used = true;
      for (const [t, p] of Object.entries(ebs)) {
        const po = obj(p);
        const storage = num(po?.['storage_gb_month']);
        if (!po || storage === undefined) {
          diagnostics.push({
            severity: 'warning',
            file,
            path: `$.ebs.${t}.storage_gb_month`,
            message: 'missing or not a number; volume type ignored',
          });
          continue;
        }
        const e: EbsPrice = { storageGbMonth: storage };
        const set = (k: keyof EbsPrice, src: string) => {
          const v = num(po[src]);
          if (v !== undefined) e[k] = v;
        };
        set('iopsMonth', 'iops_month');
        set('throughputMbpsMonth', 'throughput_mbps_month');
        set('includedIops', 'included_iops');
        set('includedThroughputMbps', 'included_throughput_mbps');
        catalog.ebs[t] = e;
      }
    }
    const snap = num(obj(o['ebs_snapshot'])?.['storage_gb_month']);
    if (snap !== undefined) catalog.snapshotGbMonth = snap;
    const eip = num(obj(o['elastic_ip'])?.['idle_hour']);
    if (eip !== undefined) catalog.eipIdleHour = eip;
    const nat = num(obj(o['nat_gateway'])?.['hour']);
    if (nat !== undefined) catalog.natGatewayHour = nat;
    const lb = obj(o['load_balancer']);
    if (lb) {
      const a = num(lb['application_hour']);
      const n = num(lb['network_hour']);
      const c = num(lb['classic_hour']);
      if (a !== undefined) catalog.lbHour.application = a;
      if (n !== undefined) catalog.lbHour.network = n;
      if (c !== undefined) catalog.lbHour.classic = c;
    }
    if (!used && snap === undefined && eip === undefined && nat === undefined && !lb) {
      diagnostics.push({
        severity: 'error',
        file,
        path: '$',
        message:
          'not a price file (expected "prices" or "ebs"/"ebs_snapshot"/"elastic_ip"/"nat_gateway"/"load_balancer")',
      });
    }
  }
  return { catalog, diagnostics };
}

const r2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100;

/**
 * Monthly price of an EBS volume: storage GB-month, plus (gp3) IOPS and throughput above the
 * included baseline, plus (io1/io2) provisioned IOPS. Undefined when the type has no price.
 */
export function volumeMonthly(
  c: PriceCatalog,
  type: string,
  sizeGb: number,
  iops?: number,
  throughputMbps?: number,
): number | undefined {
  const p = c.ebs[type];
  if (!p) return undefined;
  let cost = p.storageGbMonth * sizeGb;
  if (p.iopsMonth !== undefined && iops !== undefined)
    cost += p.iopsMonth * Math.max(0, iops - (p.includedIops ?? 0));
  if (p.throughputMbpsMonth !== undefined && throughputMbps !== undefined) {
    cost += p.throughputMbpsMonth * Math.max(0, throughputMbps - (p.includedThroughputMbps ?? 0));
  }
  return r2(cost);
}

export function instanceMonthly(c: PriceCatalog, type: string): number | undefined {
  const h = c.ec2Hourly[type];
  return h === undefined ? undefined : r2(h * c.hoursPerMonth);
}

export function hourlyMonthly(c: PriceCatalog, hourly: number | undefined): number | undefined {
  return hourly === undefined ? undefined : r2(hourly * c.hoursPerMonth);
}
