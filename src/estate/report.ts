import type { TagPolicy } from '../policy/rule.js';
import { certificateStatuses, type CertificateStatus } from './certificates.js';
import { costByResource, DEFAULT_COST_OPTIONS, summariseCosts, type CostSummary } from './cost.js';
import { analyseCoverage, type CoverageReport } from './coverage.js';
import type { IgnoreRule } from './ignore.js';
import type { Diagnostic, Snapshot } from './model.js';
import type { PriceCatalog } from './pricing.js';
import {
  DEFAULT_RIGHTSIZING_OPTIONS,
  recommendRightsizing,
  type RightsizingOptions,
  type RightsizingRecommendation,
} from './rightsizing.js';
import { analyseTags, managedAddressMap, type TagReport } from './tags.js';
import {
  DEFAULT_WASTE_OPTIONS,
  findWaste,
  wasteTotals,
  type WasteFinding,
  type WasteOptions,
} from './waste.js';

export interface EstateReport {
  generatedAt: string;
  snapshotTakenAt: string;
  inventory: {
    resources: number;
    managedInState: number;
    byType: Array<{ type: string; count: number }>;
    byProvider: Array<{ provider: string; count: number }>;
  };
  coverage: CoverageReport;
  tags: TagReport;
  waste: { findings: WasteFinding[]; totals: ReturnType<typeof wasteTotals> };
  rightsizing: RightsizingRecommendation[];
  cost: CostSummary | null;
  certificates: CertificateStatus[];
  diagnostics: Diagnostic[];
}

export interface ReportOptions {
  policy: TagPolicy;
  catalog: PriceCatalog;
  now: Date;
  ignore?: readonly IgnoreRule[];
  waste?: WasteOptions;
  rightsizing?: RightsizingOptions;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Array<{ key: string; count: number }> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m]
    .map(([k, count]) => ({ key: k, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** Everything the estate analysis says about one snapshot, as one plain value. */
export function buildEstateReport(s: Snapshot, o: ReportOptions): EstateReport {
  const coverage = analyseCoverage(s.resources, s.managed, s.scannedTypes, o.ignore ?? []);
  const costById = s.costs.length ? costByResource(s.costs) : undefined;
  const tags = analyseTags(s.resources, o.policy, {
    managedAddress: managedAddressMap(coverage.managed),
    ...(costById ? { costById } : {}),
  });
  const findings = findWaste(s.resources, s.metrics, o.catalog, o.now, o.waste ?? DEFAULT_WASTE_OPTIONS);
  return {
    generatedAt: o.now.toISOString(),
    snapshotTakenAt: s.takenAt,
    inventory: {
      resources: s.resources.length,
      managedInState: s.managed.length,
      byType: countBy(s.resources, (r) => r.type).map(({ key, count }) => ({ type: key, count })),
      byProvider: countBy(s.resources, (r) => r.provider).map(({ key, count }) => ({ provider: key, count })),
    },
    coverage,
    tags,
    waste: { findings, totals: wasteTotals(findings) },
    rightsizing: recommendRightsizing(
      s.resources,
      s.metrics,
      o.catalog,
      o.rightsizing ?? DEFAULT_RIGHTSIZING_OPTIONS,
    ),
    cost: s.costs.length ? summariseCosts(s.costs, DEFAULT_COST_OPTIONS) : null,
    certificates: certificateStatuses(s.resources, o.now),
    diagnostics: s.diagnostics,
  };
}

const usd = (n: number | null | undefined) => (n === null || n === undefined ? 'n/a' : `$${n.toFixed(2)}`);
const pct = (n: number | null) => (n === null ? 'n/a' : `${n.toFixed(2)}%`);

export function renderEstateJson(r: EstateReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

export function renderEstateText(r: EstateReport): string {
  const L: string[] = [];
  L.push(`Estate report (snapshot ${r.snapshotTakenAt}, generated ${r.generatedAt})`);
  L.push(
    `Inventory: ${r.inventory.resources} live resources, ${r.inventory.managedInState} in Terraform state`,
  );
  for (const t of r.inventory.byType) L.push(`  ${t.type.padEnd(28)} ${t.count}`);
  const c = r.coverage;
  L.push('');
  L.push(
    `IaC coverage: ${pct(c.coveragePct)} (managed ${c.counts.managed}, unmanaged ${c.counts.unmanaged}, missing ${c.counts.missing}, ignored ${c.counts.ignored}; drifted ${c.drifted})`,
  );
  for (const u of c.unmanaged) L.push(`  unmanaged ${u.type} ${u.id}${u.name ? ` (${u.name})` : ''}`);
  for (const m of c.missing) L.push(`  missing   ${m.address} (${m.id})`);
  for (const m of c.managed)
    for (const d of m.drift)
      L.push(
        `  drift     ${m.address} ${d.field}: state ${JSON.stringify(d.state)} live ${JSON.stringify(d.live)}`,
      );
  const t = r.tags;
  L.push('');
  L.push(
    `Tag compliance: ${pct(t.compliancePct)} of ${t.total} resources (${t.compliant} compliant); by spend ${pct(t.spendCompliancePct)}; required: ${t.policy.required.join(', ')}`,
  );
  for (const n of t.nonCompliant) {
    const what = [
      n.missing.length ? `missing ${n.missing.join(', ')}` : '',
      n.bad.length ? `bad ${n.bad.map((b) => `${b.key}=${b.value}`).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    L.push(`  ${n.type} ${n.id}: ${what}`);
    L.push(`    fix: ${n.remediation}`);
  }
  L.push('');
  L.push(`Waste: ${r.waste.totals.findings} findings, ${usd(r.waste.totals.monthlySaving)}/month to save`);
  for (const f of r.waste.findings)
    L.push(
      `  [${f.category}] ${f.resourceType} ${f.resourceId}: ${f.message}; cost ${usd(f.monthlyCost)}/mo, saving ${usd(f.monthlySaving)}/mo`,
    );
  L.push('');
  L.push(`Right-sizing: ${r.rightsizing.length} recommendations`);
  for (const x of r.rightsizing)
    L.push(
      `  ${x.instanceId} ${x.currentType} -> ${x.suggestedType}: P99.5 CPU ${x.observedPct}% of ${x.currentVcpus} vCPU, needs ${x.neededVcpus}; saves ${usd(x.monthlySaving)}/mo`,
    );
  if (r.cost) {
    const k = r.cost;
    L.push('');
    L.push(
      `Cost (FOCUS ${k.metric}, ${k.rows} rows): ${usd(k.total)} ${k.currency}; untagged ${pct(k.untaggedPct)}`,
    );
    for (const s of k.byService.slice(0, 10)) L.push(`  ${s.key.padEnd(40)} ${usd(s.cost)}`);
    for (const m of k.byMonth)
      L.push(
        `  month ${m.key}: ${usd(m.cost)}${m.changePct === null ? '' : ` (${m.changePct >= 0 ? '+' : ''}${m.changePct}%)`}`,
      );
    for (const a of k.anomalies)
      L.push(
        `  anomaly ${a.day} ${a.serviceName}: ${usd(a.cost)} > ${usd(a.threshold)} (mean ${usd(a.trailingMean)}, sd ${a.trailingStdDev})`,
      );
  }
  if (r.certificates.length) {
    L.push('');
    L.push('Certificates:');
    for (const x of r.certificates)
      L.push(`  [${x.level}] ${x.domain} expires ${x.notAfter ?? 'n/a'} (${x.daysToExpiry ?? 'n/a'} days)`);
  }
  if (r.diagnostics.length) {
    L.push('');
    L.push('Diagnostics:');
    for (const d of r.diagnostics) L.push(`  ${d.severity} ${d.file} ${d.path}: ${d.message}`);
  }
  return `${L.join('\n')}\n`;
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per finding of any section: section, resource type, id, detail, monthly cost, saving. */
export function renderEstateCsv(r: EstateReport): string {
  const rows: Array<Array<string | number | null>> = [
    [
      'section',
      'category',
      'resource_type',
      'resource_id',
      'detail',
      'monthly_cost_usd',
      'monthly_saving_usd',
    ],
  ];
  for (const u of r.coverage.unmanaged)
    rows.push(['coverage', 'unmanaged', u.type, u.id, u.name ?? '', null, null]);
  for (const m of r.coverage.missing) rows.push(['coverage', 'missing', m.type, m.id, m.address, null, null]);
  for (const m of r.coverage.managed)
    for (const d of m.drift)
      rows.push([
        'drift',
        d.field,
        m.type,
        m.id,
        `state ${JSON.stringify(d.state)} live ${JSON.stringify(d.live)}`,
        null,
        null,
      ]);
  for (const n of r.tags.nonCompliant)
    rows.push([
      'tags',
      'non-compliant',
      n.type,
      n.id,
      [...n.missing.map((k) => `missing ${k}`), ...n.bad.map((b) => `bad ${b.key}=${b.value}`)].join('; '),
      null,
      null,
    ]);
  for (const f of r.waste.findings)
    rows.push(['waste', f.category, f.resourceType, f.resourceId, f.message, f.monthlyCost, f.monthlySaving]);
  for (const x of r.rightsizing)
    rows.push([
      'rightsizing',
      'downsize',
      'aws_instance',
      x.instanceId,
      `${x.currentType} -> ${x.suggestedType}`,
      x.currentMonthly,
      x.monthlySaving,
    ]);
  for (const x of r.certificates)
    rows.push([
      'certificates',
      x.level,
      'aws_acm_certificate',
      x.arn,
      `${x.domain} ${x.daysToExpiry ?? 'n/a'} days`,
      null,
      null,
    ]);
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderEstateMarkdown(r: EstateReport): string {
  const L: string[] = [];
  const c = r.coverage;
  L.push('# Estate report', '');
  L.push(`Snapshot ${r.snapshotTakenAt}; generated ${r.generatedAt}.`, '');
  L.push('| Measure | Value |', '| --- | --- |');
  L.push(`| Live resources | ${r.inventory.resources} |`);
  L.push(
    `| IaC coverage | ${pct(c.coveragePct)} (${c.counts.managed} managed, ${c.counts.unmanaged} unmanaged, ${c.counts.missing} missing) |`,
  );
  L.push(`| Drifted resources | ${c.drifted} |`);
  L.push(
    `| Tag compliance | ${pct(r.tags.compliancePct)} by count, ${pct(r.tags.spendCompliancePct)} by spend |`,
  );
  L.push(`| Waste | ${r.waste.totals.findings} findings, ${usd(r.waste.totals.monthlySaving)}/month |`);
  L.push(
    `| Right-sizing | ${r.rightsizing.length} recommendations, ${usd(r.rightsizing.reduce((a, x) => a + x.monthlySaving, 0))}/month |`,
  );
  if (r.cost)
    L.push(`| Cost (${r.cost.metric}) | ${usd(r.cost.total)}, ${pct(r.cost.untaggedPct)} untagged |`);
  L.push('');
  if (r.waste.findings.length) {
    L.push(
      '## Waste',
      '',
      '| Category | Resource | Evidence | Cost/mo | Saving/mo |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const f of r.waste.findings)
      L.push(
        `| ${f.category} | ${mdCell(`${f.resourceType} ${f.resourceId}`)} | ${mdCell(f.message)} | ${usd(f.monthlyCost)} | ${usd(f.monthlySaving)} |`,
      );
    L.push('');
  }
  if (r.tags.nonCompliant.length) {
    L.push('## Tag compliance', '', '| Resource | Missing | Bad values | Fix |', '| --- | --- | --- | --- |');
    for (const n of r.tags.nonCompliant)
      L.push(
        `| ${mdCell(`${n.type} ${n.id}`)} | ${n.missing.join(', ')} | ${mdCell(n.bad.map((b) => `${b.key}=${b.value}`).join(', '))} | \`${mdCell(n.remediation)}\` |`,
      );
    L.push('');
  }
  if (c.unmanaged.length || c.missing.length || c.drifted) {
    L.push('## Coverage and drift', '');
    for (const u of c.unmanaged) L.push(`- unmanaged: \`${u.type}\` ${u.id}`);
    for (const m of c.missing) L.push(`- missing: \`${m.address}\` (${m.id})`);
    for (const m of c.managed)
      for (const d of m.drift)
        L.push(
          `- drift: \`${m.address}\` ${d.field}: state \`${JSON.stringify(d.state)}\`, live \`${JSON.stringify(d.live)}\``,
        );
    L.push('');
  }
  if (r.rightsizing.length) {
    L.push(
      '## Right-sizing',
      '',
      '| Instance | From | To | P99.5 CPU | Saving/mo |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const x of r.rightsizing)
      L.push(
        `| ${x.instanceId} | ${x.currentType} | ${x.suggestedType} | ${x.observedPct}% | ${usd(x.monthlySaving)} |`,
      );
    L.push('');
  }
  if (r.cost) {
    L.push('## Cost by service', '', '| Service | BilledCost |', '| --- | --- |');
    for (const s of r.cost.byService.slice(0, 15)) L.push(`| ${mdCell(s.key)} | ${usd(s.cost)} |`);
    L.push('');
  }
  if (r.certificates.length) {
    L.push('## Certificates', '', '| Domain | Expires | Days | Level |', '| --- | --- | --- | --- |');
    for (const x of r.certificates)
      L.push(`| ${mdCell(x.domain)} | ${x.notAfter ?? 'n/a'} | ${x.daysToExpiry ?? 'n/a'} | ${x.level} |`);
    L.push('');
  }
  return `${L.join('\n')}\n`;
}
