import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api } from '../../lib/api.js';

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** An incident as `GET /api/incidents` and `GET /api/incidents/:id` return it. */
export interface Incident {
  id: string;
  number: number;
  serviceId: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  assigneeId: string | null;
  groupKey: string;
  episode: number;
  createdAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  silenced: boolean;
  alertCount: number;
  firingCount: number;
  labels: Record<string, string>;
}

export interface StoredAlert {
  source: string;
  fingerprint: string;
  dedupKey: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  summary: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string | null;
  generatorUrl: string | null;
  flapping: boolean;
  silencedBy: string | null;
  seenCount: number;
  lastReceivedAt: string;
}

/** One entry of an incident's timeline (src/ops/incident.ts `TimelineEntry`). */
export type TimelineEntry =
  | { at: string; kind: 'alert'; dedupKey: string; status: 'firing' | 'resolved'; summary: string }
  | {
      at: string;
      kind: 'page';
      key: string;
      round: number;
      step: number;
      users: string[];
      /** `schedule:<id>`, `team:<id>` or `user:<id>`; its name is in IncidentDetail `targets`. */
      target: string;
      /** Users the target names who are disabled: not paged. */
      skipped?: string[];
    }
  | { at: string; kind: 'ack'; by: string }
  | {
      at: string;
      kind: 'status';
      from: IncidentStatus | null;
      to: IncidentStatus;
      by?: string;
      reason?: string;
    }
  | { at: string; kind: 'note'; by: string; text: string }
  | { at: string; kind: 'reassign'; from?: string; to: string; by: string }
  | { at: string; kind: 'severity'; from: Severity; to: Severity; by?: string }
  | {
      at: string;
      kind: 'notification';
      channel: string;
      channelType: 'webhook' | 'slack' | 'email';
      to: string;
      user?: string;
      attempt: number;
      outcome: 'delivered' | 'failed' | 'gave-up';
      detail?: string;
    };

export interface IncidentDetail {
  incident: Incident;
  alerts: StoredAlert[];
  timeline: TimelineEntry[];
  metrics: { ttaSeconds: number | null; ttrSeconds: number | null };
  /** Usernames of the user ids in the timeline (paged and notified users too) and the assignee. */
  users: Record<string, string>;
  /** Names of the page entries' targets (`schedule:<id>` → schedule name), absent when deleted. */
  targets: Record<string, string>;
}

export interface IncidentFilters {
  status?: IncidentStatus | undefined;
  serviceId?: string | undefined;
  severity?: Severity | undefined;
}

export interface IncidentPage {
  items: Incident[];
  nextCursor: string | null;
}

export interface RunbookMatch {
  runbook: {
    id: string;
    path: string;
    title: string;
    owner: string;
    services: string[];
    matchers: string[];
    /** `YYYY-MM-DD`. */
    lastReviewed: string;
    /** Not reviewed for more than 90 days. */
    stale: boolean;
    version: number;
  };
  /** The Markdown body (front-matter removed). */
  content: string;
  /** Dedup keys of the alerts it matched. */
  alerts: string[];
}

export interface ServiceSummary {
  id: string;
  name: string;
}

export interface UserSummary {
  id: string;
  username: string;
}

/** How often the incident views poll: the list is "live" without websockets. */
export const LIVE_REFETCH_MS = 5_000;

export async function listIncidents(filters: IncidentFilters, cursor?: string): Promise<IncidentPage> {
  return api.get<IncidentPage>('/api/incidents', {
    query: { ...filters, cursor, limit: 50 },
  });
}

/**
 * The incident list, newest first, one page of 50 per `nextCursor`: the first page is the live
 * one (refetched every few seconds, and with it every page loaded after it, in order, so a new
 * incident moves the others down instead of duplicating one). Changing the filters starts over.
 */
export function useIncidents(filters: IncidentFilters) {
  return useInfiniteQuery({
    queryKey: ['incidents', 'list', filters],
    queryFn: ({ pageParam }) => listIncidents(filters, pageParam ?? undefined),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: LIVE_REFETCH_MS,
    placeholderData: keepPreviousData,
  });
}

/** Open incidents per status, for the counters above the list (same filters, no status). */
export function useIncidentCounts(filters: Omit<IncidentFilters, 'status'>) {
  return useQuery({
    queryKey: ['incidents', 'counts', filters],
    queryFn: async () => {
      const pages = await Promise.all(
        INCIDENT_STATUSES.map((status) =>
          api.get<IncidentPage>('/api/incidents', { query: { ...filters, status, limit: 200 } }),
        ),
      );
      const counts = {} as Record<IncidentStatus, { count: number; more: boolean }>;
      INCIDENT_STATUSES.forEach((status, i) => {
        const page = pages[i]!;
        counts[status] = { count: page.items.length, more: page.nextCursor !== null };
      });
      return counts;
    },
    refetchInterval: LIVE_REFETCH_MS,
  });
}

export function useIncident(id: string) {
  return useQuery({
    queryKey: ['incidents', 'detail', id],
    queryFn: () => api.get<IncidentDetail>(`/api/incidents/${encodeURIComponent(id)}`),
    refetchInterval: LIVE_REFETCH_MS,
  });
}

export function useIncidentRunbooks(id: string) {
  return useQuery({
    queryKey: ['incidents', 'runbooks', id],
    queryFn: async () => {
      const res = await api.get<{ items: RunbookMatch[] }>(
        `/api/incidents/${encodeURIComponent(id)}/runbooks`,
      );
      return res.items;
    },
  });
}

export function useServices() {
  return useQuery({
    queryKey: ['services'],
    queryFn: async () => (await api.get<{ items: ServiceSummary[] }>('/api/services')).items,
    staleTime: 60_000,
  });
}

/** Users for pickers and names; only fetched for callers who may list users. */
export function useUsers(enabled: boolean) {
  return useQuery({
    queryKey: ['users'],
    queryFn: async () => (await api.get<{ users: UserSummary[] }>('/api/users')).users,
    enabled,
    staleTime: 60_000,
  });
}

export type IncidentAction =
  | { type: 'acknowledge' }
  | { type: 'resolve'; reason?: string }
  | { type: 'reopen'; reason?: string }
  | { type: 'notes'; text: string }
  | { type: 'reassign'; to: string }
  | { type: 'severity'; severity: Severity };

function actionBody(action: IncidentAction): object {
  switch (action.type) {
    case 'acknowledge':
      return {};
    case 'resolve':
    case 'reopen':
      return action.reason === undefined ? {} : { reason: action.reason };
    case 'notes':
      return { text: action.text };
    case 'reassign':
      return { userId: action.to };
    case 'severity':
      return { severity: action.severity };
  }
}

export async function applyAction(id: string, action: IncidentAction): Promise<Incident> {
  const res = await api.post<{ incident: Incident }>(
    `/api/incidents/${encodeURIComponent(id)}/${action.type}`,
    actionBody(action),
  );
  return res.incident;
}

export function useIncidentAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: IncidentAction) => applyAction(id, action),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['incidents'] }),
  });
}

/** The incident as a signed link shows it (no sign-in: a summary only). */
export interface LinkIncident {
  id: string;
  number: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  serviceId: string;
  createdAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
}

/** What a signed link (sent in a notification) would do, as `GET /api/links/:token` describes it. */
export interface SignedLinkDescription {
  incident: LinkIncident;
  action: 'acknowledge' | 'resolve';
  expiresAt: string;
  user: { id: string; username: string };
  /** False when the incident's status no longer allows the action. */
  applicable: boolean;
}

export function useSignedLink(token: string) {
  return useQuery({
    queryKey: ['links', token],
    queryFn: () => api.get<SignedLinkDescription>(`/api/links/${encodeURIComponent(token)}`),
    retry: false,
  });
}

export function usePerformSignedLink(token: string) {
  return useMutation({
    mutationFn: () =>
      api.post<{ incident: LinkIncident; action: string }>(`/api/links/${encodeURIComponent(token)}`, {}),
  });
}
