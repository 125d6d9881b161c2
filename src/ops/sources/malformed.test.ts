import { describe, expect, it } from 'vitest';
import type { AlertSource } from '../alert.js';
import { normalizers } from './index.js';

const am = (alert: Record<string, unknown>, top: Record<string, unknown> = {}): unknown => ({
  version: '4',
  groupKey: '{}:{alertname="A"}',
  alerts: [{ status: 'firing', labels: { alertname: 'A' }, startsAt: '2026-11-20T10:00:00Z', ...alert }],
  ...top,
});
const grafana = (alert: Record<string, unknown>, top: Record<string, unknown> = {}): unknown => ({
  groupKey: 'g',
  alerts: [{ status: 'firing', labels: { alertname: 'A' }, startsAt: '2026-11-20T10:00:00Z', ...alert }],
  ...top,
});
const azure = (essentials: Record<string, unknown>, top: Record<string, unknown> = {}): unknown => ({
  schemaId: 'azureMonitorCommonAlertSchema',
  data: {
    essentials: {
      alertId: 'id',
      alertRule: 'r',
      severity: 'Sev2',
      monitorCondition: 'Fired',
      firedDateTime: '2026-11-20T10:00:00Z',
      ...essentials,
    },
  },
  ...top,
});
const gcp = (incident: Record<string, unknown>, top: Record<string, unknown> = {}): unknown => ({
  version: '1.2',
  incident: { incident_id: 'i', state: 'open', started_at: 1795172400, policy_name: 'p', ...incident },
  ...top,
});

const cases: [AlertSource, string, unknown, string, string][] = [
  ['alertmanager', 'a wrong payload version', am({}, { version: '3' }), '/version', 'must be "4"'],
  ['alertmanager', 'no groupKey', am({}, { groupKey: undefined }), '/groupKey', 'is required'],
  ['alertmanager', 'alerts not a list', am({}, { alerts: {} }), '/alerts', 'must be an array'],
  [
    'alertmanager',
    'an alert that is not an object',
    am({}, { alerts: [3] }),
    '/alerts/0',
    'must be an object',
  ],
  ['alertmanager', 'a bad status', am({ status: 'pending' }), '/alerts/0/status', 'must be one of'],
  ['alertmanager', 'missing labels', am({ labels: undefined }), '/alerts/0/labels', 'is required'],
  [
    'alertmanager',
    'a non-string label value',
    am({ labels: { a: 1 } }),
    '/alerts/0/labels/a',
    'must be a string',
  ],
  ['alertmanager', 'a bad startsAt', am({ startsAt: 'now' }), '/alerts/0/startsAt', 'RFC 3339'],
  [
    'alertmanager',
    'an impossible startsAt (was stored as 2026-03-02)',
    am({ startsAt: '2026-02-30T00:00:00Z' }),
    '/alerts/0/startsAt',
    'RFC 3339',
  ],
  ['alertmanager', 'a bad endsAt', am({ endsAt: 'later' }), '/alerts/0/endsAt', 'RFC 3339'],
  [
    'alertmanager',
    'a negative truncatedAlerts',
    am({}, { truncatedAlerts: -1 }),
    '/truncatedAlerts',
    'non-negative',
  ],
  [
    'grafana',
    'annotations not an object',
    grafana({ annotations: [] }),
    '/alerts/0/annotations',
    'must be an object',
  ],
  ['grafana', 'a state that is not a string', grafana({}, { state: 3 }), '/state', 'must be a string'],
  ['grafana', 'orgId not a number', grafana({}, { orgId: '1' }), '/orgId', 'must be a number'],
  ['grafana', 'no alerts', grafana({}, { alerts: undefined }), '/alerts', 'is required'],
  ['azure-monitor', 'a wrong schemaId', azure({}, { schemaId: 'other' }), '/schemaId', 'common alert schema'],
  [
    'azure-monitor',
    'no essentials',
    { schemaId: 'azureMonitorCommonAlertSchema', data: {} },
    '/data/essentials',
    'is required',
  ],
  [
    'azure-monitor',
    'a bad monitorCondition',
    azure({ monitorCondition: 'Open' }),
    '/data/essentials/monitorCondition',
    'must be one of',
  ],
  [
    'azure-monitor',
    'Resolved without resolvedDateTime',
    azure({ monitorCondition: 'Resolved' }),
    '/data/essentials/resolvedDateTime',
    'is required',
  ],
  [
    'azure-monitor',
    'a target id that is not a string',
    azure({ alertTargetIDs: [1] }),
    '/data/essentials/alertTargetIDs/0',
    'must be a string',
  ],
  ['gcp-monitoring', 'a wrong version', gcp({}, { version: '1.1' }), '/version', 'must be "1.2"'],
  ['gcp-monitoring', 'a bad state', gcp({ state: 'acknowledged' }), '/incident/state', 'must be one of'],
  [
    'gcp-monitoring',
    'closed without ended_at',
    gcp({ state: 'closed' }),
    '/incident/ended_at',
    'is required',
  ],
  [
    'gcp-monitoring',
    'a started_at past year 9999 (Date cannot hold 1e20 s)',
    gcp({ started_at: 1e20 }),
    '/incident/started_at',
    'within years 0000-9999',
  ],
  [
    'gcp-monitoring',
    'a started_at before year 0000',
    gcp({ started_at: -1e15 }),
    '/incident/started_at',
    'within years 0000-9999',
  ],
  [
    'gcp-monitoring',
    'an ended_at past year 9999',
    gcp({ state: 'closed', ended_at: 9e15 }),
    '/incident/ended_at',
    'within years 0000-9999',
  ],
  [
    'gcp-monitoring',
    'no policy_name',
    gcp({ policy_name: undefined }),
    '/incident/policy_name',
    'is required',
  ],
  [
    'gcp-monitoring',
    'resource labels not an object',
    gcp({ resource: { type: 't', labels: 'x' } }),
    '/incident/resource/labels',
    'must be an object',
  ],
  [
    'pagerduty',
    'no payload on trigger',
    { routing_key: 'R015ABCDEFGHIJKLMNOPQRSTUVWXYZ12', event_action: 'trigger' },
    '/payload',
    'is required',
  ],
  [
    'cloudwatch',
    'no Message',
    JSON.stringify({ Type: 'Notification', MessageId: 'm', TopicArn: 't' }),
    '/Message',
    'is required',
  ],
];

describe('malformed payloads are rejected with the JSON path and what is wrong', () => {
  it.each(cases)('%s: %s -> %s', (source, _name, body, path, words) => {
    const r = normalizers[source](body);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems.map((p) => p.path)).toContain(path);
    const problem = r.error.problems.find((p) => p.path === path);
    expect(problem?.message).toContain(words);
  });
});
