/**
 * Turns a snapshot into what the estate store keeps: the figures of `buildEstateReport` (the same
 * analysis `opsdeck estate report` prints), one row per live resource with its coverage, drift,
 * tag compliance and cost, and one row per waste or right-sizing finding.
 */
import { createHash } from 'node:crypto';
import { costByResource } from '../../../estate/cost.js';
import type { IgnoreRule } from '../../../estate/ignore.js';
import { num, str } from '../../../estate/json.js';
import type { EstateResource, Snapshot } from '../../../estate/model.js';
import { instanceMonthly, volumeMonthly, type PriceCatalog } from '../../../estate/pricing.js';
import { buildEstateReport } from '../../../estate/report.js';
import type { TagPolicy } from '../../../policy/rule.js';
import type { NewEstateFinding, NewEstateResource, NewEstateSnapshot } from '../../../store/estate/index.js';

export interface AnalysisInputs {
  policy: TagPolicy;
  catalog: PriceCatalog;
  ignore: readonly IgnoreRule[];
}

/**
 * What is stored. The full report is not kept: at 10^5 resources its lists (every managed,
 * unmanaged and non-compliant resource, every finding) are hundreds of MB that the rows already
 * carry, and holding them through the insert was most of the push's peak memory.
 */
export interface AnalysedSnapshot {
  snapshot: NewEstateSnapshot;
  resources: NewEstateResource[];
  findings: NewEstateFinding[];
}

/** Stable across snapshots and URL-safe: the explorer's resource id. */
export function resourceKey(provider: string, type: string, id: string): string {
  return createHash('sha256').update(`${provider}\u0000${type}\u0000${id}`).digest('base64url').slice(0, 22);
}

const OWNER_KEYS = ['owner', 'team'];

function ownerOf(tags: Record<string, string>): string | null {
  for (const want of OWNER_KEYS)
    for (const [k, v] of Object.entries(tags)) if (k.toLowerCase() === want && v !== '') return v;
  return null;
}

function catalogMonthly(c: PriceCatalog, r: EstateResource): number | undefined {
  if (r.type === 'aws_instance') {
    if (r.state === 'stopped' || r.state === 'terminated') return 0;
    const t = str(r.attributes['InstanceType']);
    return t ? instanceMonthly(c, t) : undefined;
  }
  if (r.type === 'aws_ebs_volume')
    return volumeMonthly(
      c,
      str(r.attributes['VolumeType']) ?? 'gp2',
      num(r.attributes['Size']) ?? 0,
      num(r.attributes['Iops']),
      num(r.attributes['Throughput']),
    );
  return undefined;
}

const MAX_SUMMARY_DIAGNOSTICS = 1000;

/**
 * Runs the analysis at the snapshot's own time (`takenAt`), so ages and look-back windows are
 * those of the moment the inventory was taken, whenever it is pushed.
 */
export function analyseSnapshot(
  snap: Snapshot,
  inputs: AnalysisInputs,
  meta: { importedBy: string; source: string; extraDiagnostics?: Snapshot['diagnostics'] },
): AnalysedSnapshot {
  const now = new Date(snap.takenAt);
  const report = buildEstateReport(snap, {
    policy: inputs.policy,
    catalog: inputs.catalog,
    now,
    ignore: inputs.ignore,
  });
  const k = (type: string, id: string, provider = 'aws') => resourceKey(provider, type, id);
  const managed = new Map(report.coverage.managed.map((m) => [`${m.type}\u0000${m.id}`, m]));
  const unmanaged = new Set(report.coverage.unmanaged.map((u) => `${u.type}\u0000${u.id}`));
  const nonCompliant = new Map(report.tags.nonCompliant.map((n) => [`${n.type}\u0000${n.id}`, n]));
  const billed = snap.costs.length ? costByResource(snap.costs) : undefined;

  const findings: NewEstateFinding[] = [];
  const findingCount = new Map<string, number>();
  const findingCost = new Map<string, number>();
  for (const f of report.waste.findings) {
    const key = k(f.resourceType, f.resourceId);
    findingCount.set(key, (findingCount.get(key) ?? 0) + 1);
    if (f.monthlyCost !== null) findingCost.set(key, Math.max(findingCost.get(key) ?? 0, f.monthlyCost));
    findings.push({
      resourceKey: key,
      kind: 'waste',
      category: f.category,
      resourceType: f.resourceType,
      resourceId: f.resourceId,
      region: f.region ?? null,
      message: f.message,
      monthlyCost: f.monthlyCost,
      monthlySaving: f.monthlySaving,
      evidence: f.evidence,
    });
  }
  for (const x of report.rightsizing) {
    const key = k('aws_instance', x.instanceId);
    findingCount.set(key, (findingCount.get(key) ?? 0) + 1);
    findings.push({
      resourceKey: key,
      kind: 'rightsizing',
      category: 'downsize',
      resourceType: 'aws_instance',
      resourceId: x.instanceId,
      region: null,
      message: `${x.currentType} -> ${x.suggestedType}: P99.5 CPU ${x.observedPct}% of ${x.currentVcpus} vCPU needs ${x.neededVcpus}`,
      monthlyCost: x.currentMonthly,
      monthlySaving: x.monthlySaving,
      evidence: { ...x },
    });
  }

  const seen = new Set<string>();
  const resources: NewEstateResource[] = [];
  for (const r of snap.resources) {
    const key = k(r.type, r.id, r.provider);
    // Two exports listing the same resource (describe-volumes and get-resources): keep the first.
    if (seen.has(key)) continue;
    seen.add(key);
    const tk = `${r.type}\u0000${r.id}`;
    const m = managed.get(tk);
    const nc = nonCompliant.get(tk);
    const cost = catalogMonthly(inputs.catalog, r) ?? findingCost.get(key);
    const billedCost = billed?.get(r.id) ?? (r.arn ? billed?.get(r.arn) : undefined);
    resources.push({
      key,
      provider: r.provider,
      account: r.account ?? null,
      region: r.region ?? null,
      type: r.type,
      id: r.id,
      arn: r.arn ?? null,
      name: r.name ?? null,
      state: r.state ?? null,
      createdAt: r.createdAt ?? null,
      tags: r.tags,
      coverage: m ? 'managed' : unmanaged.has(tk) ? 'unmanaged' : 'ignored',
      address: m?.address ?? null,
      drift: m?.drift ?? [],
      compliant: nc === undefined,
      missingTags: nc?.missing ?? [],
      badTags: nc?.bad ?? [],
      remediation: nc?.remediation ?? null,
      owner: ownerOf(r.tags),
      monthlyCost: cost === undefined ? null : Math.round(cost * 100) / 100,
      billedCost: billedCost === undefined ? null : Math.round(billedCost * 1e6) / 1e6,
      findings: findingCount.get(key) ?? 0,
    });
  }

  const diagnostics = [...snap.diagnostics, ...(meta.extraDiagnostics ?? [])];
  const { nonCompliant: _nc, ...tagFigures } = report.tags;
  const summary = {
    generatedAt: report.generatedAt,
    inventory: report.inventory,
    coverage: {
      coveragePct: report.coverage.coveragePct,
      counts: report.coverage.counts,
      notScanned: report.coverage.notScanned,
      drifted: report.coverage.drifted,
      missing: report.coverage.missing,
    },
    tags: tagFigures,
    cost: report.cost,
    certificates: report.certificates,
    files: snap.files,
    diagnostics: diagnostics.slice(0, MAX_SUMMARY_DIAGNOSTICS),
    diagnosticsTruncated: diagnostics.length > MAX_SUMMARY_DIAGNOSTICS,
  };
  const rightsizingMonthly =
    Math.round(report.rightsizing.reduce((a, x) => a + x.monthlySaving, 0) * 100) / 100;
  return {
    resources,
    findings,
    snapshot: {
      takenAt: snap.takenAt,
      importedBy: meta.importedBy,
      source: meta.source,
      counts: {
        files: snap.files.length,
        resources: resources.length,
        stateInstances: snap.managed.length,
        metricSeries: snap.metrics.length,
        costRows: snap.costs.length,
        diagnostics: diagnostics.length,
      },
      coverage: {
        pct: report.coverage.coveragePct,
        managed: report.coverage.counts.managed,
        unmanaged: report.coverage.counts.unmanaged,
        missing: report.coverage.counts.missing,
        ignored: report.coverage.counts.ignored,
        drifted: report.coverage.drifted,
      },
      tags: {
        compliancePct: report.tags.compliancePct,
        spendCompliancePct: report.tags.spendCompliancePct,
        nonCompliant: report.tags.nonCompliant.length,
      },
      waste: {
        findings: report.waste.totals.findings,
        monthlySaving: report.waste.totals.monthlySaving,
        byCategory: report.waste.totals.byCategory,
      },
      rightsizing: { findings: report.rightsizing.length, monthlySaving: rightsizingMonthly },
      cost: report.cost
        ? {
            total: report.cost.total,
            currency: report.cost.currency,
            untaggedPct: report.cost.untaggedPct,
            byOwner: report.cost.byOwner,
          }
        : null,
      summary,
    },
  };
}
