import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.js';
import { emptyGroupingState, expireAlerts, groupKeyOf, ingestAlerts } from './grouping.js';
import type { GroupingState } from './grouping.js';
import { normalize } from './sources/alertmanager.js';

const root = path.resolve(import.meta.dirname, '../..');
const shared = process.env['OPSDECK_SHARED_DATA'] ?? path.resolve(root, '../shared/data');
const amDir = path.join(shared, 'alertmanager');
const haveAm = existsSync(amDir);
if (!haveAm) {
  if (process.env['CI'] === 'true')
    throw new Error(`shared data missing: ${amDir} (set OPSDECK_SHARED_DATA)`);
  console.warn(`skipping Alertmanager capture tests: ${amDir} not found (set OPSDECK_SHARED_DATA)`);
}

function capture(name: string): Alert[] {
  const c = JSON.parse(readFileSync(path.join(amDir, name), 'utf8')) as { body: unknown };
  const r = normalize(c.body);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.alerts;
}

const t = (minute: number): Date => new Date(Date.UTC(2026, 10, 20, 10, minute));

function alert(over: Partial<Alert> & { fp: string }): Alert {
  const { fp, ...rest } = over;
  return {
    source: 'alertmanager',
    fingerprint: fp,
    dedupKey: `alertmanager:${fp}`,
    status: 'firing',
    severity: 'warning',
    summary: 's',
    labels: { alertname: 'A', service: 'api' },
    annotations: {},
    startsAt: '2026-11-20T10:00:00.000Z',
    raw: {},
    ...rest,
  };
}

describe.skipIf(!haveAm)('grouping the real Alertmanager captures', () => {
  it('normalizes every capture without error', () => {
    for (const f of [
      'alertmanager-webhook.json',
      'alertmanager-webhook-resolved.json',
      'payload-1.json',
      'payload-2.json',
      'payload-3.json',
      'payload-4.json',
    ]) {
      expect(capture(f).length).toBeGreaterThan(0);
    }
  });

  it('reads payload-3 as one resolved and one firing alert of the same group', () => {
    const alerts = capture('payload-3.json');
    expect(alerts.map((a) => [a.fingerprint, a.status, a.severity])).toEqual([
      ['b1c11497b32ce15e', 'resolved', 'critical'],
      ['a579f21fdcddf972', 'firing', 'warning'],
    ]);
    expect(alerts[0]!.endsAt).toBe('2026-11-26T19:16:16.000Z');
    expect(alerts[1]!.endsAt).toBeUndefined();
    expect(new Set(alerts.map((a) => a.groupKey))).toEqual(
      new Set(['{}:{alertname="HighErrorRate", service="checkout"}']),
    );
  });

  it('groups payloads 1-4 as Alertmanager grouped them and resolves the checkout group at payload-4', () => {
    let s: GroupingState = emptyGroupingState();
    const events: string[] = [];
    ['payload-1.json', 'payload-2.json', 'payload-3.json', 'payload-4.json'].forEach((f, i) => {
      const r = ingestAlerts(s, capture(f), t(i));
      s = r.state;
      events.push(...r.events.map((e) => `${f} ${e.type} ${e.groupKey}`));
    });
    const checkout = 'alertmanager:{}:{alertname="HighErrorRate", service="checkout"}';
    const db = 'alertmanager:{}:{alertname="DiskFull", service="db"}';
    expect(Object.keys(s.groups).sort()).toEqual([db, checkout].sort());
    expect(s.groups[checkout]).toMatchObject({
      status: 'resolved',
      episode: 1,
      alertKeys: ['alertmanager:b1c11497b32ce15e', 'alertmanager:a579f21fdcddf972'],
    });
    expect(s.groups[db]?.status).toBe('open');
    expect(events.filter((e) => e.includes('group-'))).toEqual([
      `payload-1.json group-opened ${checkout}`,
      `payload-2.json group-opened ${db}`,
      `payload-4.json group-resolved ${checkout}`,
    ]);
  });

  it('resolves the TerraformDrift group when its resolved capture arrives, deduplicating the firing one', () => {
    const fired = capture('alertmanager-webhook.json');
    let r = ingestAlerts(emptyGroupingState(), fired, t(0));
    r = ingestAlerts(r.state, fired, t(1));
    expect(r.events.map((e) => e.type)).toEqual(['alert-duplicate']);
    r = ingestAlerts(r.state, capture('alertmanager-webhook-resolved.json'), t(2));
    expect(r.events.map((e) => e.type)).toEqual(['alert-changed', 'group-resolved']);
  });
});

describe('dedup and grouping', () => {
  it('keeps one alert when the same alert arrives twice', () => {
    const a = alert({ fp: 'x' });
    const r1 = ingestAlerts(emptyGroupingState(), [a, a], t(0));
    expect(Object.keys(r1.state.alerts)).toEqual(['alertmanager:x']);
    expect(r1.events.map((e) => e.type)).toEqual(['group-opened', 'alert-new', 'alert-duplicate']);
  });

  it.each([
    ['the source group key', {}, ['alertmanager:g1', 'alertmanager:g1']],
    [
      'a configured label set',
      { groupBy: ['service'] },
      ['alertmanager:{service="api"}', 'alertmanager:{service="web"}'],
    ],
  ])('groups by %s', (_n, config, expected) => {
    const a = alert({ fp: 'a', groupKey: 'g1' });
    const b = alert({ fp: 'b', groupKey: 'g1', labels: { alertname: 'A', service: 'web' } });
    expect([groupKeyOf(a, config), groupKeyOf(b, config)]).toEqual(expected);
  });

  it('groups by alertname when the source has no group key', () => {
    expect(groupKeyOf(alert({ fp: 'a', source: 'cloudwatch' }), {})).toBe('cloudwatch:{alertname="A"}');
  });

  it('auto-resolves a group only when all its alerts are resolved', () => {
    const a = alert({ fp: 'a', groupKey: 'g' });
    const b = alert({ fp: 'b', groupKey: 'g' });
    let r = ingestAlerts(emptyGroupingState(), [a, b], t(0));
    r = ingestAlerts(r.state, [{ ...a, status: 'resolved' }], t(1));
    expect(r.state.groups['alertmanager:g']?.status).toBe('open');
    r = ingestAlerts(r.state, [{ ...b, status: 'resolved' }], t(2));
    expect(r.state.groups['alertmanager:g']).toMatchObject({
      status: 'resolved',
      resolvedAt: t(2).toISOString(),
    });
  });

  it('opens a new episode when a resolved group fires again', () => {
    const a = alert({ fp: 'a', groupKey: 'g' });
    let r = ingestAlerts(emptyGroupingState(), [a], t(0));
    r = ingestAlerts(r.state, [{ ...a, status: 'resolved' }], t(1));
    r = ingestAlerts(r.state, [a], t(2));
    expect(r.events).toContainEqual({ type: 'group-opened', groupKey: 'alertmanager:g', episode: 2 });
  });

  it('records a resolve for an unknown alert without opening a group', () => {
    const r = ingestAlerts(emptyGroupingState(), [alert({ fp: 'z', status: 'resolved' })], t(0));
    expect(r.state.groups).toEqual({});
    expect(r.state.alerts['alertmanager:z']?.status).toBe('resolved');
  });

  it('does not change the state it was given', () => {
    const s = emptyGroupingState();
    ingestAlerts(s, [alert({ fp: 'a' })], t(0));
    expect(s).toEqual(emptyGroupingState());
  });
});

describe('resolve timeout', () => {
  const config = { resolveTimeoutMinutes: 30 };
  it.each([
    [29, 'open'],
    [30, 'resolved'],
  ])('after %i quiet minutes the group is %s', (minutes, status) => {
    const r = ingestAlerts(emptyGroupingState(), [alert({ fp: 'a', groupKey: 'g' })], t(0), config);
    const e = expireAlerts(r.state, t(minutes), config);
    expect(e.state.groups['alertmanager:g']?.status).toBe(status);
  });

  it('does nothing without a configured timeout', () => {
    const r = ingestAlerts(emptyGroupingState(), [alert({ fp: 'a' })], t(0));
    expect(expireAlerts(r.state, t(59), {}).events).toEqual([]);
  });

  it('counts from the last time the alert was seen', () => {
    let r = ingestAlerts(emptyGroupingState(), [alert({ fp: 'a', groupKey: 'g' })], t(0), config);
    r = ingestAlerts(r.state, [alert({ fp: 'a', groupKey: 'g' })], t(20), config);
    expect(expireAlerts(r.state, t(40), config).events).toEqual([]);
    expect(expireAlerts(r.state, t(50), config).events.map((e) => e.type)).toEqual([
      'alert-timed-out',
      'group-resolved',
    ]);
  });
});

describe('flapping', () => {
  const flipFlop = (n: number, spacing: number, config = {}): string[] => {
    let s = emptyGroupingState();
    const events: string[] = [];
    for (let i = 0; i <= n; i++) {
      const r = ingestAlerts(
        s,
        [alert({ fp: 'f', status: i % 2 === 0 ? 'firing' : 'resolved' })],
        t(i * spacing),
        config,
      );
      s = r.state;
      events.push(...r.events.map((e) => e.type));
    }
    return events;
  };

  it.each([
    [3, 5, false],
    [4, 5, true],
    [4, 20, false],
  ])('%i state changes %i minutes apart flag flapping: %s (default 4 in 60 min)', (n, spacing, flagged) => {
    expect(flipFlop(n, spacing).includes('alert-flapping')).toBe(flagged);
  });

  it('takes a configured threshold', () => {
    expect(flipFlop(2, 1, { flapping: { changes: 2, windowMinutes: 5 } })).toContain('alert-flapping');
  });
});

describe('state ownership', () => {
  it('never changes the state it is given (copy-on-write), while feeding one alert at a time', () => {
    let state = emptyGroupingState();
    for (let i = 0; i < 50; i++) state = ingestAlerts(state, [alert({ fp: `f${i}` })], t(0)).state;
    const before = structuredClone(state);
    const resolved = ingestAlerts(
      state,
      Array.from({ length: 50 }, (_, i) => alert({ fp: `f${i}`, status: 'resolved' })),
      t(5),
    );
    expect(state).toEqual(before);
    const group = Object.values(resolved.state.groups)[0]!;
    expect(group).toMatchObject({ status: 'resolved', resolvedAt: t(5).toISOString() });
    expect(Object.values(before.groups)[0]).toMatchObject({ status: 'open' });
    const expired = expireAlerts(state, t(90), { resolveTimeoutMinutes: 30 });
    expect(state).toEqual(before);
    expect(Object.values(expired.state.alerts).every((a) => a.status === 'resolved')).toBe(true);
    // Untouched entries are shared, not copied.
    const one = ingestAlerts(state, [alert({ fp: 'other', labels: { alertname: 'B' } })], t(6)).state;
    expect(one.alerts['alertmanager:f1']).toBe(state.alerts['alertmanager:f1']);
  });
});
