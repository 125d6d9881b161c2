import { useMutation, useQuery, keepPreviousData } from '@tanstack/react-query';
import { api } from '../../lib/api.js';

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  summary: string;
  before: unknown;
  after: unknown;
  hash: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextBefore: number | null;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstBad?: { seq: number; reason: string };
}

export const AUDIT_PAGE_SIZE = 50;

export async function listAudit(before: number | null): Promise<AuditPage> {
  return api.get<AuditPage>('/api/audit', {
    query: { limit: AUDIT_PAGE_SIZE, before: before ?? undefined },
  });
}

export async function verifyAudit(): Promise<AuditVerification> {
  return api.get<AuditVerification>('/api/audit/verify');
}

export function useAuditPage(before: number | null) {
  return useQuery({
    queryKey: ['audit', { before }],
    queryFn: () => listAudit(before),
    placeholderData: keepPreviousData,
  });
}

/** Verification reads the whole chain, so it runs when asked, not on every render. */
export function useVerifyAudit() {
  return useMutation({ mutationFn: verifyAudit });
}
