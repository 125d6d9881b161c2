import { describe, expect, it } from 'vitest';
import {
  applyIncidentEvent,
  applyIncidentEvents,
  incidentMetrics,
  openIncident,
  serviceMetrics,
} from './incident.js';
import type { Incident, IncidentEvent } from './incident.js';

const at = (minute: number): string => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();

const fresh = (id = 'i1', serviceId = 'payments'): Incident =>
  openIncident({ id, serviceId, title: 'p99 latency', severity: 'error', at: at(0) });

function run(incident: Incident, events: IncidentEvent[]): Incident {
  const r = applyIncidentEvents(incident, events);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const ack = (m: number, by = 'ana'): IncidentEvent => ({ type: 'acknowledge', at: at(m), by });
const resolve = (m: number): IncidentEvent => ({ type: 'resolve', at: at(m), by: 'ana' });
const reopen = (m: number): IncidentEvent => ({
  type: 'reopen',
  at: at(m),
  by: 'system',
  reason: 'alert fired again',
});
const unack = (m: number): IncidentEvent => ({ type: 'unacknowledge', at: at(m), reason: 'ack timeout' });

const page: IncidentEvent = {
  type: 'page',
  at: at(2),
  key: 'k',
  round: 0,
  step: 0,
  users: ['a'],
  target: 'user:a',
};

describe('incident lifecycle', () => {
  it.each([
    ['triggered', [], ack(1), 'acknowledged'],
    ['triggered', [], resolve(1), 'resolved'],
    ['acknowledged', [ack(1)], resolve(2), 'resolved'],
    ['acknowledged', [ack(1)], unack(2), 'triggered'],
    ['resolved', [resolve(1)], reopen(2), 'triggered'],
  ] as const)('%s --%s--> %s', (_from, before, event, to) => {
    expect(run(fresh(), [...before, event]).status).toBe(to);
  });

  it.each([
    ['acknowledge a resolved incident', [resolve(1)], ack(2)],
    ['acknowledge twice', [ack(1)], ack(2)],
    ['resolve twice', [resolve(1)], resolve(2)],
    ['reopen an open incident', [], reopen(1)],
    ['unacknowledge a triggered incident', [], unack(1)],
    ['page a resolved incident', [resolve(1)], page],
  ] as const)('refuses to %s', (_n, before, event) => {
    const inc = run(fresh(), [...before]);
    const r = applyIncidentEvent(inc, event);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('OPSDECK_E_CONFLICT');
      expect(r.error.message).toBe(`incident i1 is ${inc.status}: cannot ${event.type}`);
    }
  });

  it('appends timeline entries for alerts, pages, ack, notes, reassignment and severity', () => {
    const inc = run(fresh(), [
      { type: 'alert', at: at(0), dedupKey: 'alertmanager:x', status: 'firing', summary: 'slow' },
      { type: 'page', at: at(0), key: 'k0', round: 0, step: 0, users: ['ana'], target: 'schedule:primary' },
      ack(3),
      { type: 'note', at: at(4), by: 'ana', text: 'rolling back' },
      { type: 'reassign', at: at(5), by: 'ana', to: 'ben' },
      { type: 'severity', at: at(6), by: 'ben', severity: 'critical' },
      resolve(9),
    ]);
    expect(inc.timeline.map((e) => e.kind)).toEqual([
      'status',
      'alert',
      'page',
      'ack',
      'status',
      'note',
      'reassign',
      'severity',
      'status',
    ]);
    expect(inc).toMatchObject({ assignee: 'ben', severity: 'critical', status: 'resolved' });
    expect(inc.timeline).toContainEqual({ at: at(5), kind: 'reassign', from: 'ana', to: 'ben', by: 'ana' });
  });

  it('does not change the incident it was given', () => {
    const inc = fresh();
    applyIncidentEvent(inc, ack(1));
    expect(inc.status).toBe('triggered');
    expect(inc.timeline).toHaveLength(1);
  });
});

describe('MTTA and MTTR from the timeline', () => {
  it('measures time to acknowledge and to resolve', () => {
    expect(incidentMetrics(run(fresh(), [ack(4), resolve(30)]))).toEqual({
      ttaMs: 4 * 60_000,
      ttrMs: 30 * 60_000,
    });
  });

  it('leaves them out while not acknowledged or not resolved', () => {
    expect(incidentMetrics(fresh())).toEqual({});
    expect(incidentMetrics(run(fresh(), [ack(2)]))).toEqual({ ttaMs: 120_000 });
  });

  it('uses the first acknowledgement and the final resolution after a reopen', () => {
    const inc = run(fresh(), [ack(2), resolve(10), reopen(20), ack(22), resolve(40)]);
    expect(incidentMetrics(inc)).toEqual({ ttaMs: 120_000, ttrMs: 40 * 60_000 });
  });

  it('has no time to resolve for a reopened incident that is open again', () => {
    expect(incidentMetrics(run(fresh(), [resolve(10), reopen(20)])).ttrMs).toBeUndefined();
  });

  it('aggregates per service', () => {
    const list = [
      run(fresh('a', 'payments'), [ack(2), resolve(10)]),
      run(fresh('b', 'payments'), [ack(6), resolve(30)]),
      run(fresh('c', 'payments'), [ack(10)]),
      run(fresh('d', 'db'), []),
    ];
    expect(serviceMetrics(list)).toEqual([
      { serviceId: 'db', incidents: 1, acknowledged: 0, resolved: 0 },
      {
        serviceId: 'payments',
        incidents: 3,
        acknowledged: 3,
        resolved: 2,
        mttaMs: 6 * 60_000,
        mttrMs: 20 * 60_000,
        medianTtaMs: 6 * 60_000,
        medianTtrMs: 20 * 60_000,
      },
    ]);
  });
});
