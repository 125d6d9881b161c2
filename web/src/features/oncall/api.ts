import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.js';

export type Rotation = { type: 'daily' } | { type: 'weekly' } | { type: 'hours'; hours: number };

export interface ScheduleLayer {
  id: string;
  users: string[];
  rotation: Rotation;
  /** First handoff, wall-clock `YYYY-MM-DDTHH:mm` in `timeZone`. */
  start: string;
  timeZone: string;
  end?: string;
}

export interface ScheduleOverride {
  id: string;
  user: string;
  username: string | null;
  start: string;
  end: string;
  comment: string;
  createdBy: string;
  createdAt: string;
}

export interface Schedule {
  id: string;
  name: string;
  description: string;
  timeZone: string;
  teamId: string | null;
  layers: ScheduleLayer[];
  overrides: ScheduleOverride[];
  createdAt: string;
  updatedAt: string;
}

export interface ScheduleInput {
  name: string;
  description?: string;
  timeZone: string;
  layers: ScheduleLayer[];
}

export interface Shift {
  user: string;
  username: string | null;
  via: string;
  start: string;
  end: string;
}

/** One schedule in `GET /api/on-call`: who now (since, until when) and who is next. */
export interface OnCallNow {
  scheduleId: string;
  scheduleName: string;
  at: string;
  onCall: {
    user: string;
    username: string | null;
    via: string;
    /** null: more than 60 days ago. */
    since: string | null;
    /** null: not within 60 days. */
    until: string | null;
  } | null;
  next: Shift | null;
}

export type EscalationTarget = { type: 'user' | 'schedule' | 'team'; id: string };

export interface EscalationStep {
  targets: EscalationTarget[];
  delayMinutes: number;
}

export interface EscalationPolicy {
  id: string;
  name: string;
  description: string;
  steps: EscalationStep[];
  repeat: number;
  ackTimeoutMinutes: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface EscalationPolicyInput {
  name: string;
  description?: string;
  steps: EscalationStep[];
  repeat: number;
  ackTimeoutMinutes?: number | null;
}

export interface Team {
  id: string;
  name: string;
  members: { id: string; username: string | null }[];
}

export interface UserSummary {
  id: string;
  username: string;
}

const enc = encodeURIComponent;

export function useOnCallNow() {
  return useQuery({
    queryKey: ['on-call'],
    queryFn: async () => (await api.get<{ items: OnCallNow[] }>('/api/on-call')).items,
    refetchInterval: 30_000,
  });
}

export function useSchedules() {
  return useQuery({
    queryKey: ['schedules'],
    queryFn: async () => (await api.get<{ items: Schedule[] }>('/api/schedules')).items,
  });
}

export function useSchedule(id: string | undefined) {
  return useQuery({
    queryKey: ['schedules', id],
    queryFn: async () => (await api.get<{ schedule: Schedule }>(`/api/schedules/${enc(id!)}`)).schedule,
    enabled: id !== undefined,
  });
}

export function useShifts(id: string | undefined, from: string, to: string) {
  return useQuery({
    queryKey: ['schedules', id, 'shifts', from, to],
    queryFn: async () =>
      (await api.get<{ items: Shift[] }>(`/api/schedules/${enc(id!)}/shifts`, { query: { from, to } })).items,
    enabled: id !== undefined,
  });
}

export function useSaveSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, input }: { id?: string; input: ScheduleInput }) => {
      const res = id
        ? await api.patch<{ schedule: Schedule }>(`/api/schedules/${enc(id)}`, input)
        : await api.post<{ schedule: Schedule }>('/api/schedules', input);
      return res.schedule;
    },
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['schedules'] }),
        queryClient.invalidateQueries({ queryKey: ['on-call'] }),
      ]),
  });
}

export function useDeleteSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/schedules/${enc(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['schedules'] }),
  });
}

export function useAddOverride(scheduleId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { user: string; start: string; end: string; comment?: string }) =>
      api.post(`/api/schedules/${enc(scheduleId)}/overrides`, input),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['schedules'] }),
        queryClient.invalidateQueries({ queryKey: ['on-call'] }),
      ]),
  });
}

export function useEscalationPolicies() {
  return useQuery({
    queryKey: ['escalation-policies'],
    queryFn: async () => (await api.get<{ items: EscalationPolicy[] }>('/api/escalation-policies')).items,
  });
}

export function useSaveEscalationPolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, input }: { id?: string; input: EscalationPolicyInput }) => {
      const res = id
        ? await api.patch<{ policy: EscalationPolicy }>(`/api/escalation-policies/${enc(id)}`, input)
        : await api.post<{ policy: EscalationPolicy }>('/api/escalation-policies', input);
      return res.policy;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['escalation-policies'] }),
  });
}

export function useDeleteEscalationPolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/escalation-policies/${enc(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['escalation-policies'] }),
  });
}

export function useTeams() {
  return useQuery({
    queryKey: ['teams'],
    queryFn: async () => (await api.get<{ items: Team[] }>('/api/teams')).items,
    staleTime: 60_000,
  });
}

export function useUsers(enabled: boolean) {
  return useQuery({
    queryKey: ['users'],
    queryFn: async () => (await api.get<{ users: UserSummary[] }>('/api/users')).users,
    enabled,
    staleTime: 60_000,
  });
}

/** A service as `GET /api/services` returns it. */
export interface Service {
  id: string;
  name: string;
  description: string;
  teamId: string | null;
  escalationPolicyId: string | null;
  /** Label names grouping alerts into incidents; null: the source's own group key. */
  groupBy: string[] | null;
  createdAt: string;
  updatedAt: string;
}

export interface ServiceInput {
  name: string;
  description?: string;
  teamId?: string | null;
  escalationPolicyId?: string | null;
  groupBy?: string[] | null;
}

export const ALERT_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export const ALERT_SOURCES = [
  'alertmanager',
  'grafana',
  'cloudwatch',
  'azure-monitor',
  'gcp-monitoring',
  'pagerduty',
] as const;

export interface RoutingRule {
  id: string;
  serviceId: string;
  matchers: string[];
  /** null: any severity. */
  severities: string[] | null;
  /** null: any source. */
  sources: string[] | null;
  description: string;
}

export interface RoutingRuleInput {
  serviceId: string;
  matchers: string[];
  severities?: string[];
  sources?: string[];
  description?: string;
}

export interface RoutingRules {
  items: RoutingRule[];
  /** Where alerts that no rule matches go. */
  defaultServiceId: string;
}

export interface Silence {
  id: string;
  kind: 'one-off' | 'recurring';
  matchers: string[];
  comment: string;
  createdBy: string;
  createdAt: string;
  /** Set when someone ended it early. */
  expiredAt: string | null;
  startsAt?: string;
  endsAt?: string;
  timeZone?: string;
  /** 1 = Monday ... 7 = Sunday; null: every day. */
  days?: number[] | null;
  start?: string;
  end?: string;
  validFrom?: string | null;
  validUntil?: string | null;
  /** In effect now (server clock). */
  active: boolean;
}

export type SilenceInput =
  | { kind: 'one-off'; matchers: string[]; comment?: string; startsAt?: string; endsAt: string }
  | {
      kind: 'recurring';
      matchers: string[];
      comment?: string;
      timeZone: string;
      days?: number[];
      start: string;
      end: string;
      validFrom?: string;
      validUntil?: string;
    };

export function useOncallServices() {
  return useQuery({
    queryKey: ['services'],
    queryFn: async () => (await api.get<{ items: Service[] }>('/api/services')).items,
  });
}

export function useSaveService() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, input }: { id?: string; input: ServiceInput }) => {
      const res = id
        ? await api.patch<{ service: Service }>(`/api/services/${enc(id)}`, input)
        : await api.post<{ service: Service }>('/api/services', input);
      return res.service;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['services'] }),
  });
}

export function useDeleteService() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/services/${enc(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['services'] }),
  });
}

export function useRoutingRules() {
  return useQuery({
    queryKey: ['routing-rules'],
    queryFn: () => api.get<RoutingRules>('/api/routing-rules'),
  });
}

/** Replaces the whole ordered list (the API has no per-rule endpoints). */
export function useReplaceRoutingRules() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (rules: RoutingRuleInput[]) => api.put<RoutingRules>('/api/routing-rules', { rules }),
    onSuccess: (saved) => queryClient.setQueryData(['routing-rules'], saved),
  });
}

export function useSilences() {
  return useQuery({
    queryKey: ['silences'],
    queryFn: async () =>
      (await api.get<{ items: Silence[] }>('/api/silences', { query: { state: 'all' } })).items,
    refetchInterval: 30_000,
  });
}

export function useCreateSilence() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: SilenceInput) =>
      (await api.post<{ silence: Silence }>('/api/silences', input)).silence,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['silences'] }),
  });
}

export function useExpireSilence() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post(`/api/silences/${enc(id)}/expire`, {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['silences'] }),
  });
}

export function useDeleteSilence() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/silences/${enc(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['silences'] }),
  });
}
