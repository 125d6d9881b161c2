import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { route } from '../src/ops/routing.js';
import { resolveTarget } from '../src/ops/escalation.js';
import { parseRunbook } from '../src/ops/runbooks.js';
import { silencedBy } from '../src/ops/silences.js';
import { whoIsOnCall } from '../src/ops/schedules.js';
import { testDialects, openTestStore, type TestStore } from './helpers/databases.js';
import { movableClock } from './helpers/server.js';

const dialects = await testDialects();

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`oncall store on ${dialect}`, () => {
    let t: TestStore;
    const clock = movableClock(new Date('2026-03-20T12:00:00.000Z'));

    beforeAll(async () => {
      t = await openTestStore(dialect, { clock });
    });
    afterAll(async () => t?.close());

    it('has the default service from the migration and routes unmatched alerts to it', async () => {
      const def = await t.store.oncall.services.get('default');
      expect(def).toMatchObject({ id: 'default', name: 'Default' });
      const cfg = await t.store.oncall.pipelineConfig();
      expect(cfg.routing).toEqual({ rules: [], defaultServiceId: 'default' });
      expect(Object.keys(cfg.services)).toEqual(['default']);
      await expect(t.store.oncall.services.delete('default')).rejects.toMatchObject({
        code: 'OPSDECK_E_CONFLICT',
      });
    });

    it('builds pipelineConfig and escalationContext from stored rows', async () => {
      const s = t.store.oncall;
      const team = await s.teams.create({ name: 'db', members: ['u1', 'u2'] });
      const schedule = await s.schedules.create({
        name: 'db primary',
        timeZone: 'Europe/Berlin',
        layers: [
          {
            id: 'l1',
            users: ['u1', 'u2'],
            rotation: { type: 'weekly' },
            start: '2026-03-16T09:00',
            timeZone: 'Europe/Berlin',
          },
        ],
      });
      const withOverride = await s.schedules.addOverride(schedule.id, {
        user: 'u3',
        start: '2026-03-20T00:00:00.000Z',
        end: '2026-03-21T00:00:00.000Z',
        createdBy: 'admin',
      });
      expect(withOverride.overrides.map((o) => o.user)).toEqual(['u3']);
      const policy = await s.escalationPolicies.create({
        name: 'db policy',
        steps: [
          { targets: [{ type: 'schedule', id: schedule.id }], delayMinutes: 10 },
          { targets: [{ type: 'team', id: team.id }], delayMinutes: 10 },
        ],
        repeat: 1,
        ackTimeoutMinutes: 30,
      });
      const svc = await s.services.create({
        name: 'Database',
        teamId: team.id,
        escalationPolicyId: policy.id,
        groupBy: ['cluster'],
      });
      await s.routingRules.replace([
        { serviceId: svc.id, matchers: ['team="db"', 'severity=~"critical|error"'] },
        { serviceId: 'default', matchers: ['team="db"'], severities: ['warning'] },
      ]);
      await s.silences.create({
        kind: 'recurring',
        matchers: ['env="staging"'],
        timeZone: 'Europe/Berlin',
        start: '22:00',
        end: '06:00',
        comment: 'nightly',
        createdBy: 'admin',
      });

      const cfg = await s.pipelineConfig();
      expect(cfg.services[svc.id]).toEqual({
        id: svc.id,
        name: 'Database',
        escalationPolicyId: policy.id,
        groupBy: ['cluster'],
      });
      expect(
        route(cfg.routing, {
          labels: { team: 'db', severity: 'error' },
          severity: 'error',
          source: 'alertmanager',
        }),
      ).toEqual({ serviceId: svc.id, ruleIndex: 0 });
      expect(
        route(cfg.routing, { labels: { team: 'db' }, severity: 'warning', source: 'alertmanager' }),
      ).toEqual({ serviceId: 'default', ruleIndex: 1 });
      // 23:30 Berlin (CET, UTC+1) is inside the nightly window, 12:00 is not.
      expect(
        silencedBy(cfg.silences, { labels: { env: 'staging' } }, new Date('2026-03-20T22:30:00Z')),
      ).toBeDefined();
      expect(
        silencedBy(cfg.silences, { labels: { env: 'staging' } }, new Date('2026-03-20T11:00:00Z')),
      ).toBeUndefined();

      const ec = await s.escalationContext(svc.id);
      expect(ec.policy).toEqual({ id: policy.id, steps: policy.steps, repeat: 1, ackTimeoutMinutes: 30 });
      expect(ec.directory.teams[team.id]).toEqual(['u1', 'u2']);
      const sched = ec.directory.schedules[schedule.id];
      expect(sched && whoIsOnCall(sched, new Date('2026-03-20T12:00:00Z'))).toEqual({
        user: 'u3',
        via: 'override',
      });
      expect(sched && whoIsOnCall(sched, new Date('2026-03-23T12:00:00Z'))).toEqual({
        user: 'u2',
        via: 'l1',
      });
      expect(
        resolveTarget({ type: 'schedule', id: schedule.id }, new Date('2026-03-17T12:00:00Z'), ec.directory),
      ).toEqual(['u1']);
      expect((await s.escalationContext('default')).policy).toBeUndefined();
      // Disabled users are named in the directory (escalation does not page them).
      const gone = await t.store.users.create({ username: 'gone', passwordHash: 'x', role: 'engineer' });
      await t.store.users.update(gone.id, { disabled: true });
      expect([...(await s.escalationContext(svc.id)).directory.disabled!]).toEqual([gone.id]);

      // References are kept consistent.
      await expect(s.services.delete(svc.id)).rejects.toMatchObject({ code: 'OPSDECK_E_CONFLICT' });
      await expect(s.escalationPolicies.delete(policy.id)).rejects.toMatchObject({
        code: 'OPSDECK_E_CONFLICT',
      });
      await expect(s.schedules.delete(schedule.id)).rejects.toMatchObject({ code: 'OPSDECK_E_CONFLICT' });
      await expect(s.teams.delete(team.id)).rejects.toMatchObject({ code: 'OPSDECK_E_CONFLICT' });
      await expect(s.services.create({ name: 'Database' })).rejects.toMatchObject({
        code: 'OPSDECK_E_CONFLICT',
      });
    });

    it('keeps exactly one routing list when replacements race', async () => {
      const s = t.store.oncall;
      const lists = Array.from({ length: 6 }, (_, i) =>
        Array.from({ length: 3 }, (_, j) => ({
          serviceId: 'default',
          matchers: [`list="${i}"`, `rule="${j}"`],
        })),
      );
      await Promise.all(lists.map((l) => t.store.transaction((tx) => tx.oncall.routingRules.replace(l))));
      const rules = await s.routingRules.list();
      expect(rules).toHaveLength(3);
      expect(new Set(rules.map((r) => r.matchers[0])).size).toBe(1);
    });

    it('leaves expired silences out of pipelineConfig', async () => {
      const s = t.store.oncall;
      const one = await s.silences.create({
        kind: 'one-off',
        matchers: ['alertname="Deploy"'],
        startsAt: '2026-03-20T11:00:00.000Z',
        endsAt: '2026-03-20T18:00:00.000Z',
        comment: 'deploy',
        createdBy: 'admin',
      });
      expect((await s.pipelineConfig()).silences.map((x) => x.id)).toContain(one.id);
      const expired = await s.silences.expire(one.id);
      expect(expired).toMatchObject({
        endsAt: '2026-03-20T12:00:00.000Z',
        expiredAt: '2026-03-20T12:00:00.000Z',
      });
      expect((await s.pipelineConfig()).silences.map((x) => x.id)).not.toContain(one.id);
    });

    it('versions runbooks by content and keeps the same version for the same content', async () => {
      const s = t.store.oncall;
      const text = (reviewed: string) =>
        `---\nowner: db\nservices: [default]\nmatchers: ['alertname="DiskFull"']\nlast_reviewed: ${reviewed}\n---\n# Disk full\n\nDelete old WAL.\n`;
      const publish = (content: string) => {
        const parsed = parseRunbook('disk-full.md', content);
        if (!parsed.ok) throw new Error(parsed.error.message);
        return s.runbooks.publish({
          path: 'disk-full.md',
          content,
          parsed: parsed.value,
          createdBy: 'admin',
        });
      };
      const a = await publish(text('2026-01-01'));
      expect(a).toMatchObject({ created: true, changed: true, runbook: { version: 1, title: 'Disk full' } });
      expect(await publish(text('2026-01-01'))).toMatchObject({
        created: false,
        changed: false,
        runbook: { version: 1 },
      });
      const b = await publish(text('2026-03-01'));
      expect(b).toMatchObject({
        created: false,
        changed: true,
        runbook: { version: 2, lastReviewed: '2026-03-01' },
      });
      expect((await s.runbooks.versions(a.runbook.id)).map((v) => v.version)).toEqual([2, 1]);
      expect((await s.runbooks.content(a.runbook.id, 1))?.content).toContain('2026-01-01');
      const engine = await s.runbooks.engineRunbooks();
      expect(engine.map((e) => e.runbook.matchers)).toEqual([
        [{ name: 'alertname', op: '=', value: 'DiskFull' }],
      ]);
    });
  });
}
