import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { route } from '../src/ops/routing.js';
import { silencedBy } from '../src/ops/silences.js';
import { processInbox } from '../src/server/ops/processor.js';
import { testDialects } from './helpers/databases.js';
import { createIntegration, ingest } from './helpers/ops.js';
import { buildTestApp, json, movableClock, type TestApp } from './helpers/server.js';

const dialects = await testDialects();

interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path?: string; message: string }> };
}
interface OnCall {
  scheduleId: string;
  at: string;
  onCall: { user: string; username: string | null; via: string; since: string; until: string | null } | null;
  next: { user: string; start: string; end: string } | null;
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`on-call API on ${dialect}`, () => {
    let t: TestApp;
    let admin: string;
    let viewer: string;
    const users: Record<string, string> = {};
    // Wednesday 25 March 2026, 10:00 UTC: Berlin switches to summer time on Sunday 29 March.
    const clock = movableClock(new Date('2026-03-25T10:00:00.000Z'));

    const api = (
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: string,
      payload?: unknown,
      cookie = admin,
    ) =>
      t.app.inject({
        method,
        url,
        headers: t.sessionHeaders(cookie),
        ...(payload !== undefined && { payload: payload as object }),
      });
    const expectInvalid = (res: Awaited<ReturnType<typeof api>>, path: string, message?: RegExp): void => {
      expect(res.statusCode, res.body).toBe(400);
      const body = json<ErrorBody>(res);
      expect(body.error.code).toBe('OPSDECK_E_VALIDATION');
      const detail = body.error.details.find((d) => d.path === path);
      expect(detail, JSON.stringify(body.error.details)).toBeDefined();
      if (message) expect(detail?.message).toMatch(message);
    };
    const auditActions = async (): Promise<string[]> => {
      const res = await api('GET', '/api/audit?limit=500');
      return json<{ entries: Array<{ action: string; actor: string }> }>(res)
        .entries.filter((e) => e.actor === 'user:admin')
        .map((e) => e.action);
    };

    beforeAll(async () => {
      t = await buildTestApp({ dialect, clock });
      admin = await t.login('admin', t.adminPassword);
      for (const [name, role] of [
        ['alice', 'engineer'],
        ['bob', 'engineer'],
        ['carol', 'engineer'],
        ['dave', 'engineer'],
        ['vic', 'viewer'],
      ] as const) {
        const res = await api('POST', '/api/users', { username: name, password: `${name}-password-1`, role });
        expect(res.statusCode).toBe(201);
        users[name] = json<{ user: { id: string } }>(res).user.id;
      }
      viewer = await t.login('vic', 'vic-password-1');
    });
    afterAll(async () => t?.close());

    it('lets viewers read but not change, and refuses anonymous callers', async () => {
      expect((await api('GET', '/api/services', undefined, viewer)).statusCode).toBe(200);
      expect((await api('GET', '/api/on-call', undefined, viewer)).statusCode).toBe(200);
      const writes: Array<['POST' | 'PUT' | 'PATCH' | 'DELETE', string, unknown]> = [
        ['POST', '/api/services', { name: 'X' }],
        ['PATCH', '/api/services/default', { name: 'Y' }],
        ['DELETE', '/api/services/default', undefined],
        ['PUT', '/api/routing-rules', { rules: [] }],
        ['POST', '/api/silences', { kind: 'one-off', matchers: ['a="b"'], endsAt: '2026-03-26T00:00:00Z' }],
        ['POST', '/api/teams', { name: 'T', members: [] }],
        ['POST', '/api/escalation-policies', { name: 'P', steps: [], repeat: 0 }],
        ['POST', '/api/schedules', { name: 'S', timeZone: 'UTC', layers: [] }],
        ['POST', '/api/runbooks', { path: 'x.md', content: 'x' }],
      ];
      for (const [method, url, payload] of writes) {
        const res = await api(method, url, payload, viewer);
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(json<ErrorBody>(res).error.code).toBe('OPSDECK_E_FORBIDDEN');
      }
      const anon = await t.app.inject({ method: 'GET', url: '/api/on-call' });
      expect(anon.statusCode).toBe(401);
    });

    it('manages services and routing rules in order, audited, with JSON pointers on bad input', async () => {
      const db = json<{ service: { id: string } }>(
        await api('POST', '/api/services', { name: 'Database', groupBy: ['cluster'] }),
      ).service;
      const web = json<{ service: { id: string } }>(
        await api('POST', '/api/services', { name: 'Web' }),
      ).service;
      expect((await api('POST', '/api/services', { name: 'Web' })).statusCode).toBe(409);
      expectInvalid(
        await api('POST', '/api/services', { name: 'Z', teamId: 'nope' }),
        '/body/teamId',
        /no team/,
      );
      expectInvalid(await api('POST', '/api/services', { name: 'Z', extra: 1 }), '/body/extra');

      expectInvalid(
        await api('PUT', '/api/routing-rules', {
          rules: [{ serviceId: db.id, matchers: ['team="db"', 'env=prod', 'severity=="x'] }],
        }),
        '/body/rules/0/matchers/2',
        /is not a matcher/,
      );
      expectInvalid(
        await api('PUT', '/api/routing-rules', { rules: [{ serviceId: 'ghost', matchers: [] }] }),
        '/body/rules/0/serviceId',
      );

      const put = await api('PUT', '/api/routing-rules', {
        rules: [
          { serviceId: db.id, matchers: ['team="db"'] },
          { serviceId: web.id, matchers: ['severity=~"critical|error"'], sources: ['alertmanager'] },
        ],
      });
      expect(put.statusCode, put.body).toBe(200);
      const cfg = await t.store.oncall.pipelineConfig();
      const alert = (labels: Record<string, string>, severity: 'critical' | 'error' | 'warning') => ({
        labels: { ...labels, severity },
        severity,
        source: 'alertmanager' as const,
      });
      expect(route(cfg.routing, alert({ team: 'db' }, 'critical')).serviceId).toBe(db.id);
      expect(route(cfg.routing, alert({ team: 'web' }, 'error')).serviceId).toBe(web.id);
      expect(route(cfg.routing, alert({ team: 'web' }, 'warning')).serviceId).toBe('default');
      expect(cfg.services[db.id]?.groupBy).toEqual(['cluster']);

      // Reordered: the severity rule now wins for the db alert.
      await api('PUT', '/api/routing-rules', {
        rules: [
          { serviceId: web.id, matchers: ['severity=~"critical|error"'] },
          { serviceId: db.id, matchers: ['team="db"'] },
        ],
      });
      const reordered = await t.store.oncall.pipelineConfig();
      expect(route(reordered.routing, alert({ team: 'db' }, 'critical')).serviceId).toBe(web.id);
      const listed = json<{ items: Array<{ serviceId: string }>; defaultServiceId: string }>(
        await api('GET', '/api/routing-rules', undefined, viewer),
      );
      expect(listed.items.map((r) => r.serviceId)).toEqual([web.id, db.id]);
      expect(listed.defaultServiceId).toBe('default');

      // A routed-to service cannot go; the default service never can.
      expect((await api('DELETE', `/api/services/${web.id}`)).statusCode).toBe(409);
      expect((await api('DELETE', '/api/services/default')).statusCode).toBe(409);
      const renamed = await api('PATCH', `/api/services/${web.id}`, { name: 'Frontend', groupBy: null });
      expect(json<{ service: { name: string; groupBy: null } }>(renamed).service).toMatchObject({
        name: 'Frontend',
        groupBy: null,
      });
      expect(await auditActions()).toEqual(
        expect.arrayContaining(['service.create', 'routing.update', 'service.update']),
      );
    });

    it('silences recurring nightly and weekend windows at the right instants across DST', async () => {
      expectInvalid(
        await api('POST', '/api/silences', {
          kind: 'recurring',
          matchers: ['env="staging"'],
          timeZone: 'Mars/Olympus_Mons',
          start: '22:00',
          end: '06:00',
        }),
        '/body/timeZone',
        /IANA/,
      );
      expectInvalid(
        await api('POST', '/api/silences', {
          kind: 'one-off',
          matchers: ['a="1"', 'b="2"', 'job=~"("'],
          endsAt: '2026-03-26T00:00:00Z',
        }),
        '/body/matchers/2',
        /invalid regular expression/,
      );
      // Matchers that all match a missing label would mute every alert (Alertmanager refuses them too).
      for (const matchers of [['a=""'], ['a=~".*"', 'b!="x"'], ['a!~".+"']])
        expectInvalid(
          await api('POST', '/api/silences', { kind: 'one-off', matchers, endsAt: '2026-03-26T00:00:00Z' }),
          '/body/matchers',
          /must not match the empty string/,
        );
      const narrowed = await api('POST', '/api/silences', {
        kind: 'one-off',
        matchers: ['a=~".*"', 'b="x"'],
        endsAt: '2026-03-26T00:00:00Z',
      });
      expect(narrowed.statusCode, narrowed.body).toBe(201);
      expect(
        (await api('POST', `/api/silences/${json<{ silence: { id: string } }>(narrowed).silence.id}/expire`))
          .statusCode,
      ).toBe(200);
      expectInvalid(
        await api('POST', '/api/silences', {
          kind: 'one-off',
          matchers: ['a="1"'],
          endsAt: '2026-03-24T00:00:00Z',
        }),
        '/body/endsAt',
      );
      expectInvalid(
        await api('POST', '/api/silences', {
          kind: 'recurring',
          matchers: ['a="1"'],
          timeZone: 'UTC',
          end: '06:00',
        }),
        '/body/start',
        /required/,
      );
      expectInvalid(
        await api('POST', '/api/silences', {
          kind: 'recurring',
          matchers: ['a="1"'],
          timeZone: 'UTC',
          start: '25:00',
          end: '06:00',
        }),
        '/body/start',
      );

      const nightly = await api('POST', '/api/silences', {
        kind: 'recurring',
        matchers: ['env="staging"'],
        timeZone: 'Europe/Berlin',
        start: '22:00',
        end: '06:00',
        comment: 'nightly batch',
      });
      expect(nightly.statusCode, nightly.body).toBe(201);
      const weekends = await api('POST', '/api/silences', {
        kind: 'recurring',
        matchers: ['team="batch"'],
        timeZone: 'Europe/Berlin',
        days: [7, 6],
        start: '00:00',
        end: '24:00',
      });
      expect(json<{ silence: { days: number[] } }>(weekends).silence.days).toEqual([6, 7]);
      const deploy = json<{ silence: { id: string; active: boolean } }>(
        await api('POST', '/api/silences', {
          kind: 'one-off',
          matchers: ['alertname="Deploy"'],
          endsAt: '2026-03-25T12:00:00Z',
        }),
      ).silence;
      expect(deploy.active).toBe(true);

      const { silences } = await t.store.oncall.pipelineConfig();
      const muted = (labels: Record<string, string>, at: string) =>
        silencedBy(silences, { labels }, new Date(at)) !== undefined;
      const staging = { env: 'staging' };
      // Winter time (UTC+1): 22:30 Berlin is 21:30Z; 21:30 Berlin is 20:30Z.
      expect(muted(staging, '2026-03-25T21:30:00Z')).toBe(true);
      expect(muted(staging, '2026-03-25T20:30:00Z')).toBe(false);
      expect(muted(staging, '2026-03-26T04:59:00Z')).toBe(true);
      expect(muted(staging, '2026-03-26T05:00:00Z')).toBe(false);
      // Summer time (UTC+2) after 29 March: the window stays 22:00-06:00 local.
      expect(muted(staging, '2026-04-01T20:30:00Z')).toBe(true);
      expect(muted(staging, '2026-04-01T19:30:00Z')).toBe(false);
      expect(muted(staging, '2026-04-02T03:59:00Z')).toBe(true);
      expect(muted(staging, '2026-04-02T04:00:00Z')).toBe(false);
      expect(muted({ env: 'prod' }, '2026-03-25T21:30:00Z')).toBe(false);
      // Weekends in Berlin: Friday 23:59 local is not, Saturday 00:30 local is.
      const batch = { team: 'batch' };
      expect(muted(batch, '2026-03-27T22:59:00Z')).toBe(false);
      expect(muted(batch, '2026-03-27T23:30:00Z')).toBe(true);
      expect(muted(batch, '2026-03-29T21:59:00Z')).toBe(true);
      expect(muted(batch, '2026-03-29T22:00:00Z')).toBe(false);

      const expired = await api('POST', `/api/silences/${deploy.id}/expire`);
      expect(json<{ silence: { active: boolean; expiredAt: string } }>(expired).silence).toMatchObject({
        active: false,
        expiredAt: '2026-03-25T10:00:00.000Z',
      });
      const current = json<{ items: Array<{ id: string }> }>(await api('GET', '/api/silences'));
      expect(current.items.map((s) => s.id)).not.toContain(deploy.id);
      const all = json<{ items: Array<{ id: string }> }>(await api('GET', '/api/silences?state=all'));
      expect(all.items.map((s) => s.id)).toContain(deploy.id);
      expect((await t.store.oncall.pipelineConfig()).silences.map((s) => s.id)).not.toContain(deploy.id);
      expect(await auditActions()).toEqual(expect.arrayContaining(['silence.create', 'silence.expire']));
    });

    it('answers who is on call through a DST week in Europe/Berlin, overrides winning', async () => {
      expectInvalid(
        await api('POST', '/api/schedules', {
          name: 'bad zone',
          timeZone: 'Europe/Atlantis',
          layers: [{ users: [users['alice']], rotation: { type: 'weekly' }, start: '2026-03-23T09:00' }],
        }),
        '/body/timeZone',
        /IANA/,
      );
      expectInvalid(
        await api('POST', '/api/schedules', {
          name: 'bad start',
          timeZone: 'Europe/Berlin',
          layers: [{ users: [users['alice']], rotation: { type: 'weekly' }, start: 'next monday' }],
        }),
        '/body/layers/0/start',
      );
      expectInvalid(
        await api('POST', '/api/schedules', {
          name: 'impossible start',
          timeZone: 'Europe/Berlin',
          layers: [{ users: [users['alice']], rotation: { type: 'weekly' }, start: '2026-02-30T09:00' }],
        }),
        '/body/layers/0/start',
      );
      expectInvalid(
        await api('POST', '/api/schedules', {
          name: 'bad user',
          timeZone: 'Europe/Berlin',
          layers: [
            { users: [users['alice'], 'ghost'], rotation: { type: 'hours' }, start: '2026-03-23T09:00' },
          ],
        }),
        '/body/layers/0/users/1',
      );

      const created = await api('POST', '/api/schedules', {
        name: 'Primary',
        timeZone: 'Europe/Berlin',
        layers: [
          { users: [users['alice'], users['bob']], rotation: { type: 'weekly' }, start: '2026-03-23T09:00' },
        ],
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = json<{ schedule: { id: string; layers: Array<{ id: string; timeZone: string }> } }>(created)
        .schedule.id;

      // Monday 09:00 local both weeks: 08:00Z in winter, 07:00Z in summer, so that shift is 167 h.
      const shifts = json<{ items: Array<{ username: string; start: string; end: string; via: string }> }>(
        await api('GET', `/api/schedules/${id}/shifts?from=2026-03-23T00:00:00Z&to=2026-04-06T00:00:00Z`),
      ).items;
      expect(shifts).toEqual([
        {
          user: users['alice'],
          username: 'alice',
          via: 'layer-1',
          start: '2026-03-23T08:00:00.000Z',
          end: '2026-03-30T07:00:00.000Z',
        },
        {
          user: users['bob'],
          username: 'bob',
          via: 'layer-1',
          start: '2026-03-30T07:00:00.000Z',
          end: '2026-04-06T00:00:00.000Z',
        },
      ]);
      const at = async (instant: string) =>
        json<OnCall>(await api('GET', `/api/schedules/${id}/on-call?at=${instant}`, undefined, viewer));
      expect((await at('2026-03-30T06:59:00Z')).onCall).toMatchObject({
        username: 'alice',
        since: '2026-03-23T08:00:00.000Z',
        until: '2026-03-30T07:00:00.000Z',
      });
      expect((await at('2026-03-30T07:00:00Z')).onCall).toMatchObject({
        username: 'bob',
        since: '2026-03-30T07:00:00.000Z',
        until: '2026-04-06T07:00:00.000Z',
      });
      expect((await at('2026-03-23T07:59:00Z')).onCall).toBeNull();
      expect((await at('2026-03-23T07:59:00Z')).next).toMatchObject({ user: users['alice'] });

      expectInvalid(
        await api('POST', `/api/schedules/${id}/overrides`, {
          user: users['carol'],
          start: '2026-03-25T18:00:00Z',
          end: '2026-03-25T12:00:00Z',
        }),
        '/body/end',
      );
      for (const [who, start, end] of [
        ['carol', '2026-03-25T12:00:00Z', '2026-03-25T18:00:00Z'],
        ['dave', '2026-03-25T15:00:00Z', '2026-03-25T16:00:00Z'],
      ] as const) {
        const res = await api('POST', `/api/schedules/${id}/overrides`, { user: users[who], start, end });
        expect(res.statusCode, res.body).toBe(201);
      }
      expect((await at('2026-03-25T13:00:00Z')).onCall).toMatchObject({
        username: 'carol',
        via: 'override',
        since: '2026-03-25T12:00:00.000Z',
        until: '2026-03-25T15:00:00.000Z',
      });
      expect((await at('2026-03-25T15:30:00Z')).onCall).toMatchObject({ username: 'dave', via: 'override' });
      expect((await at('2026-03-25T16:30:00Z')).onCall).toMatchObject({
        username: 'carol',
        until: '2026-03-25T18:00:00.000Z',
      });
      expect((await at('2026-03-25T18:00:00Z')).onCall).toMatchObject({ username: 'alice', via: 'layer-1' });

      // "Now" is the clock's 10:00Z; /api/on-call lists every schedule.
      const now = json<{ at: string; items: OnCall[] }>(await api('GET', '/api/on-call', undefined, viewer));
      expect(now.at).toBe('2026-03-25T10:00:00.000Z');
      expect(now.items.find((i) => i.scheduleId === id)?.onCall).toMatchObject({
        username: 'alice',
        until: '2026-03-25T12:00:00.000Z',
      });
      const later = json<{ items: OnCall[] }>(await api('GET', '/api/on-call?at=2026-03-25T15:30:00Z'));
      expect(later.items.find((i) => i.scheduleId === id)?.onCall?.username).toBe('dave');

      const range = await api(
        'GET',
        `/api/schedules/${id}/shifts?from=2026-03-25T00:00:00Z&to=2026-03-24T00:00:00Z`,
      );
      expectInvalid(range, '/querystring/to');
      expect((await api('GET', '/api/schedules/nope/on-call')).statusCode).toBe(404);
      expect(await auditActions()).toEqual(
        expect.arrayContaining(['schedule.create', 'schedule.override.create']),
      );
    });

    it('keeps teams and escalation policies consistent and feeds escalationContext', async () => {
      expectInvalid(
        await api('POST', '/api/teams', { name: 'DBA', members: [users['alice'], 'ghost'] }),
        '/body/members/1',
      );
      const team = json<{ team: { id: string; members: Array<{ username: string }> } }>(
        await api('POST', '/api/teams', { name: 'DBA', members: [users['alice'], users['bob']] }),
      ).team;
      expect(team.members.map((m) => m.username)).toEqual(['alice', 'bob']);
      const schedules = json<{ items: Array<{ id: string; name: string }> }>(
        await api('GET', '/api/schedules'),
      ).items;
      const primary = schedules.find((s) => s.name === 'Primary');
      expectInvalid(
        await api('POST', '/api/escalation-policies', {
          name: 'DB',
          steps: [{ targets: [{ type: 'schedule', id: 'ghost' }], delayMinutes: 5 }],
          repeat: 0,
        }),
        '/body/steps/0/targets/0/id',
      );
      expectInvalid(
        await api('POST', '/api/escalation-policies', { name: 'DB', steps: [], repeat: 0 }),
        '/body/steps',
      );
      const created = await api('POST', '/api/escalation-policies', {
        name: 'DB',
        steps: [
          { targets: [{ type: 'schedule', id: primary?.id }], delayMinutes: 10 },
          {
            targets: [
              { type: 'team', id: team.id },
              { type: 'user', id: users['carol'] },
            ],
            delayMinutes: 15,
          },
        ],
        repeat: 2,
        ackTimeoutMinutes: 30,
      });
      expect(created.statusCode, created.body).toBe(201);
      const policy = json<{ policy: { id: string } }>(created).policy;
      const svc = json<{ service: { id: string } }>(
        await api('POST', '/api/services', {
          name: 'Payments',
          teamId: team.id,
          escalationPolicyId: policy.id,
        }),
      ).service;

      const ec = await t.store.oncall.escalationContext(svc.id);
      expect(ec.policy).toMatchObject({ id: policy.id, repeat: 2, ackTimeoutMinutes: 30 });
      expect(ec.directory.teams[team.id]).toEqual([users['alice'], users['bob']]);
      expect(Object.keys(ec.directory.schedules)).toContain(primary?.id);

      expect((await api('DELETE', `/api/escalation-policies/${policy.id}`)).statusCode).toBe(409);
      expect((await api('DELETE', `/api/teams/${team.id}`)).statusCode).toBe(409);
      expect((await api('DELETE', `/api/schedules/${primary?.id}`)).statusCode).toBe(409);
      const patched = await api('PATCH', `/api/escalation-policies/${policy.id}`, {
        ackTimeoutMinutes: null,
      });
      expect(json<{ policy: { ackTimeoutMinutes: null } }>(patched).policy.ackTimeoutMinutes).toBeNull();
      expect((await t.store.oncall.escalationContext(svc.id)).policy?.ackTimeoutMinutes).toBeUndefined();
      const members = await api('PATCH', `/api/teams/${team.id}`, { members: [users['dave']] });
      expect(json<{ team: { members: Array<{ username: string }> } }>(members).team.members).toEqual([
        { id: users['dave'], username: 'dave' },
      ]);
      expect(await auditActions()).toEqual(
        expect.arrayContaining([
          'team.create',
          'team.update',
          'escalation-policy.create',
          'escalation-policy.update',
        ]),
      );
    });

    it('versions runbooks, flags stale ones and reports front-matter errors with file:line', async () => {
      const text = (reviewed: string, extra = '') =>
        `---\nowner: dba\nservices: [default]\nmatchers:\n  - alertname="DiskFull"\nlast_reviewed: ${reviewed}\n---\n# Disk full\n\nDrop old WAL segments.${extra}\n`;
      const bad = await api('POST', '/api/runbooks', {
        path: 'db/disk-full.md',
        content: '---\nowner: dba\nmatchers:\n  - "bad matcher"\nlast_reviewed: 2026-01-01\n---\n# x\n',
      });
      expectInvalid(bad, '/body/content', /db\/disk-full\.md:3: matchers\[0\]/);

      const v1 = await api('POST', '/api/runbooks', { path: 'db/disk-full.md', content: text('2025-12-01') });
      expect(v1.statusCode, v1.body).toBe(201);
      const rb = json<{ runbook: { id: string; version: number; stale: boolean; title: string } }>(
        v1,
      ).runbook;
      expect(rb).toMatchObject({ version: 1, stale: true, title: 'Disk full' });
      const same = await api('POST', '/api/runbooks', {
        path: 'db/disk-full.md',
        content: text('2025-12-01'),
      });
      expect(same.statusCode).toBe(200);
      expect(json<{ changed: boolean; runbook: { version: number } }>(same)).toMatchObject({
        changed: false,
        runbook: { version: 1 },
      });
      const v2 = await api('POST', '/api/runbooks', {
        path: 'db/disk-full.md',
        content: text('2026-03-20', '\nThen vacuum.'),
      });
      expect(json<{ changed: boolean; runbook: { version: number; stale: boolean } }>(v2)).toMatchObject({
        changed: true,
        runbook: { version: 2, stale: false },
      });
      const versions = json<{ items: Array<{ version: number; createdBy: string }> }>(
        await api('GET', `/api/runbooks/${rb.id}/versions`, undefined, viewer),
      ).items;
      expect(versions.map((v) => [v.version, v.createdBy])).toEqual([
        [2, 'admin'],
        [1, 'admin'],
      ]);
      const old = json<{ content: string }>(await api('GET', `/api/runbooks/${rb.id}/versions/1`));
      expect(old.content).toContain('2025-12-01');
      const current = json<{ content: string; runbook: { matchers: string[] } }>(
        await api('GET', `/api/runbooks/${rb.id}`),
      );
      expect(current.content).toContain('Then vacuum.');
      expect(current.runbook.matchers).toEqual(['alertname="DiskFull"']);
      // Stale means more than 90 days since the review (now is 2026-03-25): 2025-12-24 is 91 days, 2025-12-26 is 89.
      for (const [path, reviewed] of [
        ['a-91-days.md', '2025-12-24'],
        ['b-89-days.md', '2025-12-26'],
      ] as const) {
        expect((await api('POST', '/api/runbooks', { path, content: text(reviewed) })).statusCode).toBe(201);
      }
      const list = json<{ items: Array<{ path: string; stale: boolean }> }>(
        await api('GET', '/api/runbooks'),
      ).items;
      expect(list.map((r) => [r.path, r.stale])).toEqual([
        ['a-91-days.md', true],
        ['b-89-days.md', false],
        ['db/disk-full.md', false],
      ]);
      expect((await api('GET', `/api/runbooks/${rb.id}/versions/3`)).statusCode).toBe(404);
      expect(await auditActions()).toEqual(expect.arrayContaining(['runbook.create', 'runbook.version']));
    });
    it("attaches runbooks to an incident by its alerts' labels or its service, flagging stale ones", async () => {
      const rb = (reviewed: string, head: string) =>
        `---\nowner: dba\n${head}\nlast_reviewed: ${reviewed}\n---\n# Runbook\n`;
      for (const [path, content] of [
        [
          'incident/replication-lag.md',
          rb('2025-11-01', 'matchers:\n  - alertname="ReplicationLag"\n  - cluster=~"eu-.*"'),
        ],
        [
          'incident/other-alert.md',
          rb('2026-03-01', 'services: [payments]\nmatchers:\n  - alertname="Other"'),
        ],
        [
          'incident/wrong-cluster.md',
          rb('2026-03-01', 'matchers:\n  - alertname="ReplicationLag"\n  - cluster="us-1"'),
        ],
      ] as const) {
        const res = await api('POST', '/api/runbooks', { path, content });
        expect(res.statusCode, res.body).toBe(201);
      }
      const am = await createIntegration(t, admin, 'alertmanager');
      const alert = {
        status: 'firing',
        labels: { alertname: 'ReplicationLag', cluster: 'eu-2', severity: 'warning' },
        annotations: { summary: 'replica 40 s behind' },
        startsAt: '2026-03-25T09:58:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint: 'a1b2c3d4e5f60718',
      };
      const sent = await ingest(t, am, {
        version: '4',
        receiver: 'opsdeck',
        status: 'firing',
        alerts: [alert],
        groupLabels: { alertname: 'ReplicationLag' },
        commonLabels: alert.labels,
        commonAnnotations: alert.annotations,
        externalURL: 'http://alertmanager:9093',
        groupKey: '{}:{alertname="ReplicationLag"}',
        truncatedAlerts: 0,
      });
      expect(sent.statusCode, sent.body).toBe(202);
      await processInbox(t.app.opsdeck);
      const [incident] = await t.store.ops.incidents.list({ limit: 1 });
      expect(incident?.serviceId).toBe('default');

      const res = await api('GET', `/api/incidents/${incident?.id}/runbooks`, undefined, viewer);
      expect(res.statusCode, res.body).toBe(200);
      const items = json<{
        items: Array<{ runbook: { path: string; stale: boolean }; alerts: string[]; content: string }>;
      }>(res).items;
      const byPath = new Map(items.map((i) => [i.runbook.path, i]));
      expect(byPath.get('incident/replication-lag.md')).toMatchObject({ runbook: { stale: true } });
      expect(byPath.get('incident/replication-lag.md')?.alerts).toHaveLength(1);
      expect(byPath.get('incident/replication-lag.md')?.content).toContain('# Runbook');
      // Runbooks that list the incident's service (default) match too; the others do not.
      expect(byPath.get('db/disk-full.md')).toMatchObject({ runbook: { stale: false } });
      expect(byPath.has('incident/other-alert.md')).toBe(false);
      expect(byPath.has('incident/wrong-cluster.md')).toBe(false);
      expect((await api('GET', '/api/incidents/nope/runbooks')).statusCode).toBe(404);
    });
  });
}
