import { Type } from 'typebox';

const Nullable = <T extends 'string' | 'number' | 'integer'>(type: T, extra: Record<string, unknown> = {}) =>
  Type.Unsafe<T extends 'string' ? string | null : number | null>({ type: [type, 'null'], ...extra });

const NullableTime = Nullable('string', { format: 'date-time' });
const Money = Nullable('number', {
  description: 'USD per month (730 hours); null when the catalog has no price',
});

export const AmountView = Type.Object({ key: Type.String(), cost: Type.Number() });

export const SnapshotView = Type.Object({
  id: Type.String(),
  takenAt: Type.String({ format: 'date-time' }),
  importedAt: Type.String({ format: 'date-time' }),
  importedBy: Type.String(),
  source: Type.String(),
  counts: Type.Object({
    files: Type.Integer(),
    resources: Type.Integer(),
    stateInstances: Type.Integer(),
    metricSeries: Type.Integer(),
    costRows: Type.Integer(),
    diagnostics: Type.Integer(),
  }),
  coverage: Type.Object({
    pct: Nullable('number'),
    managed: Type.Integer(),
    unmanaged: Type.Integer(),
    missing: Type.Integer(),
    ignored: Type.Integer(),
    drifted: Type.Integer(),
  }),
  tags: Type.Object({
    compliancePct: Type.Number(),
    spendCompliancePct: Nullable('number'),
    nonCompliant: Type.Integer(),
  }),
  waste: Type.Object({
    findings: Type.Integer(),
    monthlySaving: Type.Number(),
    byCategory: Type.Record(
      Type.String(),
      Type.Object({ count: Type.Integer(), monthlySaving: Type.Number() }),
    ),
  }),
  rightsizing: Type.Object({ findings: Type.Integer(), monthlySaving: Type.Number() }),
  cost: Type.Union([
    Type.Object({
      total: Type.Number(),
      currency: Type.String(),
      untaggedPct: Nullable('number'),
      byOwner: Type.Array(AmountView),
    }),
    Type.Null(),
  ]),
});

export const TrendPointView = Type.Object({
  snapshotId: Type.String(),
  takenAt: Type.String({ format: 'date-time' }),
  resources: Type.Integer(),
  coveragePct: Nullable('number'),
  managed: Type.Integer(),
  unmanaged: Type.Integer(),
  missing: Type.Integer(),
  drifted: Type.Integer(),
  tagCompliancePct: Type.Number(),
  tagSpendCompliancePct: Nullable('number'),
  wasteMonthly: Type.Number(),
  wasteByCategory: Type.Record(Type.String(), Type.Number()),
  rightsizingMonthly: Type.Number(),
  costTotal: Nullable('number'),
  costByOwner: Type.Array(AmountView),
});

const CoverageOut = Type.Unsafe<'managed' | 'unmanaged' | 'ignored'>({
  type: 'string',
  enum: ['managed', 'unmanaged', 'ignored'],
});

export const ResourceView = Type.Object({
  key: Type.String({
    description: 'Stable id of the resource across snapshots (use in /api/estate/resources/{id})',
  }),
  snapshotId: Type.String(),
  provider: Type.String(),
  account: Nullable('string'),
  region: Nullable('string'),
  type: Type.String(),
  id: Type.String({ description: "The cloud's id (vol-..., ARN, Azure resource id...)" }),
  arn: Nullable('string'),
  name: Nullable('string'),
  state: Nullable('string'),
  createdAt: Nullable('string'),
  tags: Type.Record(Type.String(), Type.String()),
  coverage: CoverageOut,
  address: Nullable('string'),
  drift: Type.Array(Type.Object({ field: Type.String(), state: Type.Unknown(), live: Type.Unknown() })),
  compliant: Type.Boolean(),
  missingTags: Type.Array(Type.String()),
  badTags: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
  remediation: Nullable('string'),
  owner: Nullable('string'),
  monthlyCost: Money,
  billedCost: Nullable('number', {
    description: 'FOCUS BilledCost of the resource over the imported export',
  }),
  findings: Type.Integer(),
});

export const FindingView = Type.Object({
  id: Type.String(),
  snapshotId: Type.String(),
  resourceKey: Type.String(),
  kind: Type.Unsafe<'waste' | 'rightsizing'>({ type: 'string', enum: ['waste', 'rightsizing'] }),
  category: Type.String(),
  resourceType: Type.String(),
  resourceId: Type.String(),
  region: Nullable('string'),
  message: Type.String(),
  monthlyCost: Money,
  monthlySaving: Money,
  evidence: Type.Record(Type.String(), Type.Unknown()),
});

export const PlanItemView = Type.Object({
  findingId: Type.String(),
  category: Type.String(),
  resourceKey: Type.String(),
  resourceType: Type.String(),
  resourceId: Type.String(),
  region: Nullable('string'),
  account: Nullable('string'),
  owner: Nullable('string'),
  monthlySaving: Money,
  message: Type.String(),
  address: Nullable('string'),
  commands: Type.Array(Type.String(), {
    description: 'Printed for a person to run after approval; never run by opsdeck',
  }),
  terraform: Nullable('string'),
  rollback: Type.String(),
});

const PlanStatusOut = Type.Unsafe<'draft' | 'approved' | 'rejected' | 'completed'>({
  type: 'string',
  enum: ['draft', 'approved', 'rejected', 'completed'],
});
const UserRef = Type.Object({ id: Type.String(), username: Type.String() });

export const PlanView = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  title: Type.String(),
  status: PlanStatusOut,
  snapshotId: Type.String(),
  author: UserRef,
  decidedBy: Type.Union([UserRef, Type.Null()]),
  decisionNote: Nullable('string'),
  createdAt: Type.String({ format: 'date-time' }),
  decidedAt: NullableTime,
  completedAt: NullableTime,
  monthlySaving: Type.Number(),
  owners: Type.Array(Type.String()),
  items: Type.Array(PlanItemView),
  rollback: Type.String(),
});
