/**
 * The alerts the ingest benchmarks send (bench/ingest.bench.ts, bench/ingest-path.bench.ts): unique
 * per request (labels and fingerprint vary, so deduplication does not make them trivial), grouped
 * into GROUPS Alertmanager groups (route group_by: alertname, group).
 */
import { randomBytes } from 'node:crypto';

const GROUPS = 100;

const RUN_TAG = randomBytes(3).toString('hex');
let sequence = 0;

export interface BenchAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
}

/** `n` new alerts of one group; the fingerprint (16 hex digits) is unique in this run. */
export function nextAlerts(n: number): { group: string; alerts: BenchAlert[] } {
  const group = `g${sequence % GROUPS}`;
  const startsAt = new Date().toISOString();
  const alerts: BenchAlert[] = [];
  for (let i = 0; i < n; i++) {
    const seq = sequence++;
    const fingerprint = `${RUN_TAG}${seq.toString(16).padStart(10, '0')}`;
    alerts.push({
      fingerprint,
      labels: {
        alertname: 'BenchHighLatency',
        group,
        instance: `10.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}:9100`,
        job: 'node',
        severity: seq % 3 === 0 ? 'critical' : 'warning',
      },
      annotations: {
        summary: `p99 latency above 2 s on instance ${seq}`,
        runbook_url: 'https://runbooks/latency',
      },
      startsAt,
    });
  }
  return { group, alerts };
}

/** Alertmanager's `POST /api/v2/alerts` body (postableAlerts). */
export function alertmanagerBody(alerts: BenchAlert[]): string {
  return JSON.stringify(
    alerts.map((a) => ({
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      generatorURL: 'http://prometheus:9090/graph?g0.expr=latency',
    })),
  );
}

/** What Alertmanager 0.25's webhook receiver POSTs for one group (version 4). */
export function webhookBody(group: string, alerts: BenchAlert[]): string {
  const common = { alertname: 'BenchHighLatency', group, job: 'node' };
  return JSON.stringify({
    receiver: 'opsdeck',
    status: 'firing',
    alerts: alerts.map((a) => ({
      status: 'firing',
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=latency',
      fingerprint: a.fingerprint,
    })),
    groupLabels: { alertname: 'BenchHighLatency', group },
    commonLabels: common,
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: `{}:{alertname="BenchHighLatency", group="${group}"}`,
    truncatedAlerts: 0,
  });
}
