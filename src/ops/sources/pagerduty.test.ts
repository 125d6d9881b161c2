import { describe, expect, it } from 'vitest';
import { normalizers } from './index.js';
import { normalize, pagerDutyBodyToKeep, pagerDutyErrorResponse, redactRoutingKeys } from './pagerduty.js';

const KEY = 'R015ABCDEFGHIJKLMNOPQRSTUVWXYZ12';
const payload = { summary: 'disk full', source: 'db-1', severity: 'warning' };
const at = { receivedAt: '2026-11-20T12:00:00.000Z' };

describe('PagerDuty Events API v2', () => {
  it('generates a stable dedup key for a trigger without one', () => {
    const a = normalize({ routing_key: KEY, event_action: 'trigger', payload }, {}, at);
    const b = normalize({ routing_key: KEY, event_action: 'trigger', payload }, {}, at);
    expect(a.ok && a.value.alerts[0]?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(a.ok && a.value.alerts[0]?.dedupKey).toBe(b.ok && b.value.alerts[0]?.dedupKey);
  });

  it('generates different keys for the same trigger received at different times', () => {
    const a = normalize({ routing_key: KEY, event_action: 'trigger', payload }, {}, at);
    const b = normalize(
      { routing_key: KEY, event_action: 'trigger', payload },
      {},
      { receivedAt: '2026-11-20T12:05:00.000Z' },
    );
    expect(a.ok && a.value.alerts[0]?.dedupKey).not.toBe(b.ok && b.value.alerts[0]?.dedupKey);
  });

  it('keeps no routing key (the ingest key): not in raw, not in the kept body, which normalizes to the same alert', () => {
    for (const event of [
      { routing_key: KEY, event_action: 'trigger', payload },
      { routing_key: KEY, event_action: 'trigger', dedup_key: 'given', payload },
      { routing_key: KEY, event_action: 'resolve', dedup_key: 'given' },
    ]) {
      const text = JSON.stringify(event);
      const first = normalize(text, {}, at);
      if (!first.ok) throw new Error(first.error.message);
      expect(JSON.stringify(first.value.alerts[0]?.raw)).not.toContain(KEY);
      const kept = pagerDutyBodyToKeep(text, first.value);
      expect(kept).not.toContain(KEY);
      const again = normalize(kept, {}, at);
      expect(again.ok && again.value.alerts.map((a) => a.dedupKey)).toEqual(
        first.value.alerts.map((a) => a.dedupKey),
      );
    }
  });

  it('redacts routing keys in text that may not be JSON (dead letters)', () => {
    expect(redactRoutingKeys(`{"routing_key" : "${KEY}", "x": "routing_key"`)).toBe(
      '{"routing_key" : "[redacted]", "x": "routing_key"',
    );
    expect(redactRoutingKeys('{"routing_key":"a\\"b\\"c","n":1}')).toBe('{"routing_key":"[redacted]","n":1}');
    expect(redactRoutingKeys('not json at all')).toBe('not json at all');
  });

  it('uses the receive time when the payload has no timestamp', () => {
    const r = normalize({ routing_key: KEY, event_action: 'trigger', payload }, {}, at);
    expect(r.ok && r.value.alerts[0]?.startsAt).toBe(at.receivedAt);
  });

  it('reports acknowledge as an acknowledgement, not an alert', () => {
    const r = normalize({ routing_key: KEY, event_action: 'acknowledge', dedup_key: 'k1' }, {}, at);
    expect(r.ok && r.value).toMatchObject({ alerts: [], acknowledgements: ['pagerduty:k1'] });
  });

  it.each([
    ['severity critical', 'critical'],
    ['severity error', 'error'],
    ['severity warning', 'warning'],
    ['severity info', 'info'],
  ] as const)('maps %s directly', (_n, severity) => {
    const r = normalize(
      { routing_key: KEY, event_action: 'trigger', payload: { ...payload, severity } },
      {},
      at,
    );
    expect(r.ok && r.value.alerts[0]?.severity).toBe(severity);
  });

  it.each([
    [{ event_action: 'trigger', payload }, "'routing_key' is missing or blank"],
    [
      { routing_key: 'short', event_action: 'trigger', payload },
      "Length of 'routing_key' is incorrect (should be 32 characters)",
    ],
    [{ routing_key: KEY, payload }, "'event_action' is missing or blank"],
    [
      { routing_key: KEY, event_action: 'snooze', payload },
      "'event_action' is invalid (must be trigger, acknowledge or resolve)",
    ],
    [{ routing_key: KEY, event_action: 'resolve' }, "'dedup_key' is missing or blank"],
    [{ routing_key: KEY, event_action: 'acknowledge' }, "'dedup_key' is missing or blank"],
    [{ routing_key: KEY, event_action: 'trigger' }, "'payload' is required"],
    [
      { routing_key: KEY, event_action: 'trigger', payload: { ...payload, source: ' ' } },
      "'payload.source' is missing or blank",
    ],
    [
      { routing_key: KEY, event_action: 'trigger', payload: { ...payload, severity: 'fatal' } },
      "'payload.severity' is invalid (must be critical, error, warning or info)",
    ],
    [
      { routing_key: KEY, event_action: 'trigger', payload: { ...payload, timestamp: 'today' } },
      "'payload.timestamp' must be an RFC 3339 timestamp",
    ],
  ])('rejects %j with PagerDuty-style error %s', (body, message) => {
    const r = normalize(body, {}, at);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(pagerDutyErrorResponse(r.error)).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: [message],
    });
  });

  it('gets the receive time through the normalizer registry', () => {
    const r = normalizers.pagerduty({ routing_key: KEY, event_action: 'trigger', payload }, {}, at);
    expect(r.ok && r.value.alerts[0]?.startsAt).toBe(at.receivedAt);
  });

  it('needs a timestamp or a receive time for a trigger', () => {
    const r = normalize({ routing_key: KEY, event_action: 'trigger', payload });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toBe('/payload/timestamp');
  });
});
