import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NormalizedBatch } from './alert.js';
import { emptyGroupingState } from './grouping.js';
import { parseMatcher } from './matchers.js';
import type { LabelMatcher } from './matchers.js';
import { processBatch } from './pipeline.js';
import type { PipelineInput } from './pipeline.js';
import type { RoutingConfig, Service } from './routing.js';
import type { Silence } from './silences.js';
import { normalize as alertmanager } from './sources/alertmanager.js';
import { normalize as pagerduty } from './sources/pagerduty.js';

const m = (text: string): LabelMatcher => {
  const r = parseMatcher(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

function amBatch(name: string): NormalizedBatch {
  const body: unknown = JSON.parse(
    readFileSync(new URL(`./sources/__fixtures__/${name}.json`, import.meta.url), 'utf8'),
  );
  const r = alertmanager(body);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const routing: RoutingConfig = {
  defaultServiceId: 'ops',
  rules: [{ serviceId: 'payments', matchers: [m('service="payments"')] }],
};
const services: Record<string, Service> = {
  payments: { id: 'payments', name: 'Payments', groupBy: ['alertname', 'service'] },
  ops: { id: 'ops', name: 'Ops' },
};
const now = new Date('2026-11-20T08:01:00Z');
const input = (over: Partial<PipelineInput>): PipelineInput => ({
  state: emptyGroupingState(),
  batch: amBatch('alertmanager-firing'),
  now,
  routing,
  services,
  silences: [],
  ...over,
});

describe('processBatch', () => {
  it('routes, groups within the service and asks to open an incident', () => {
    const out = processBatch(input({}));
    const groupKey = 'payments/alertmanager:{alertname="ApiLatencyHigh",service="payments"}';
    expect(out.decisions).toEqual([
      { dedupKey: 'alertmanager:5f1d0c2a9b7e3c41', serviceId: 'payments', ruleIndex: 0, groupKey },
    ]);
    expect(out.commands.map((c) => c.type)).toEqual(['open-incident', 'attach-alert']);
    expect(out.commands[0]).toMatchObject({
      serviceId: 'payments',
      severity: 'critical',
      silenced: false,
      episode: 1,
    });
  });

  it('resolves the incident when the resolved payload arrives, and ignores a duplicate', () => {
    const first = processBatch(input({}));
    const dup = processBatch(input({ state: first.state }));
    expect(dup.commands).toEqual([]);
    const resolved = processBatch(input({ state: dup.state, batch: amBatch('alertmanager-resolved') }));
    expect(resolved.commands.map((c) => c.type)).toEqual(['attach-alert', 'resolve-incident']);
  });

  it('inPlace updates the given state and decides exactly as copying does', () => {
    const copied = [input({})];
    const first = processBatch(copied[0]!);
    expect(copied[0]!.state).toEqual(emptyGroupingState());
    const copiedResolved = processBatch(
      input({ state: first.state, batch: amBatch('alertmanager-resolved') }),
    );

    const own = emptyGroupingState();
    const a = processBatch(input({ state: own, inPlace: true }));
    expect(a.state.alerts).toBe(own.alerts);
    expect(a.state).toEqual(first.state);
    const firstAlert = own.alerts['alertmanager:5f1d0c2a9b7e3c41'];
    const b = processBatch(input({ state: own, batch: amBatch('alertmanager-resolved'), inPlace: true }));
    expect(b.commands).toEqual(copiedResolved.commands);
    expect(b.state).toEqual(copiedResolved.state);
    // A changed alert is replaced by a copy: an object read before is left as it was.
    expect(firstAlert?.status).toBe('firing');
    expect(own.alerts['alertmanager:5f1d0c2a9b7e3c41']?.status).toBe('resolved');
  });

  it('records a silenced alert but marks its incident as not paging', () => {
    const silence: Silence = {
      kind: 'one-off',
      id: 'deploy-window',
      matchers: [m('alertname="ApiLatencyHigh"')],
      startsAt: '2026-11-20T08:00:00Z',
      endsAt: '2026-11-20T09:00:00Z',
      comment: 'deploy',
      createdBy: 'ana',
    };
    const out = processBatch(input({ silences: [silence] }));
    expect(out.decisions[0]?.silencedBy).toBe('deploy-window');
    expect(out.commands[0]).toMatchObject({ type: 'open-incident', silenced: true });
    expect(Object.keys(out.state.alerts)).toEqual(['alertmanager:5f1d0c2a9b7e3c41']);
  });

  it('passes PagerDuty acknowledgements on as commands', () => {
    const r = pagerduty(
      { routing_key: 'R015ABCDEFGHIJKLMNOPQRSTUVWXYZ12', event_action: 'acknowledge', dedup_key: 'k' },
      {},
      { receivedAt: now.toISOString() },
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(processBatch(input({ batch: r.value })).commands).toEqual([
      { type: 'acknowledge-alert', dedupKey: 'pagerduty:k', at: now.toISOString() },
    ]);
  });

  it('keeps alerts of different services in different groups', () => {
    const b = amBatch('alertmanager-firing');
    const other = {
      ...b.alerts[0]!,
      fingerprint: 'o',
      dedupKey: 'alertmanager:o',
      labels: { alertname: 'ApiLatencyHigh' },
    };
    const out = processBatch(input({ batch: { ...b, alerts: [b.alerts[0]!, other] } }));
    expect(out.decisions.map((d) => d.serviceId)).toEqual(['payments', 'ops']);
    expect(new Set(out.decisions.map((d) => d.groupKey)).size).toBe(2);
  });
});
