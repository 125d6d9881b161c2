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
