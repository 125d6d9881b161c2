import { describe, expect, it } from 'vitest';
import { planEscalation, resolveTarget } from './escalation.js';
import type { EscalationDirectory, EscalationPolicy, EscalationPlan } from './escalation.js';
import { applyIncidentEvent, applyIncidentEvents, openIncident } from './incident.js';
import type { Incident, IncidentEvent } from './incident.js';
import type { Schedule } from './schedules.js';

const at = (minute: number): Date => new Date(Date.UTC(2026, 10, 20, 10, minute));

const primary: Schedule = {
  id: 'primary',
  name: 'primary',
  layers: [
    {
      id: 'l',
      users: ['ana', 'ben'],
      rotation: { type: 'hours', hours: 1 },
      start: '2026-11-20T11:00',
      timeZone: 'Europe/Berlin',
    },
  ],
  overrides: [],
};
const dir: EscalationDirectory = { schedules: { primary }, teams: { dba: ['dee', 'eli'] } };

const policy: EscalationPolicy = {
  id: 'p',
  steps: [
    { targets: [{ type: 'schedule', id: 'primary' }], delayMinutes: 10 },
    { targets: [{ type: 'user', id: 'lead' }], delayMinutes: 15 },
    {
      targets: [
        { type: 'team', id: 'dba' },
        { type: 'user', id: 'cto' },
      ],
      delayMinutes: 5,
    },
  ],
  repeat: 1,
  ackTimeoutMinutes: 30,
};

const incident = (): Incident =>
  openIncident({ id: 'i', serviceId: 's', title: 't', severity: 'critical', at: at(0).toISOString() });

function apply(inc: Incident, events: IncidentEvent[]): Incident {
  const r = applyIncidentEvents(inc, events);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Runs the planner like a job runner would: plan, apply, wake at nextAt. */
function drive(inc: Incident, until: number): { inc: Incident; plans: EscalationPlan[] } {
  const plans: EscalationPlan[] = [];
  let now = at(0);
  for (;;) {
    const plan = planEscalation(policy, inc, now, dir);
    plans.push(plan);
    inc = apply(inc, plan.events);
    if (plan.nextAt === undefined || Date.parse(plan.nextAt) > at(until).getTime()) return { inc, plans };
    now = new Date(plan.nextAt);
  }
}

const pages = (inc: Incident): string[] =>
  inc.timeline.flatMap((e) =>
    e.kind === 'page' ? [`${e.at.slice(11, 16)} r${e.round}s${e.step} ${e.target} ${e.users.join('+')}`] : [],
  );

describe('planEscalation', () => {
  it('pages the first step at once and says when the next step is due', () => {
    const plan = planEscalation(policy, incident(), at(0), dir);
    expect(plan.events).toEqual([
      {
        type: 'page',
        at: at(0).toISOString(),
        key: `${at(0).toISOString()}/r0/s0`,
        round: 0,
        step: 0,
        target: 'schedule:primary',
        users: ['ana'],
      },
    ]);
    expect(plan).toMatchObject({ state: 'escalating', nextAt: at(10).toISOString() });
  });

  it('does not page disabled users: the page records them as skipped', () => {
    const disabled: EscalationDirectory = { ...dir, disabled: new Set(['ana', 'eli']) };
    const first = planEscalation(policy, incident(), at(0), disabled);
    expect(first.events).toMatchObject([{ target: 'schedule:primary', users: [], skipped: ['ana'] }]);
    const inc = apply(incident(), first.events);
    expect(inc.timeline.at(-1)).toMatchObject({ kind: 'page', users: [], skipped: ['ana'] });
    const third = planEscalation(policy, inc, at(25), disabled).events;
    expect(third.map((e) => (e.type === 'page' ? [e.target, e.users, e.skipped] : []))).toEqual([
      ['user:lead', ['lead'], undefined],
      ['team:dba', ['dee'], ['eli']],
      ['user:cto', ['cto'], undefined],
    ]);
  });

  it('plans nothing new when called again before the next step', () => {
    const inc = apply(incident(), planEscalation(policy, incident(), at(0), dir).events);
    expect(planEscalation(policy, inc, at(5), dir)).toEqual({
      events: [],
      state: 'escalating',
      nextAt: at(10).toISOString(),
    });
  });

  it('walks every step, repeats the policy once, then stops', () => {
    const { inc, plans } = drive(incident(), 200);
    expect(pages(inc)).toEqual([
      '10:00 r0s0 schedule:primary ana',
      '10:10 r0s1 user:lead lead',
      '10:25 r0s2 team:dba dee+eli',
      '10:25 r0s2 user:cto cto',
      '10:30 r1s0 schedule:primary ana',
      '10:40 r1s1 user:lead lead',
      '10:55 r1s2 team:dba dee+eli',
      '10:55 r1s2 user:cto cto',
    ]);
    expect(plans.at(-1)?.state).toBe('exhausted');
    expect(plans.at(-1)?.nextAt).toBeUndefined();
  });

  it('catches up on every step that fell due while the runner was down, each with its due time', () => {
    const plan = planEscalation(policy, incident(), at(12), dir);
    expect(plan.events.map((e) => `${e.at.slice(11, 16)} ${e.type === 'page' ? e.target : ''}`)).toEqual([
      '10:00 schedule:primary',
      '10:10 user:lead',
    ]);
  });

  it('stops on acknowledge and re-pages from the first step when the acknowledgement times out', () => {
    let inc = apply(incident(), planEscalation(policy, incident(), at(0), dir).events);
    const acked = applyIncidentEvent(inc, { type: 'acknowledge', at: at(5).toISOString(), by: 'ana' });
    if (!acked.ok) throw new Error('ack failed');
    inc = acked.value;
    expect(planEscalation(policy, inc, at(20), dir)).toEqual({
      events: [],
      state: 'acknowledged',
      nextAt: at(35).toISOString(),
    });
    const plan = planEscalation(policy, inc, at(35), dir);
    expect(plan.events.map((e) => e.type)).toEqual(['unacknowledge', 'page']);
    expect(plan.events[1]).toMatchObject({ at: at(35).toISOString(), step: 0, round: 0 });
    inc = apply(inc, plan.events);
    expect(inc.status).toBe('triggered');
    expect(planEscalation(policy, inc, at(40), dir)).toMatchObject({
      events: [],
      nextAt: at(45).toISOString(),
    });
  });

  it('never re-pages an acknowledged incident when the policy has no ack timeout', () => {
    const { ackTimeoutMinutes: _t, ...noTimeout } = policy;
    const acked = applyIncidentEvent(incident(), { type: 'acknowledge', at: at(1).toISOString(), by: 'ana' });
    if (!acked.ok) throw new Error('ack failed');
    expect(planEscalation(noTimeout, acked.value, at(500), dir)).toEqual({
      events: [],
      state: 'acknowledged',
    });
  });

  it('plans nothing for a resolved incident', () => {
    const r = applyIncidentEvent(incident(), { type: 'resolve', at: at(1).toISOString(), by: 'ana' });
    if (!r.ok) throw new Error('resolve failed');
    expect(planEscalation(policy, r.value, at(3), dir)).toEqual({ events: [], state: 'resolved' });
  });

  it('starts over after a reopen', () => {
    let inc = apply(incident(), [
      ...planEscalation(policy, incident(), at(0), dir).events,
      { type: 'resolve', at: at(2).toISOString(), by: 'ana' },
      { type: 'reopen', at: at(50).toISOString(), by: 'system' },
    ]);
    const plan = planEscalation(policy, inc, at(50), dir);
    inc = apply(inc, plan.events);
    expect(pages(inc)).toEqual(['10:00 r0s0 schedule:primary ana', '10:50 r0s0 schedule:primary ana']);
  });
});

describe('resolveTarget', () => {
  it.each([
    [{ type: 'user', id: 'u' }, at(0), ['u']],
    [{ type: 'team', id: 'dba' }, at(0), ['dee', 'eli']],
    [{ type: 'team', id: 'nobody' }, at(0), []],
    [{ type: 'schedule', id: 'primary' }, at(0), ['ana']],
    [{ type: 'schedule', id: 'primary' }, new Date('2026-11-20T11:00:00Z'), ['ben']],
    [{ type: 'schedule', id: 'missing' }, at(0), []],
  ] as const)('%j at %s pages %j', (target, when, users) => {
    expect(resolveTarget(target, when, dir)).toEqual(users);
  });
});
