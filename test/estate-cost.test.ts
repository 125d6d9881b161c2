import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectAnomalies, parseFocusCsv, summariseCosts } from '../src/estate/cost.js';
import type { CostRow } from '../src/estate/model.js';
import { haveSharedData, sharedData } from './fixtures/estate/shared-data.js';

const have = haveSharedData('FOCUS cost tests');
const file = path.join(sharedData, 'focus/focus_sample.csv');

/** A small quote-aware CSV reader written for the test, independent of csv-parse. */
function naiveCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  const [header = [], ...body] = rows.filter((r) => r.length > 1);
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

describe.skipIf(!have)('FOCUS cost on focus_sample.csv', () => {
  const text = have ? readFileSync(file, 'utf8') : '';
  const expected = naiveCsv(text);

  it('parses all 1,000 rows without diagnostics', () => {
    const { rows, diagnostics } = parseFocusCsv(text, file);
    expect(diagnostics).toEqual([]);
    expect(rows).toHaveLength(1000);
    expect(expected).toHaveLength(1000);
  });

  it('sums BilledCost, EffectiveCost, by service and by sub-account like an independent reduction', () => {
    const { rows } = parseFocusCsv(text, file);
    const s = summariseCosts(rows);
    const sum = (f: (r: Record<string, string>) => boolean, col = 'BilledCost') =>
      expected.filter(f).reduce((a, r) => a + Number(r[col]), 0);
    expect(s.total).toBeCloseTo(
      sum(() => true),
      6,
    );
    expect(s.totalEffective).toBeCloseTo(
      sum(() => true, 'EffectiveCost'),
      6,
    );
    const services = new Set(expected.map((r) => r['ServiceName']));
    expect(s.byService).toHaveLength(services.size);
    for (const svc of s.byService.slice(0, 5))
      expect(svc.cost).toBeCloseTo(
        sum((r) => r['ServiceName'] === svc.key),
        5,
      );
    expect(s.byService[0]?.key).toBe('Amazon Elastic Compute Cloud');
    for (const acct of s.bySubAccount.slice(0, 5))
      expect(acct.cost).toBeCloseTo(
        sum((r) => (r['SubAccountId'] === 'NULL' ? '(none)' : r['SubAccountId']) === acct.key),
        5,
      );
    const providers = Object.fromEntries(s.byProvider.map((p) => [p.key, p.cost]));
    expect(providers['AWS']).toBeCloseTo(
      sum((r) => r['ProviderName'] === 'AWS'),
      6,
    );
  });

  it('computes the untagged share over positive charges and the cost by owner/team tag', () => {
    const { rows } = parseFocusCsv(text, file);
    const s = summariseCosts(rows);
    const pos = expected.filter((r) => Number(r['BilledCost']) > 0);
    const untagged = pos.filter((r) => r['Tags'] === 'NULL' || r['Tags'] === '' || r['Tags'] === '{}');
    const pct =
      (untagged.reduce((a, r) => a + Number(r['BilledCost']), 0) /
        pos.reduce((a, r) => a + Number(r['BilledCost']), 0)) *
      100;
    expect(s.untaggedPct).toBeCloseTo(pct, 2);
    const owners = s.byOwner.reduce((a, o) => a + o.cost, 0);
    expect(owners).toBeCloseTo(s.total, 6);
  });

  it('groups by month and lists top resources by ResourceId', () => {
    const { rows } = parseFocusCsv(text, file);
    const s = summariseCosts(rows);
    const months = new Set(expected.map((r) => r['ChargePeriodStart']?.slice(0, 7)));
    expect(s.byMonth.map((m) => m.key)).toEqual([...months].sort());
    expect(s.byMonth[0]?.changePct).toBeNull();
    expect(s.topResources).toHaveLength(10);
    const top = s.topResources[0];
    expect(top?.cost).toBeCloseTo(
      expected.filter((r) => r['ResourceId'] === top?.key).reduce((a, r) => a + Number(r['BilledCost']), 0),
      6,
    );
  });
});

function row(day: string, service: string, cost: number): CostRow {
  return {
    chargePeriodStart: `${day} 00:00:00`,
    chargePeriodEnd: '',
    billedCost: cost,
    effectiveCost: cost,
    currency: 'USD',
    chargeCategory: 'Usage',
    providerName: 'AWS',
    serviceName: service,
    billingAccountId: 'b',
    subAccountId: 's',
    resourceId: '',
    tags: {},
  };
}

describe('cost anomalies and month-over-month', () => {
  const days = (n: number, from = Date.UTC(2026, 0, 1)) =>
    Array.from({ length: n }, (_, i) => new Date(from + i * 86_400_000).toISOString().slice(0, 10));

  it('flags a day above mean + 3 sigma of the trailing 14 days', () => {
    const d = days(16);
    const rows = d.map((day, i) => row(day, 'EC2', i === 15 ? 40 : 10 + (i % 2)));
    const a = detectAnomalies(rows);
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({
      serviceName: 'EC2',
      day: d[15],
      cost: 40,
      trailingMean: 10.5,
      trailingStdDev: 0.5,
      threshold: 12,
    });
  });

  it('does not judge a service before it has 14 days of history, nor cent-level noise', () => {
    expect(detectAnomalies(days(10).map((day, i) => row(day, 'S3', i === 9 ? 100 : 1)))).toEqual([]);
    expect(detectAnomalies(days(16).map((day, i) => row(day, 'S3', i === 15 ? 0.5 : 0.01)))).toEqual([]);
  });

  it('computes month-over-month change in percent', () => {
    const s = summariseCosts([
      row('2026-01-05', 'EC2', 100),
      row('2026-02-05', 'EC2', 125),
      row('2026-03-05', 'EC2', 100),
    ]);
    expect(s.byMonth).toEqual([
      { key: '2026-01', cost: 100, changePct: null },
      { key: '2026-02', cost: 125, changePct: 25 },
      { key: '2026-03', cost: 100, changePct: -20 },
    ]);
  });

  it('skips rows whose BilledCost is not a number, naming the line', () => {
    const csv =
      'BilledCost,ChargePeriodStart,ServiceName\n1.5,2026-01-01 00:00:00,EC2\nabc,2026-01-01 00:00:00,EC2\n';
    const { rows, diagnostics } = parseFocusCsv(csv, 'f.csv');
    expect(rows).toHaveLength(1);
    expect(diagnostics).toEqual([expect.objectContaining({ file: 'f.csv', path: 'line 3' })]);
  });
});
