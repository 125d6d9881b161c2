import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.js';

export const SOURCES = [
  { value: 'alertmanager', label: 'Prometheus Alertmanager' },
  { value: 'grafana', label: 'Grafana alerting' },
  { value: 'cloudwatch', label: 'AWS CloudWatch (SNS)' },
  { value: 'azure-monitor', label: 'Azure Monitor' },
  { value: 'gcp-monitoring', label: 'Google Cloud Monitoring' },
  { value: 'pagerduty', label: 'PagerDuty Events v2 compatible' },
] as const;
export type Source = (typeof SOURCES)[number]['value'];

export function sourceLabel(source: string): string {
  return SOURCES.find((s) => s.value === source)?.label ?? source;
}

/** An integration as the API shows it: never the key, only its first characters. */
export interface Integration {
  id: string;
  name: string;
  source: Source;
  keyPrefix: string;
  ingestUrl: string;
  createdBy: string;
  createdAt: string;
  disabled: boolean;
  authFailures: number;
  resolveTimeoutMinutes: number | null;
  lastReceivedAt: string | null;
}

/** What create and rotate-key return: the key in clear, this once. */
export interface IntegrationWithKey {
  integration: Integration;
  key: string;
  ingestUrl?: string;
}

export interface DeadLetter {
  id: string;
  integrationId: string;
  receivedAt: string;
  contentType: string | null;
  body?: string;
  bodyBytes: number;
  truncated: boolean;
  errorCode: string;
  path: string;
  message: string;
}

const enc = encodeURIComponent;
const key = ['integrations'] as const;

export function useIntegrations() {
  return useQuery({
    queryKey: key,
    queryFn: async () => (await api.get<{ items: Integration[] }>('/api/integrations')).items,
    refetchInterval: 15_000,
  });
}

export function useCreateIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; source: Source; resolveTimeoutMinutes?: number }) =>
      api.post<IntegrationWithKey>('/api/integrations', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useRotateKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<IntegrationWithKey>(`/api/integrations/${enc(id)}/rotate-key`, {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useUpdateIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...patch }: { id: string; disabled?: boolean; name?: string }) =>
      api.patch<{ integration: Integration }>(`/api/integrations/${enc(id)}`, patch),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useDeleteIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/integrations/${enc(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useDeadLetters(integrationId: string | null) {
  return useQuery({
    queryKey: ['dead-letters', integrationId],
    queryFn: async () =>
      (await api.get<{ items: DeadLetter[] }>(`/api/integrations/${enc(integrationId!)}/dead-letters`)).items,
    enabled: integrationId !== null,
  });
}

export function useDeadLetter(id: string | null) {
  return useQuery({
    queryKey: ['dead-letter', id],
    queryFn: async () =>
      (await api.get<{ deadLetter: DeadLetter }>(`/api/dead-letters/${enc(id!)}`)).deadLetter,
    enabled: id !== null,
  });
}
