import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AlertSource, NormalizeResult, NormalizedBatch, Severity } from '../alert.js';
import { normalize as alertmanager } from './alertmanager.js';
import { normalize as azureMonitor } from './azure-monitor.js';
import { normalize as cloudwatch } from './cloudwatch.js';
import { normalize as gcpMonitoring } from './gcp-monitoring.js';
import { normalize as grafana } from './grafana.js';
import { normalizers } from './index.js';
import { normalize as pagerduty } from './pagerduty.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}.json`, import.meta.url), 'utf8'));

/** CloudWatch arrives as text/plain: feed it the raw text like the adapter will. */
const text = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}.json`, import.meta.url), 'utf8');

const RECEIVED = '2026-11-20T12:30:00.000Z';

interface Case {
  source: AlertSource;
  run: (body: unknown) => NormalizeResult;
  firing: unknown;
  resolved: unknown;
  severity: Severity;
  fingerprint: string;
  alertname: string;
  startsAt: string;
  resolvedEndsAt: string;
  malformed: unknown;
  malformedPath: string;
}

const cases: Case[] = [
  {
    source: 'alertmanager',
    run: alertmanager,
    firing: fixture('alertmanager-firing'),
    resolved: fixture('alertmanager-resolved'),
    severity: 'critical',
    fingerprint: '5f1d0c2a9b7e3c41',
    alertname: 'ApiLatencyHigh',
    startsAt: '2026-11-20T08:00:00.123Z',
    resolvedEndsAt: '2026-11-20T08:12:00.000Z',
    malformed: {
      version: '4',
      groupKey: 'g',
      alerts: [{ status: 'firing', labels: 'x', startsAt: '2026-11-20T08:00:00Z' }],
    },
    malformedPath: '/alerts/0/labels',
  },
  {
    source: 'grafana',
    run: grafana,
    firing: fixture('grafana-firing'),
    resolved: fixture('grafana-resolved'),
    severity: 'warning',
    fingerprint: 'c6eee8d2a1b0f471',
    alertname: 'DiskUsageHigh',
    startsAt: '2026-11-20T09:00:00.000Z',
    resolvedEndsAt: '2026-11-20T09:30:00.000Z',
    malformed: {
      groupKey: 'g',
      alerts: [{ status: 'pending', labels: {}, startsAt: '2026-11-20T08:00:00Z' }],
    },
    malformedPath: '/alerts/0/status',
  },
  {
    source: 'cloudwatch',
    run: (b) => cloudwatch(b),
    firing: text('cloudwatch-firing'),
    resolved: text('cloudwatch-resolved'),
    severity: 'error',
    fingerprint: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-api-5xx',
    alertname: 'orders-api-5xx',
    startsAt: '2026-11-20T10:01:00.000Z',
    resolvedEndsAt: '2026-11-20T10:20:00.000Z',
    malformed: JSON.stringify({
      Type: 'Notification',
      MessageId: 'm',
      TopicArn: 't',
      Message: '{"AlarmName":"a"}',
    }),
    malformedPath: '/Message/NewStateValue',
  },
  {
    source: 'azure-monitor',
    run: azureMonitor,
    firing: fixture('azure-monitor-firing'),
    resolved: fixture('azure-monitor-resolved'),
    severity: 'error',
    fingerprint:
      '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.AlertsManagement/alerts/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b',
    alertname: 'vm-cpu-high',
    startsAt: '2026-11-20T11:00:00.123Z',
    resolvedEndsAt: '2026-11-20T11:25:00.765Z',
    malformed: {
      schemaId: 'azureMonitorCommonAlertSchema',
      data: { essentials: { alertId: 'a', alertRule: 'r', severity: 'Sev9' } },
    },
    malformedPath: '/data/essentials/severity',
  },
  {
    source: 'gcp-monitoring',
    run: gcpMonitoring,
    firing: fixture('gcp-monitoring-firing'),
    resolved: fixture('gcp-monitoring-resolved'),
    severity: 'critical',
    fingerprint: '0.nbp3y1w4x7k2',
    alertname: 'Frontend CPU high',
    startsAt: '2026-11-20T11:00:00.000Z',
    resolvedEndsAt: '2026-11-20T11:25:00.000Z',
    malformed: {
      version: '1.2',
      incident: { incident_id: 'i', state: 'open', started_at: 'yesterday', policy_name: 'p' },
    },
    malformedPath: '/incident/started_at',
  },
  {
    source: 'pagerduty',
    run: (b) => pagerduty(b, {}, { receivedAt: RECEIVED }),
    firing: fixture('pagerduty-firing'),
    resolved: fixture('pagerduty-resolved'),
    severity: 'error',
    fingerprint: 'samplekeyhere',
    alertname: 'deploy',
    startsAt: '2026-11-20T12:00:00.000Z',
    resolvedEndsAt: RECEIVED,
    malformed: {
      routing_key: 'R015ABCDEFGHIJKLMNOPQRSTUVWXYZ12',
      event_action: 'trigger',
      payload: { summary: '', source: 'h', severity: 'error' },
    },
    malformedPath: '/payload/summary',
  },
];

function batch(r: NormalizeResult): NormalizedBatch {
  if (!r.ok) throw new Error(`expected a batch, got ${r.error.message}`);
  return r.value;
}

describe('every alert source normalizer', () => {
  it('is registered under its source name', () => {
    expect(Object.keys(normalizers).sort()).toEqual(cases.map((c) => c.source).sort());
  });

  it.each(cases)('$source: a firing payload becomes one firing alert with severity $severity', (c) => {
    const b = batch(c.run(c.firing));
    expect(b.source).toBe(c.source);
    expect(b.alerts).toHaveLength(1);
    const a = b.alerts[0]!;
    expect(a).toMatchObject({
      source: c.source,
      status: 'firing',
      severity: c.severity,
      fingerprint: c.fingerprint,
      dedupKey: `${c.source}:${c.fingerprint}`,
      startsAt: c.startsAt,
    });
    expect(a.labels['alertname']).toBe(c.alertname);
    expect(a.endsAt).toBeUndefined();
    expect(a.summary.length).toBeGreaterThan(0);
    expect(a.raw).toBeDefined();
  });

  it.each(cases)(
    '$source: the resolved payload resolves the same alert (same dedup key) with its end time',
    (c) => {
      const fired = batch(c.run(c.firing)).alerts[0]!;
      const resolved = batch(c.run(c.resolved)).alerts[0]!;
      expect(resolved.status).toBe('resolved');
      expect(resolved.dedupKey).toBe(fired.dedupKey);
      expect(resolved.endsAt).toBe(c.resolvedEndsAt);
    },
  );

  it.each(cases)('$source: normalizing the same payload twice gives the same dedup key', (c) => {
    expect(batch(c.run(c.firing)).alerts[0]!.dedupKey).toBe(batch(c.run(c.firing)).alerts[0]!.dedupKey);
  });

  it.each(cases)('$source: a malformed payload is rejected at $malformedPath', (c) => {
    const r = c.run(c.malformed);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('OPSDECK_E_VALIDATION');
    expect(r.error.source).toBe(c.source);
    expect(r.error.path).toBe(c.malformedPath);
    expect(r.error.message.startsWith(`${c.malformedPath}: `)).toBe(true);
  });

  it.each(cases)('$source: a body that is not an object is rejected at the root', (c) => {
    const r = c.run(c.source === 'cloudwatch' ? '[1,2]' : [1, 2]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toBe('');
  });

  it.each(cases)('$source: text that is not JSON is rejected at the root', (c) => {
    const r = c.run('{not json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^\/: is not valid JSON/);
  });
});
