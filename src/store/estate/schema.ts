/** Tables of the estate context: estate snapshots, resources, findings, history and decommission plans. Conventions as in ../schema.ts. */

/** One pushed snapshot and the figures trends are drawn from (one point per snapshot). */
export interface EstateSnapshotsTable {
  id: string;
  /** When the inventory was taken (the snapshot's `takenAt`). */
  taken_at: string;
  /** When the server stored it. */
  imported_at: string;
  /** `user:<name>` or `token:<name>` of the caller that pushed it. */
  imported_by: string;
  source: string;
  files: number;
  resources: number;
  state_instances: number;
  metric_series: number;
  cost_rows: number;
  diagnostics: number;
  /** driftctl's managed / (managed + unmanaged + missing), percent; null with nothing to count. */
  coverage_pct: number | null;
  managed: number;
  unmanaged: number;
  missing: number;
  ignored: number;
  drifted: number;
  tag_compliance_pct: number;
  tag_spend_compliance_pct: number | null;
  non_compliant: number;
  waste_findings: number;
  waste_monthly: number;
  /** JSON `{ [category]: { count, monthlySaving } }`. */
  waste_by_category: string;
  rightsizing_findings: number;
  rightsizing_monthly: number;
  cost_total: number | null;
  cost_currency: string | null;
  untagged_cost_pct: number | null;
  /** JSON `[{ key, cost }]` (FOCUS BilledCost by owner tag). */
  cost_by_owner: string;
  /** JSON: the report without its per-resource lists (inventory, coverage counts, tag breakdowns, cost summary, certificates, diagnostics). */
  summary: string;
}

/** A live resource as seen in one snapshot. */
export interface EstateResourcesTable {
  snapshot_id: string;
  /** Stable across snapshots: hash of provider, type and cloud id (URL-safe). */
  key: string;
  provider: string;
  account: string | null;
  region: string | null;
  type: string;
  resource_id: string;
  arn: string | null;
  name: string | null;
  state: string | null;
  created_at: string | null;
  /** JSON object. */
  tags: string;
  /** `managed` | `unmanaged` | `ignored`. */
  coverage: string;
  /** Terraform address when managed. */
  address: string | null;
  /** JSON `[{ field, state, live }]` or NULL. */
  drift: string | null;
  compliant: number;
  /** JSON string[] or NULL when compliant. */
  tag_missing: string | null;
  /** JSON `[{ key, value }]` or NULL. */
  tag_bad: string | null;
  remediation: string | null;
  owner: string | null;
  /** Catalog price per month (730 h) for priced types, USD. */
  monthly_cost: number | null;
  /** FOCUS BilledCost of the resource over the export, when cost rows were imported. */
  billed_cost: number | null;
  findings: number;
  /** Lowercased id, name, ARN and tags, for the explorer's search. */
  search: string;
}

/** A waste or right-sizing finding of one snapshot. */
export interface EstateFindingsTable {
  id: string;
  snapshot_id: string;
  resource_key: string;
  /** `waste` | `rightsizing`. */
  kind: string;
  category: string;
  resource_type: string;
  resource_id: string;
  region: string | null;
  message: string;
  monthly_cost: number | null;
  monthly_saving: number | null;
  /** JSON object. */
  evidence: string;
}

export interface EstatePlansTable {
  id: string;
  number: number;
  title: string;
  /** `draft` | `approved` | `rejected` | `completed`. */
  status: string;
  snapshot_id: string;
  author_id: string;
  author_name: string;
  decided_by_id: string | null;
  decided_by_name: string | null;
  decision_note: string | null;
  created_at: string;
  decided_at: string | null;
  completed_at: string | null;
  monthly_saving: number;
  /** JSON string[]. */
  owners: string;
  /** JSON PlanItem[]. */
  items: string;
  rollback: string;
}

export interface EstateTables {
  estate_snapshots: EstateSnapshotsTable;
  estate_resources: EstateResourcesTable;
  estate_findings: EstateFindingsTable;
  estate_plans: EstatePlansTable;
}
