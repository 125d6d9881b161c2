import type { IncidentStatus, Severity } from './api.js';

export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: 'red',
  error: 'orange',
  warning: 'yellow',
  info: 'blue',
};

export const STATUS_COLOR: Record<IncidentStatus, string> = {
  triggered: 'red',
  acknowledged: 'yellow',
  resolved: 'green',
};

/** A duration for people: `45s`, `12m`, `3h 5m`, `2d 4h`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** Time since `iso` until `now` (or until `end` when the thing has ended). */
export function formatAge(iso: string, end?: string | null, now = Date.now()): string {
  const to = end ? Date.parse(end) : now;
  return formatDuration((to - Date.parse(iso)) / 1000);
}
