import type {
  EstateFindingsTable,
  EstatePlansTable,
  EstateResourcesTable,
  EstateSnapshotsTable,
} from './schema.js';

export interface Amount {
  key: string;
  cost: number;
}

/** A stored snapshot with the figures of its analysis. */
export interface EstateSnapshotRecord {
  id: string;
  takenAt: string;
  importedAt: string;
  importedBy: string;
  source: string;
  counts: {
    files: number;
    resources: number;
    stateInstances: number;
    metricSeries: number;
    costRows: number;
    diagnostics: number;
  };
  coverage: {
    pct: number | null;
    managed: number;
    unmanaged: number;
    missing: number;
    ignored: number;
    drifted: number;
  };
  tags: { compliancePct: number; spendCompliancePct: number | null; nonCompliant: number };
  waste: {
    findings: number;
    monthlySaving: number;
    byCategory: Record<string, { count: number; monthlySaving: number }>;
  };
  rightsizing: { findings: number; monthlySaving: number };
  cost: { total: number; currency: string; untaggedPct: number | null; byOwner: Amount[] } | null;
}

/** The snapshot row plus its stored summary document. */
export interface EstateSnapshotDetail extends EstateSnapshotRecord {
  summary: unknown;
}

export type NewEstateSnapshot = Omit<EstateSnapshotDetail, 'id' | 'importedAt'>;

export type Coverage = 'managed' | 'unmanaged' | 'ignored';

export interface EstateResourceRecord {
  key: string;
  snapshotId: string;
  provider: string;
  account: string | null;
  region: string | null;
  type: string;
  id: string;
  arn: string | null;
  name: string | null;
  state: string | null;
  createdAt: string | null;
  tags: Record<string, string>;
  coverage: Coverage;
  address: string | null;
  drift: Array<{ field: string; state: unknown; live: unknown }>;
  compliant: boolean;
  missingTags: string[];
  badTags: Array<{ key: string; value: string }>;
  remediation: string | null;
  owner: string | null;
  monthlyCost: number | null;
  billedCost: number | null;
  findings: number;
}

export type NewEstateResource = Omit<EstateResourceRecord, 'snapshotId'>;

export type FindingKind = 'waste' | 'rightsizing';

export interface EstateFindingRecord {
  id: string;
  snapshotId: string;
  resourceKey: string;
  kind: FindingKind;
  category: string;
  resourceType: string;
  resourceId: string;
  region: string | null;
  message: string;
  monthlyCost: number | null;
  monthlySaving: number | null;
  evidence: Record<string, unknown>;
}

export type NewEstateFinding = Omit<EstateFindingRecord, 'id' | 'snapshotId'>;

export const PLAN_STATUSES = ['draft', 'approved', 'rejected', 'completed'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** One resource of a decommission plan: what to run (printed, never run by opsdeck) and how to undo. */
export interface PlanItem {
  findingId: string;
  category: string;
  resourceKey: string;
  resourceType: string;
  resourceId: string;
  region: string | null;
  account: string | null;
  owner: string | null;
  monthlySaving: number | null;
  message: string;
  /** Terraform address when the resource is managed by Terraform. */
  address: string | null;
  /** Shell commands, in order (snapshot/backup first). */
  commands: string[];
  /** For Terraform-managed resources: the HCL to add (a `removed` block, or the attribute change). */
  terraform: string | null;
  rollback: string;
}

export interface EstatePlanRecord {
  id: string;
  number: number;
  title: string;
  status: PlanStatus;
  snapshotId: string;
  author: { id: string; username: string };
  decidedBy: { id: string; username: string } | null;
  decisionNote: string | null;
  createdAt: string;
  decidedAt: string | null;
  completedAt: string | null;
  monthlySaving: number;
  owners: string[];
  items: PlanItem[];
  rollback: string;
}

const parse = <T>(s: string | null, dflt: T): T => (s === null ? dflt : (JSON.parse(s) as T));

export function toSnapshot(r: EstateSnapshotsTable): EstateSnapshotRecord {
  return {
    id: r.id,
    takenAt: r.taken_at,
    importedAt: r.imported_at,
    importedBy: r.imported_by,
    source: r.source,
    counts: {
      files: Number(r.files),
      resources: Number(r.resources),
      stateInstances: Number(r.state_instances),
      metricSeries: Number(r.metric_series),
      costRows: Number(r.cost_rows),
      diagnostics: Number(r.diagnostics),
    },
    coverage: {
      pct: r.coverage_pct === null ? null : Number(r.coverage_pct),
      managed: Number(r.managed),
      unmanaged: Number(r.unmanaged),
      missing: Number(r.missing),
      ignored: Number(r.ignored),
      drifted: Number(r.drifted),
    },
    tags: {
      compliancePct: Number(r.tag_compliance_pct),
      spendCompliancePct: r.tag_spend_compliance_pct === null ? null : Number(r.tag_spend_compliance_pct),
      nonCompliant: Number(r.non_compliant),
    },
    waste: {
      findings: Number(r.waste_findings),
      monthlySaving: Number(r.waste_monthly),
      byCategory: parse(r.waste_by_category, {}),
    },
    rightsizing: { findings: Number(r.rightsizing_findings), monthlySaving: Number(r.rightsizing_monthly) },
    cost:
      r.cost_total === null
        ? null
        : {
            total: Number(r.cost_total),
            currency: r.cost_currency ?? 'USD',
            untaggedPct: r.untagged_cost_pct === null ? null : Number(r.untagged_cost_pct),
            byOwner: parse(r.cost_by_owner, []),
          },
  };
}

export function snapshotRow(id: string, importedAt: string, s: NewEstateSnapshot): EstateSnapshotsTable {
  return {
    id,
    taken_at: s.takenAt,
    imported_at: importedAt,
    imported_by: s.importedBy,
    source: s.source,
    files: s.counts.files,
    resources: s.counts.resources,
    state_instances: s.counts.stateInstances,
    metric_series: s.counts.metricSeries,
    cost_rows: s.counts.costRows,
    diagnostics: s.counts.diagnostics,
    coverage_pct: s.coverage.pct,
    managed: s.coverage.managed,
    unmanaged: s.coverage.unmanaged,
    missing: s.coverage.missing,
    ignored: s.coverage.ignored,
    drifted: s.coverage.drifted,
    tag_compliance_pct: s.tags.compliancePct,
    tag_spend_compliance_pct: s.tags.spendCompliancePct,
    non_compliant: s.tags.nonCompliant,
    waste_findings: s.waste.findings,
    waste_monthly: s.waste.monthlySaving,
    waste_by_category: JSON.stringify(s.waste.byCategory),
    rightsizing_findings: s.rightsizing.findings,
    rightsizing_monthly: s.rightsizing.monthlySaving,
    cost_total: s.cost?.total ?? null,
    cost_currency: s.cost?.currency ?? null,
    untagged_cost_pct: s.cost?.untaggedPct ?? null,
    cost_by_owner: JSON.stringify(s.cost?.byOwner ?? []),
    summary: JSON.stringify(s.summary),
  };
}

const lower = (s: string | null | undefined) => (s ? s.toLowerCase() : '');

export function resourceRow(snapshotId: string, r: NewEstateResource): EstateResourcesTable {
  const tagText = Object.entries(r.tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return {
    snapshot_id: snapshotId,
    key: r.key,
    provider: r.provider,
    account: r.account,
    region: r.region,
    type: r.type,
    resource_id: r.id,
    arn: r.arn,
    name: r.name,
    state: r.state,
    created_at: r.createdAt,
    tags: JSON.stringify(r.tags),
    coverage: r.coverage,
    address: r.address,
    drift: r.drift.length ? JSON.stringify(r.drift) : null,
    compliant: r.compliant ? 1 : 0,
    tag_missing: r.missingTags.length ? JSON.stringify(r.missingTags) : null,
    tag_bad: r.badTags.length ? JSON.stringify(r.badTags) : null,
    remediation: r.remediation,
    owner: r.owner,
    monthly_cost: r.monthlyCost,
    billed_cost: r.billedCost,
    findings: r.findings,
    search: `${lower(r.id)} ${lower(r.name)} ${lower(r.arn)} ${lower(r.address)} ${tagText.toLowerCase()}`,
  };
}

export function toResource(r: EstateResourcesTable): EstateResourceRecord {
  return {
    key: r.key,
    snapshotId: r.snapshot_id,
    provider: r.provider,
    account: r.account,
    region: r.region,
    type: r.type,
    id: r.resource_id,
    arn: r.arn,
    name: r.name,
    state: r.state,
    createdAt: r.created_at,
    tags: parse(r.tags, {}),
    coverage: r.coverage as Coverage,
    address: r.address,
    drift: parse(r.drift, []),
    compliant: Number(r.compliant) === 1,
    missingTags: parse(r.tag_missing, []),
    badTags: parse(r.tag_bad, []),
    remediation: r.remediation,
    owner: r.owner,
    monthlyCost: r.monthly_cost === null ? null : Number(r.monthly_cost),
    billedCost: r.billed_cost === null ? null : Number(r.billed_cost),
    findings: Number(r.findings),
  };
}

export function findingRow(id: string, snapshotId: string, f: NewEstateFinding): EstateFindingsTable {
  return {
    id,
    snapshot_id: snapshotId,
    resource_key: f.resourceKey,
    kind: f.kind,
    category: f.category,
    resource_type: f.resourceType,
    resource_id: f.resourceId,
    region: f.region,
    message: f.message,
    monthly_cost: f.monthlyCost,
    monthly_saving: f.monthlySaving,
    evidence: JSON.stringify(f.evidence),
  };
}

export function toFinding(r: EstateFindingsTable): EstateFindingRecord {
  return {
    id: r.id,
    snapshotId: r.snapshot_id,
    resourceKey: r.resource_key,
    kind: r.kind as FindingKind,
    category: r.category,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    region: r.region,
    message: r.message,
    monthlyCost: r.monthly_cost === null ? null : Number(r.monthly_cost),
    monthlySaving: r.monthly_saving === null ? null : Number(r.monthly_saving),
    evidence: parse(r.evidence, {}),
  };
}

export function toPlan(r: EstatePlansTable): EstatePlanRecord {
  return {
    id: r.id,
    number: Number(r.number),
    title: r.title,
    status: r.status as PlanStatus,
    snapshotId: r.snapshot_id,
    author: { id: r.author_id, username: r.author_name },
    decidedBy: r.decided_by_id === null ? null : { id: r.decided_by_id, username: r.decided_by_name ?? '' },
    decisionNote: r.decision_note,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    completedAt: r.completed_at,
    monthlySaving: Number(r.monthly_saving),
    owners: parse(r.owners, []),
    items: parse(r.items, []),
    rollback: r.rollback,
  };
}
