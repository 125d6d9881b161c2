import { parse } from 'csv-parse/sync';
import { round2 } from './json.js';
import type { CostRow, Diagnostic } from './model.js';

const REQUIRED = ['BilledCost', 'ChargePeriodStart'] as const;

function parseTags(raw: string | undefined): Record<string, string> {
  if (!raw || raw === 'NULL') return {};
  try {
    const o = JSON.parse(raw) as unknown;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(o as Record<string, unknown>))
      out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    return out;
  } catch {
    return {};
  }
}

const cell = (v: string | undefined): string => (v === undefined || v === 'NULL' ? '' : v);

/**
 * Parses a FOCUS 1.0-1.2 CSV export (the columns this analysis needs; `NULL` cells are empty).
 * Rows whose BilledCost is not a number produce a diagnostic with their line and are skipped.
 */
export function parseFocusCsv(text: string, file: string): { rows: CostRow[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let records: Array<Record<string, string>>;
  try {
    records = parse<Record<string, string>>(text, {
      columns: true,
      skip_empty_lines: true,
      bom: true,
      relax_column_count: true,
    });
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    diagnostics.push({
      severity: 'error',
      file,
      path: err.lines ? `line ${err.lines}` : '$',
      message: `invalid CSV: ${err.message ?? String(e)}`,
    });
    return { rows: [], diagnostics };
  }
  const header = Object.keys(records[0] ?? {});
  for (const col of REQUIRED) {
    if (records.length > 0 && !header.includes(col)) {
      diagnostics.push({
        severity: 'error',
        file,
        path: 'line 1',
        message: `FOCUS column ${col} is missing`,
      });
      return { rows: [], diagnostics };
    }
  }
  const rows: CostRow[] = [];
  records.forEach((r, i) => {
    const billed = Number(r['BilledCost']);
    if (!Number.isFinite(billed) || cell(r['BilledCost']) === '') {
      diagnostics.push({
        severity: 'warning',
        file,
        path: `line ${i + 2}`,
        message: `BilledCost ${JSON.stringify(r['BilledCost'])} is not a number; row skipped`,
      });
      return;
    }
    const effective = Number(cell(r['EffectiveCost']) || 'NaN');
    rows.push({
      chargePeriodStart: cell(r['ChargePeriodStart']),
      chargePeriodEnd: cell(r['ChargePeriodEnd']),
      billedCost: billed,
      effectiveCost: Number.isFinite(effective) ? effective : billed,
      currency: cell(r['BillingCurrency']) || 'USD',
      chargeCategory: cell(r['ChargeCategory']),
      providerName: cell(r['ProviderName']),
      serviceName: cell(r['ServiceName']),
      billingAccountId: cell(r['BillingAccountId']),
      subAccountId: cell(r['SubAccountId']),
      resourceId: cell(r['ResourceId']),
      tags: parseTags(r['Tags']),
    });
  });
  return { rows, diagnostics };
}

export interface Amount {
  key: string;
  cost: number;
}

export interface CostAnomaly {
  serviceName: string;
  day: string;
  cost: number;
  trailingMean: number;
  trailingStdDev: number;
  threshold: number;
}

export interface CostOptions {
  /** Tag keys (case-insensitive) whose value names the owner. */
  ownerTagKeys: string[];
  /** Trailing window for anomaly detection, in days. */
  anomalyWindowDays: number;
  /** Standard deviations above the trailing mean. */
  anomalySigma: number;
  /** Minimum excess over the mean (USD) for a day to count, so cent-level noise is not reported. */
  anomalyMinDelta: number;
  topN: number;
}

export const DEFAULT_COST_OPTIONS: CostOptions = {
  ownerTagKeys: ['owner', 'team'],
  anomalyWindowDays: 14,
  anomalySigma: 3,
  anomalyMinDelta: 1,
  topN: 10,
};

export interface CostSummary {
  /** The FOCUS column summed: BilledCost (what is invoiced); EffectiveCost is given alongside. */
  metric: 'BilledCost';
  currency: string;
  rows: number;
  total: number;
  totalEffective: number;
  byService: Amount[];
  bySubAccount: Amount[];
  byBillingAccount: Amount[];
  byOwner: Amount[];
  byProvider: Amount[];
  untaggedCost: number;
  /** BilledCost of rows without any tag / BilledCost of all positive rows, in percent. */
  untaggedPct: number;
  byMonth: Array<Amount & { changePct: number | null }>;
  topResources: Amount[];
  anomalies: CostAnomaly[];
}

function sumBy(rows: readonly CostRow[], key: (r: CostRow) => string): Amount[] {
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    m.set(k, (m.get(k) ?? 0) + r.billedCost);
  }
  return [...m]
    .map(([k, cost]) => ({ key: k, cost: round6(cost) }))
    .sort((a, b) => b.cost - a.cost || a.key.localeCompare(b.key));
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

function ownerOf(tags: Record<string, string>, keys: readonly string[]): string | undefined {
  for (const want of keys) {
    for (const [k, v] of Object.entries(tags)) if (k.toLowerCase() === want && v !== '') return v;
  }
  return undefined;
}

/** Daily cost per service, and days above mean + sigma·σ of the trailing window (missing days count as 0). */
export function detectAnomalies(
  rows: readonly CostRow[],
  opts: CostOptions = DEFAULT_COST_OPTIONS,
): CostAnomaly[] {
  const daily = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const day = r.chargePeriodStart.slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) continue;
    const s = daily.get(r.serviceName) ?? new Map<string, number>();
    s.set(day, (s.get(day) ?? 0) + r.billedCost);
    daily.set(r.serviceName, s);
  }
  const DAY = 86_400_000;
  const out: CostAnomaly[] = [];
  for (const [service, days] of daily) {
    const sorted = [...days.keys()].sort();
    const first = Date.parse(`${sorted[0] ?? ''}T00:00:00Z`);
    for (const day of sorted) {
      const t = Date.parse(`${day}T00:00:00Z`);
      if (t - first < opts.anomalyWindowDays * DAY) continue;
      const window: number[] = [];
      for (let k = 1; k <= opts.anomalyWindowDays; k++) {
        window.push(days.get(new Date(t - k * DAY).toISOString().slice(0, 10)) ?? 0);
      }
      const mean = window.reduce((a, b) => a + b, 0) / window.length;
      const sd = Math.sqrt(window.reduce((a, b) => a + (b - mean) ** 2, 0) / window.length);
      const cost = days.get(day) ?? 0;
      const threshold = mean + opts.anomalySigma * sd;
      if (cost > threshold && cost - mean >= opts.anomalyMinDelta) {
        out.push({
          serviceName: service,
          day,
          cost: round6(cost),
          trailingMean: round6(mean),
          trailingStdDev: round6(sd),
          threshold: round6(threshold),
        });
      }
    }
  }
  return out.sort((a, b) => a.day.localeCompare(b.day) || a.serviceName.localeCompare(b.serviceName));
}

/** The cost picture of FOCUS rows. All sums are of BilledCost. */
export function summariseCosts(
  rows: readonly CostRow[],
  opts: CostOptions = DEFAULT_COST_OPTIONS,
): CostSummary {
  const total = rows.reduce((a, r) => a + r.billedCost, 0);
  // Untagged share is taken over positive charges, so credits and refunds do not distort it.
  const positive = rows.filter((r) => r.billedCost > 0);
  const positiveTotal = positive.reduce((a, r) => a + r.billedCost, 0);
  const untaggedCost = positive
    .filter((r) => Object.keys(r.tags).length === 0)
    .reduce((a, r) => a + r.billedCost, 0);
  const months = sumBy(rows, (r) => r.chargePeriodStart.slice(0, 7)).sort((a, b) =>
    a.key.localeCompare(b.key),
  );
  const byMonth = months.map((m, i) => {
    const prev = i > 0 ? months[i - 1] : undefined;
    return {
      ...m,
      changePct: prev && prev.cost !== 0 ? round2(((m.cost - prev.cost) / prev.cost) * 100) : null,
    };
  });
  return {
    metric: 'BilledCost',
    currency: rows[0]?.currency ?? 'USD',
    rows: rows.length,
    total: round6(total),
    totalEffective: round6(rows.reduce((a, r) => a + r.effectiveCost, 0)),
    byService: sumBy(rows, (r) => r.serviceName || '(none)'),
    bySubAccount: sumBy(rows, (r) => r.subAccountId || '(none)'),
    byBillingAccount: sumBy(rows, (r) => r.billingAccountId || '(none)'),
    byOwner: sumBy(rows, (r) => ownerOf(r.tags, opts.ownerTagKeys) ?? '(untagged)'),
    byProvider: sumBy(rows, (r) => r.providerName || '(none)'),
    untaggedCost: round6(untaggedCost),
    untaggedPct: positiveTotal === 0 ? 0 : round2((untaggedCost / positiveTotal) * 100),
    byMonth,
    topResources: sumBy(
      rows.filter((r) => r.resourceId !== ''),
      (r) => r.resourceId,
    ).slice(0, opts.topN),
    anomalies: detectAnomalies(rows, opts),
  };
}

/** BilledCost per resource id (FOCUS ResourceId), for spend-weighted tag compliance. */
export function costByResource(rows: readonly CostRow[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) if (r.resourceId) m.set(r.resourceId, (m.get(r.resourceId) ?? 0) + r.billedCost);
  return m;
}
