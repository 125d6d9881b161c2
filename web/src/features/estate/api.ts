/**
 * The estate API as the dashboard uses it: snapshots and their figures, trends, the resource
 * explorer, waste findings and decommission plans. Shapes follow src/server/routes/estate/views.ts.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.js';

export interface Amount {
  key: string;
  cost: number;
}

export interface EstateSnapshot {
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

export interface TrendPoint {
  snapshotId: string;
  takenAt: string;
  resources: number;
  coveragePct: number | null;
  managed: number;
  unmanaged: number;
  missing: number;
  drifted: number;
  tagCompliancePct: number;
  tagSpendCompliancePct: number | null;
  wasteMonthly: number;
  wasteByCategory: Record<string, number>;
  rightsizingMonthly: number;
  costTotal: number | null;
  costByOwner: Amount[];
}

export type Coverage = 'managed' | 'unmanaged' | 'ignored';

export interface EstateResource {
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

export interface EstateFinding {
  id: string;
  snapshotId: string;
  resourceKey: string;
  kind: 'waste' | 'rightsizing';
  category: string;
  resourceType: string;
  resourceId: string;
  region: string | null;
  message: string;
  monthlyCost: number | null;
  monthlySaving: number | null;
  evidence: Record<string, unknown>;
}

export interface ResourceHistoryPoint {
  snapshotId: string;
  takenAt: string;
  coverage: Coverage;
  compliant: boolean;
  monthlyCost: number | null;
  findings: number;
}

export interface ResourceDetail {
  resource: EstateResource;
  findings: EstateFinding[];
  history: ResourceHistoryPoint[];
}

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
  address: string | null;
  commands: string[];
  terraform: string | null;
  rollback: string;
}

export type PlanStatus = 'draft' | 'approved' | 'rejected' | 'completed';

export interface EstatePlan {
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

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ResourceQuery {
  q?: string;
  type?: string;
  account?: string;
  provider?: string;
  managed?: 'true' | 'false';
  compliant?: 'true' | 'false';
  cursor?: string;
  limit?: number;
}

/** 30/14/7-day thresholds: expired (< 0), critical (<= 7), warning (<= 14), notice (<= 30), ok. */
export type ExpiryLevel = 'expired' | 'critical' | 'warning' | 'notice' | 'ok';

export interface CertTarget {
  id: string;
  host: string;
  port: number;
  servername: string | null;
  addedBy: string;
  createdAt: string;
}

export interface CertResult {
  id: string;
  checkedAt: string;
  /** invalid: hostname mismatch, untrusted chain or weak key; error: could not be checked. */
  status: 'ok' | 'invalid' | 'error';
  level: ExpiryLevel | null;
  daysToExpiry: number | null;
  notAfter: string | null;
  check: {
    error: { code: string; reason: string; message: string } | null;
    chain: Array<{ subject: string; issuer: string; commonName: string | null }>;
    problems: string[];
  };
}

export interface AcmCertificate {
  arn: string;
  domain: string;
  notAfter: string | null;
  daysToExpiry: number | null;
  level: ExpiryLevel | null;
  status: string | null;
  inUse: boolean | null;
}

export interface CertsResponse {
  items: Array<{ target: CertTarget; latest: CertResult | null }>;
  acm: { snapshotId: string | null; takenAt: string | null; certificates: AcmCertificate[] };
}

const enc = encodeURIComponent;

export interface SummaryResponse {
  /** `null` when nothing was pushed yet. */
  snapshot: EstateSnapshot | null;
  /** The snapshot before it, for deltas. */
  previous: EstateSnapshot | null;
}

export interface CostMonth {
  key: string;
  cost: number;
  changePct: number | null;
}

export interface CostSummary {
  metric: string;
  currency: string;
  total: number;
  untaggedPct: number;
  byOwner: Amount[];
  byService: Amount[];
  byMonth: CostMonth[];
  topResources: Amount[];
}

export async function getSummary(): Promise<SummaryResponse> {
  return api.get<SummaryResponse>('/api/estate/summary');
}

export async function getTrends(days: number): Promise<TrendPoint[]> {
  const res = await api.get<{ points: TrendPoint[] }>('/api/estate/trends', { query: { days } });
  return res.points;
}

export async function getCost(): Promise<CostSummary | null> {
  const res = await api.get<{ cost: CostSummary | null }>('/api/estate/cost');
  return res.cost;
}

export async function searchResources(q: ResourceQuery): Promise<Page<EstateResource>> {
  return api.get<Page<EstateResource>>('/api/estate/resources', { query: { ...q } });
}

export async function getResource(key: string): Promise<ResourceDetail> {
  return api.get<ResourceDetail>(`/api/estate/resources/${enc(key)}`);
}

export async function listWaste(): Promise<EstateFinding[]> {
  const res = await api.get<{ items: EstateFinding[] }>('/api/estate/waste');
  return res.items;
}

export async function listPlans(): Promise<EstatePlan[]> {
  const res = await api.get<{ items: EstatePlan[] }>('/api/estate/plans');
  return res.items;
}

export async function getPlan(id: string): Promise<EstatePlan> {
  const res = await api.get<{ plan: EstatePlan }>(`/api/estate/plans/${enc(id)}`);
  return res.plan;
}

export async function createPlan(input: { title: string; findingIds: string[] }): Promise<EstatePlan> {
  const res = await api.post<{ plan: EstatePlan }>('/api/estate/plans', input);
  return res.plan;
}

export type PlanDecision = 'approve' | 'reject' | 'complete';

export async function decidePlan(id: string, decision: PlanDecision, note?: string): Promise<EstatePlan> {
  const res = await api.post<{ plan: EstatePlan }>(
    `/api/estate/plans/${enc(id)}/${decision}`,
    note ? { note } : {},
  );
  return res.plan;
}

export async function listCertificates(): Promise<CertsResponse> {
  return api.get<CertsResponse>('/api/certs');
}

export async function addCertTarget(input: {
  host: string;
  port?: number;
  servername?: string;
}): Promise<CertTarget> {
  const res = await api.post<{ target: CertTarget }>('/api/certs/targets', input);
  return res.target;
}

export async function removeCertTarget(id: string): Promise<void> {
  await api.delete(`/api/certs/targets/${enc(id)}`);
}

export async function checkCertsNow(targetIds?: string[]): Promise<void> {
  await api.post('/api/certs/check', targetIds ? { targetIds } : {});
}

export function useEstateSummary() {
  return useQuery({ queryKey: ['estate', 'summary'], queryFn: getSummary });
}

export function useEstateCost() {
  return useQuery({ queryKey: ['estate', 'cost'], queryFn: getCost });
}

export function useEstateTrends(days: number) {
  return useQuery({ queryKey: ['estate', 'trends', days], queryFn: () => getTrends(days) });
}

export function useResources(q: ResourceQuery) {
  return useQuery({
    queryKey: ['estate', 'resources', q],
    queryFn: () => searchResources(q),
    placeholderData: keepPreviousData,
  });
}

export function useResource(key: string) {
  return useQuery({ queryKey: ['estate', 'resource', key], queryFn: () => getResource(key) });
}

export function useWaste() {
  return useQuery({ queryKey: ['estate', 'waste'], queryFn: listWaste });
}

export function usePlans() {
  return useQuery({ queryKey: ['estate', 'plans'], queryFn: listPlans });
}

export function usePlan(id: string) {
  return useQuery({ queryKey: ['estate', 'plan', id], queryFn: () => getPlan(id) });
}

export function useCertificates() {
  return useQuery({ queryKey: ['estate', 'certificates'], queryFn: listCertificates });
}

function useCertsMutation<T, R>(fn: (v: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['estate', 'certificates'] }),
  });
}

export const useAddCertTarget = () => useCertsMutation(addCertTarget);
export const useRemoveCertTarget = () => useCertsMutation(removeCertTarget);
export const useCheckCertsNow = () => useCertsMutation((ids: string[] | undefined) => checkCertsNow(ids));

export function useCreatePlan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createPlan,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['estate', 'plans'] }),
  });
}

export function useDecidePlan(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (v: { decision: PlanDecision; note?: string }) => decidePlan(id, v.decision, v.note),
    onSuccess: (plan) => {
      queryClient.setQueryData(['estate', 'plan', id], plan);
      return queryClient.invalidateQueries({ queryKey: ['estate', 'plans'] });
    },
  });
}
