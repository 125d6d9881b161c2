import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireStaleAlerts, processInbox } from '../src/server/ops/processor.js';
import { testDialects } from './helpers/databases.js';
import {
  amPayload,
  amWebhook,
  createIntegration,
  fixtureText,
  ingest,
  type TestIntegration,
} from './helpers/ops.js';
import { buildTestApp, json, movableClock, type TestApp } from './helpers/server.js';

const dialects = await testDialects();

interface IncidentView {
  id: string;
  number: number;
  serviceId: string;
  title: string;
  severity: string;
  status: string;
  assigneeId: string | null;
  groupKey: string;
  episode: number;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  silenced: boolean;
  alertCount: number;
  firingCount: number;
  labels: Record<string, string>;
}
interface IncidentDetail {
  incident: IncidentView;
  alerts: { dedupKey: string; status: string; incidentId: string | null }[];
  timeline: { kind: string; at: string; [k: string]: unknown }[];
  metrics: { ttaSeconds: number | null; ttrSeconds: number | null };
  users: Record<string, string>;
  targets: Record<string, string>;
}
interface ErrorBody {
  error: { code: string; details: { path?: string; message: string }[] };
}

const MINUTE = 60_000;

/** The incidents an `incident.changed` job with this change was queued for (oldest first). */
async function changedJobs(t: TestApp, change: string): Promise<string[]> {
  return (await t.store.notify.jobs.list({ kind: 'incident.changed', limit: 1000 }))
    .map((j) => j.payload as { incidentId: string; change: string })
    .filter((p) => p.change === change)
    .map((p) => p.incidentId);
}

/** POST /api/silences: a one-off silence of `matchers` for the next hour of `clock`. */
function silenceForAnHour(
  t: TestApp,
  cookie: string,
  clock: { now(): Date },
  matchers: string[],
  comment: string,
) {
  return t.app.inject({
    method: 'POST',
    url: '/api/silences',
    headers: t.sessionHeaders(cookie),
    payload: {
      kind: 'one-off',
      matchers,
      endsAt: new Date(clock.now().getTime() + 60 * MINUTE).toISOString(),
      comment,
    },
  });
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`incidents on ${dialect}`, () => {
    describe('from Alertmanager groups to incidents', () => {
      let t: TestApp;
      let admin: string;
      let am: TestIntegration;
      const clock = movableClock(new Date('2026-11-26T19:16:05.000Z'));
      beforeAll(async () => {
        t = await buildTestApp({ dialect, clock });
        admin = await t.login('admin', t.adminPassword);
        am = await createIntegration(t, admin, 'alertmanager');
      });
      afterAll(async () => t?.close());
      const get = <T>(url: string) =>
        t.app.inject({ method: 'GET', url, cookies: { opsdeck_session: admin } }).then((r) => json<T>(r));
      const jobs = async () =>
        (await t.store.notify.jobs.list({ kind: 'incident.changed', limit: 1000 })).map(
          (j) => j.payload as { incidentId: string; change: string },
        );

      it('opens one incident per Alertmanager group, attaches later alerts, and resolves when all resolve', async () => {
        expect((await ingest(t, am, amPayload('payload-1.json'))).statusCode).toBe(202);
        expect((await ingest(t, am, amPayload('payload-2.json'))).statusCode).toBe(202);
        // Nothing is an incident before the processor runs; the alerts are already stored.
        expect((await get<{ items: unknown[] }>('/api/incidents')).items).toHaveLength(0);
        expect(await processInbox(t.app.opsdeck)).toBe(2);
        expect(await t.store.ops.inbox.count()).toBe(0);

        let list = (await get<{ items: IncidentView[] }>('/api/incidents?status=open')).items;
        expect(list.map((i) => [i.number, i.title, i.status, i.severity, i.serviceId])).toEqual([
          [2, 'disk 95%', 'triggered', expect.any(String), 'default'],
          [1, '5xx > 5% on checkout', 'triggered', 'critical', 'default'],
        ]);
        const checkout = list.find((i) => i.number === 1)!;
        expect(checkout.groupKey).toBe(
          'default/alertmanager:{}:{alertname="HighErrorRate", service="checkout"}',
        );
        expect(checkout).toMatchObject({ alertCount: 1, firingCount: 1, episode: 1, silenced: false });
        expect(checkout.labels).toMatchObject({
          alertname: 'HighErrorRate',
          service: 'checkout',
          instance: 'web-1',
        });
        expect(
          (await jobs())
            .filter((j) => j.change === 'opened')
            .map((j) => j.incidentId)
            .sort(),
        ).toEqual(list.map((i) => i.id).sort());

        // web-1 resolves and web-2 fires in the same group: same incident, still open.
        clock.advance(5 * MINUTE);
        await ingest(t, am, amPayload('payload-3.json'));
        await processInbox(t.app.opsdeck);
        let detail = await get<IncidentDetail>(`/api/incidents/${checkout.id}`);
        expect(detail.incident).toMatchObject({ status: 'triggered', alertCount: 2, firingCount: 1 });
        expect(detail.incident.labels).toEqual(
          expect.objectContaining({ alertname: 'HighErrorRate', service: 'checkout' }),
        );
        expect(detail.incident.labels['instance']).toBeUndefined();
        expect(detail.alerts.map((a) => [a.dedupKey, a.status]).sort()).toEqual([
          ['alertmanager:a579f21fdcddf972', 'firing'],
          ['alertmanager:b1c11497b32ce15e', 'resolved'],
        ]);

        // The last alert resolves: the incident resolves by itself.
        clock.advance(5 * MINUTE);
        await ingest(t, am, amPayload('payload-4.json'));
        await processInbox(t.app.opsdeck);
        detail = await get<IncidentDetail>(`/api/incidents/${checkout.id}`);
        expect(detail.incident.status).toBe('resolved');
        expect(detail.incident.resolvedAt).toBe(clock.now().toISOString());
        expect(detail.metrics).toEqual({ ttaSeconds: null, ttrSeconds: 600 });
        expect(detail.timeline.map((e) => `${e.kind}:${String(e['to'] ?? e['status'])}`)).toEqual([
          'status:triggered',
          'alert:firing',
          'alert:firing',
          'alert:resolved',
          'alert:resolved',
          'status:resolved',
        ]);
        expect(detail.timeline.at(-1)).toMatchObject({ by: 'system', reason: 'all alerts resolved' });
        expect(await jobs()).toContainEqual({ incidentId: checkout.id, change: 'resolved' });

        // The DiskFull incident is untouched.
        list = (await get<{ items: IncidentView[] }>('/api/incidents?status=open')).items;
        expect(list.map((i) => i.number)).toEqual([2]);
      });

      it('opens a new episode (a new incident) when a resolved group fires again', async () => {
        clock.advance(MINUTE);
        const again = amPayload('payload-1.json');
        (again['alerts'] as Record<string, unknown>[])[0]!['startsAt'] = clock.now().toISOString();
        await ingest(t, am, again);
        await processInbox(t.app.opsdeck);
        const list = (await get<{ items: IncidentView[] }>('/api/incidents?status=triggered')).items;
        expect(list[0]).toMatchObject({ number: 3, episode: 2, title: '5xx > 5% on checkout' });
      });

      it('pages through incidents with a cursor and filters by severity and service', async () => {
        const p1 = await get<{ items: IncidentView[]; nextCursor: string | null }>('/api/incidents?limit=2');
        expect(p1.items.map((i) => i.number)).toEqual([3, 2]);
        expect(p1.nextCursor).toBe('2');
        const p2 = await get<{ items: IncidentView[]; nextCursor: string | null }>(
          `/api/incidents?limit=2&cursor=${p1.nextCursor}`,
        );
        expect(p2.items.map((i) => i.number)).toEqual([1]);
        expect(p2.nextCursor).toBeNull();
        const critical = await get<{ items: IncidentView[] }>('/api/incidents?severity=critical');
        expect(critical.items.every((i) => i.severity === 'critical')).toBe(true);
        expect((await get<{ items: IncidentView[] }>('/api/incidents?serviceId=nope')).items).toEqual([]);
        const bad = await t.app.inject({
          method: 'GET',
          url: '/api/incidents?status=sleeping',
          cookies: { opsdeck_session: admin },
        });
        expect(bad.statusCode).toBe(400);
        expect(json<ErrorBody>(bad).error.details[0]?.path).toMatch(/^\/querystring\/status/);
        const alerts = await get<{ items: { dedupKey: string }[] }>('/api/alerts?status=firing&q=checkout');
        expect(alerts.items.map((a) => a.dedupKey)).toEqual(['alertmanager:b1c11497b32ce15e']);
      });
    });

    describe('incident actions, audit, MTTA/MTTR and permissions', () => {
      let t: TestApp;
      let admin: string;
      let viewer: string;
      let engineerId: string;
      let incidentId: string;
      const clock = movableClock(new Date('2026-11-27T08:00:00.000Z'));
      beforeAll(async () => {
        t = await buildTestApp({ dialect, clock });
        admin = await t.login('admin', t.adminPassword);
        for (const [username, role] of [
          ['vera', 'viewer'],
          ['eddie', 'engineer'],
        ]) {
          const r = await t.app.inject({
            method: 'POST',
            url: '/api/users',
            headers: t.sessionHeaders(admin),
            payload: { username, password: `${username}-password-1`, role },
          });
          if (username === 'eddie') engineerId = json<{ user: { id: string } }>(r).user.id;
        }
        viewer = await t.login('vera', 'vera-password-1');
        const am = await createIntegration(t, admin, 'alertmanager');
        await ingest(t, am, amPayload('payload-2.json'));
        await processInbox(t.app.opsdeck);
        incidentId = (await t.store.ops.incidents.list({ limit: 1 }))[0]!.id;
      });
      afterAll(async () => t?.close());

      const act = (path: string, payload?: object, cookie = admin) =>
        t.app.inject({
          method: 'POST',
          url: `/api/incidents/${incidentId}/${path}`,
          headers: t.sessionHeaders(cookie),
          ...(payload && { payload }),
        });

      it('acknowledges, annotates, reassigns, changes severity, resolves and reopens; refuses invalid transitions with 409', async () => {
        clock.advance(2 * MINUTE);
        const unknown = await act('acknowledge', { x: 1 });
        expect(unknown.statusCode).toBe(400);
        expect(json<ErrorBody>(unknown).error.code).toBe('OPSDECK_E_VALIDATION');
        const ack = await act('acknowledge');
        expect(ack.statusCode).toBe(200);
        expect(json<{ incident: IncidentView }>(ack).incident).toMatchObject({
          status: 'acknowledged',
          acknowledgedAt: clock.now().toISOString(),
        });
        const twice = await act('acknowledge');
        expect(twice.statusCode).toBe(409);
        expect(json<ErrorBody>(twice).error.code).toBe('OPSDECK_E_CONFLICT');
        expect((await act('reopen')).statusCode).toBe(409);

        expect((await act('notes', { text: 'disk at 97%, pruning WAL' })).statusCode).toBe(200);
        const reassign = await act('reassign', { userId: engineerId });
        expect(json<{ incident: IncidentView }>(reassign).incident.assigneeId).toBe(engineerId);
        const nobody = await act('reassign', { userId: 'no-such-user' });
        expect(nobody.statusCode).toBe(400);
        expect(json<ErrorBody>(nobody).error.details[0]?.path).toBe('/body/userId');
        const sev = await act('severity', { severity: 'critical' });
        expect(json<{ incident: IncidentView }>(sev).incident.severity).toBe('critical');
        expect((await act('severity', { severity: 'apocalyptic' })).statusCode).toBe(400);
        expect((await act('notes', { text: '' })).statusCode).toBe(400);

        clock.advance(8 * MINUTE);
        const resolved = await act('resolve', { reason: 'WAL pruned' });
        expect(json<{ incident: IncidentView }>(resolved).incident.status).toBe('resolved');
        expect((await act('resolve')).statusCode).toBe(409);

        const detail = json<IncidentDetail>(
          await t.app.inject({
            method: 'GET',
            url: `/api/incidents/${incidentId}`,
            cookies: { opsdeck_session: admin },
          }),
        );
        expect(detail.metrics).toEqual({ ttaSeconds: 120, ttrSeconds: 600 });
        expect(detail.timeline.map((e) => e.kind)).toEqual([
          'status',
          'alert',
          'ack',
          'status',
          'note',
          'reassign',
          'severity',
          'status',
        ]);
        expect(detail.timeline.at(-1)).toMatchObject({ to: 'resolved', reason: 'WAL pruned' });
        expect(Object.values(detail.users).sort()).toEqual(['admin', 'eddie']);

        const reopen = await act('reopen', { reason: 'disk filling again' });
        expect(json<{ incident: IncidentView }>(reopen).incident).toMatchObject({
          status: 'triggered',
          resolvedAt: null,
          acknowledgedAt: null,
        });

        const changes = (await t.store.notify.jobs.list({ kind: 'incident.changed', limit: 100 }))
          .map((j) => j.payload as { incidentId: string; change: string })
          .filter((p) => p.incidentId === incidentId)
          .map((p) => p.change);
        expect(changes.sort()).toEqual(['acknowledged', 'opened', 'reopened', 'resolved']);

        const audit = json<{ entries: { action: string; target: string; actor: string }[] }>(
          await t.app.inject({
            method: 'GET',
            url: '/api/audit?limit=500',
            cookies: { opsdeck_session: admin },
          }),
        ).entries.filter((e) => e.target === `incident:${incidentId}`);
        expect(audit.map((e) => e.action).sort()).toEqual([
          'incident.acknowledge',
          'incident.note',
          'incident.reassign',
          'incident.reopen',
          'incident.resolve',
          'incident.severity',
        ]);
        expect(audit.every((e) => e.actor === 'user:admin')).toBe(true);
      });

      it('computes MTTA/MTTR per service and overall', async () => {
        const m = json<{
          overall: { incidents: number; mttaSeconds: number | null; mttrSeconds: number | null };
          services: { serviceId: string; incidents: number }[];
        }>(
          await t.app.inject({
            method: 'GET',
            url: '/api/incidents/metrics?since=2026-11-01T00:00:00Z',
            cookies: { opsdeck_session: admin },
          }),
        );
        // Reopened: it is no longer resolved, so it has a TTA but no TTR.
        expect(m.overall).toMatchObject({ incidents: 1, mttaSeconds: 120, mttrSeconds: null });
        expect(m.services).toEqual([expect.objectContaining({ serviceId: 'default', incidents: 1 })]);
      });

      it('requires a user for reading (401) and incidents:write for changes (403 for a viewer)', async () => {
        expect((await t.app.inject({ method: 'GET', url: '/api/incidents' })).statusCode).toBe(401);
        expect(
          (await t.app.inject({ method: 'POST', url: `/api/incidents/${incidentId}/acknowledge` }))
            .statusCode,
        ).toBe(401);
        const read = await t.app.inject({
          method: 'GET',
          url: `/api/incidents/${incidentId}`,
          cookies: { opsdeck_session: viewer },
        });
        expect(read.statusCode).toBe(200);
        const write = await act('acknowledge', undefined, viewer);
        expect(write.statusCode).toBe(403);
        expect(json<ErrorBody>(write).error.code).toBe('OPSDECK_E_FORBIDDEN');
        const integ = await t.app.inject({
          method: 'POST',
          url: '/api/integrations',
          headers: t.sessionHeaders(viewer),
          payload: { name: 'x', source: 'grafana' },
        });
        expect(integ.statusCode).toBe(403);
        expect(
          (
            await t.app.inject({
              method: 'GET',
              url: '/api/incidents/nope',
              cookies: { opsdeck_session: viewer },
            })
          ).statusCode,
        ).toBe(404);
      });

      it('names the paged and notified users and the page targets (schedule, team, user) for a viewer, who cannot list users', async () => {
        const create = (username: string) =>
          t.store.users.create({ username, passwordHash: 'x', role: 'engineer' }).then((u) => u.id);
        const paula = await create('paula');
        const sam = await create('sam');
        const tess = await create('tess');
        const nina = await create('nina');
        const bystander = await create('bystander');
        const schedule = await t.store.oncall.schedules.create({
          name: 'Storage primary',
          timeZone: 'Europe/London',
          layers: [
            {
              id: 'layer-1',
              users: [paula],
              rotation: { type: 'weekly' },
              start: '2026-11-23T09:00',
              timeZone: 'Europe/London',
            },
          ],
        });
        const team = await t.store.oncall.teams.create({ name: 'Storage team', members: [sam] });
        const at = clock.now().toISOString();
        const page = { at, kind: 'page' as const, key: 'k', round: 0 };
        await t.store.transaction(async (tx) => {
          await tx.ops.timeline.append(incidentId, {
            ...page,
            step: 0,
            target: `schedule:${schedule.id}`,
            users: [paula],
          });
          await tx.ops.timeline.append(incidentId, {
            ...page,
            step: 1,
            target: `team:${team.id}`,
            users: [sam],
          });
          await tx.ops.timeline.append(incidentId, {
            ...page,
            step: 2,
            target: `user:${tess}`,
            users: [],
            skipped: [tess],
          });
          await tx.ops.timeline.append(incidentId, {
            ...page,
            step: 3,
            target: 'schedule:deleted-since',
            users: [],
          });
          await tx.ops.timeline.append(incidentId, {
            at,
            kind: 'notification',
            channel: 'nina mail',
            channelType: 'email',
            to: 'nina@example.test',
            user: nina,
            attempt: 1,
            outcome: 'delivered',
          });
        });
        const res = await t.app.inject({
          method: 'GET',
          url: `/api/incidents/${incidentId}`,
          cookies: { opsdeck_session: viewer },
        });
        expect(res.statusCode, res.body).toBe(200);
        const detail = json<IncidentDetail>(res);
        expect(detail.users).toMatchObject({
          [paula]: 'paula',
          [sam]: 'sam',
          [tess]: 'tess',
          [nina]: 'nina',
        });
        expect(detail.users[bystander]).toBeUndefined();
        expect(detail.targets).toEqual({
          [`schedule:${schedule.id}`]: 'Storage primary',
          [`team:${team.id}`]: 'Storage team',
          [`user:${tess}`]: 'tess',
        });
      });
    });

    describe("a person's resolve and reopen, silences, and the incident's alert group", () => {
      let t: TestApp;
      let admin: string;
      const clock = movableClock(new Date('2026-11-27T08:00:00.000Z'));
      beforeAll(async () => {
        t = await buildTestApp({ dialect, clock });
        admin = await t.login('admin', t.adminPassword);
      });
      afterAll(async () => t?.close());

      it("opens a new incident for an alert that fires after a person resolved the group's incident, and attaches to one reopened", async () => {
        const am = await createIntegration(t, admin, 'alertmanager');
        await ingest(t, am, amPayload('payload-2.json'));
        await processInbox(t.app.opsdeck);
        const incidentId = (await t.store.ops.incidents.list({ limit: 1 }))[0]!.id;
        const act = (path: string, payload?: object) =>
          t.app.inject({
            method: 'POST',
            url: `/api/incidents/${incidentId}/${path}`,
            headers: t.sessionHeaders(admin),
            ...(payload && { payload }),
          });
        clock.advance(MINUTE);
        expect((await act('resolve', { reason: 'handled' })).statusCode).toBe(200);
        const inGroup = (fp: string, instance: string): Record<string, unknown> => {
          const body = amPayload('payload-2.json');
          const alert = { ...(body['alerts'] as Record<string, unknown>[])[0]! };
          alert['fingerprint'] = fp;
          alert['labels'] = { ...(alert['labels'] as Record<string, string>), instance };
          alert['startsAt'] = clock.now().toISOString();
          return { ...body, alerts: [alert] };
        };
        const incidents = async () =>
          (await t.store.ops.incidents.list({ limit: 10 })).map((i) => [i.number, i.status, i.episode]);
        const opened = () => changedJobs(t, 'opened');

        // Another disk of the same group fills: a new incident (episode 2) that pages, not an
        // alert added to the resolved one.
        clock.advance(MINUTE);
        expect((await ingest(t, am, inGroup('0000000000000db2', 'db-2'))).statusCode).toBe(202);
        await processInbox(t.app.opsdeck);
        expect(await incidents()).toEqual([
          [2, 'triggered', 2],
          [1, 'resolved', 1],
        ]);
        const second = (await t.store.ops.incidents.list({ limit: 1 }))[0]!;
        expect(second.alertCount).toBe(1);
        expect(await opened()).toContain(second.id);
        expect((await t.store.ops.incidents.get(incidentId))!.alertCount).toBe(1);

        // Resolved by a person and reopened: the group is open again, and the next alert joins it.
        const on = (id: string, path: string) =>
          t.app.inject({
            method: 'POST',
            url: `/api/incidents/${id}/${path}`,
            headers: t.sessionHeaders(admin),
          });
        expect((await on(second.id, 'resolve')).statusCode).toBe(200);
        expect((await on(second.id, 'reopen')).statusCode).toBe(200);
        clock.advance(MINUTE);
        await ingest(t, am, inGroup('0000000000000db3', 'db-3'));
        await processInbox(t.app.opsdeck);
        expect(await incidents()).toEqual([
          [2, 'triggered', 2],
          [1, 'resolved', 1],
        ]);
        expect((await t.store.ops.incidents.get(second.id))!.alertCount).toBe(2);
      });

      it('pages a silenced incident when a firing alert that no silence matches joins it', async () => {
        const silence = await silenceForAnHour(
          t,
          admin,
          clock,
          ['instance="mem-1"'],
          'mem-1 is being rebuilt',
        );
        expect(silence.statusCode).toBe(201);
        const am = await createIntegration(t, admin, 'alertmanager');
        const memory = (fp: string, instance: string): Record<string, unknown> => ({
          ...amWebhook('MemoryFull', 'firing', [{ fp, labels: { alertname: 'MemoryFull', instance } }]),
          groupKey: '{}:{alertname="MemoryFull"}',
        });
        const opened = async (id: string) => (await changedJobs(t, 'opened')).filter((i) => i === id);

        await ingest(t, am, memory('00000000000000m1', 'mem-1'));
        await processInbox(t.app.opsdeck);
        const incident = (await t.store.ops.incidents.list({ limit: 1 }))[0]!;
        expect(incident).toMatchObject({ title: 'alert 00000000000000m1', silenced: true });
        expect(await opened(incident.id)).toEqual([]);

        // Another silenced alert joins: still silenced, nobody paged.
        clock.advance(MINUTE);
        await ingest(t, am, memory('0000000000000m1b', 'mem-1'));
        await processInbox(t.app.opsdeck);
        expect((await t.store.ops.incidents.get(incident.id))!.silenced).toBe(true);
        expect(await opened(incident.id)).toEqual([]);

        // mem-2 is not silenced: the incident pages, and says why.
        clock.advance(MINUTE);
        await ingest(t, am, memory('00000000000000m2', 'mem-2'));
        await processInbox(t.app.opsdeck);
        expect(await t.store.ops.incidents.get(incident.id)).toMatchObject({
          silenced: false,
          status: 'triggered',
          alertCount: 3,
        });
        expect(await opened(incident.id)).toHaveLength(1);
        const timeline = await t.store.ops.timeline.list(incident.id);
        expect(timeline.at(-1)).toMatchObject({
          kind: 'note',
          by: 'system',
          text: 'an alert that no silence matches joined: paging',
          at: clock.now().toISOString(),
        });
      });
    });

    describe('silences, resolve timeout, PagerDuty acknowledge and flapping', () => {
      let t: TestApp;
      let admin: string;
      const clock = movableClock(new Date('2026-11-27T08:00:00.000Z'));
      beforeAll(async () => {
        t = await buildTestApp({ dialect, clock });
        admin = await t.login('admin', t.adminPassword);
      });
      afterAll(async () => t?.close());

      it('records a silenced alert as a silenced incident without an opened job', async () => {
        const s = await silenceForAnHour(t, admin, clock, ['alertname="DiskFull"'], 'maintenance');
        expect(s.statusCode).toBe(201);
        const am = await createIntegration(t, admin, 'alertmanager');
        await ingest(t, am, amPayload('payload-2.json'));
        await processInbox(t.app.opsdeck);
        const [incident] = await t.store.ops.incidents.list({ limit: 10 });
        expect(incident).toMatchObject({ silenced: true, status: 'triggered' });
        const alert = await t.store.ops.alerts.get('alertmanager:eaf09244f2c30009');
        expect(alert?.silencedBy).toBe(json<{ silence: { id: string } }>(s).silence.id);
        const jobs = await t.store.notify.jobs.list({ kind: 'incident.changed', limit: 100 });
        expect(jobs.filter((j) => (j.payload as { incidentId: string }).incidentId === incident!.id)).toEqual(
          [],
        );
      });

      it('resolves alerts of a source that never resolves after the integration timeout', async () => {
        const gcp = await createIntegration(t, admin, 'gcp-monitoring', { resolveTimeoutMinutes: 30 });
        await ingest(t, gcp, fixtureText('gcp-monitoring-firing.json'));
        await processInbox(t.app.opsdeck);
        const incident = (await t.store.ops.incidents.list({ limit: 10 })).find((i) =>
          i.groupKey.includes('gcp'),
        )!;
        expect(incident.status).toBe('triggered');
        clock.advance(29 * MINUTE);
        expect(await expireStaleAlerts(t.app.opsdeck)).toBe(0);
        clock.advance(2 * MINUTE);
        expect(await expireStaleAlerts(t.app.opsdeck)).toBe(1);
        const after = await t.store.ops.incidents.get(incident.id);
        expect(after).toMatchObject({ status: 'resolved', firingCount: 0 });
        const timeline = await t.store.ops.timeline.list(incident.id);
        expect(timeline.at(-1)).toMatchObject({
          kind: 'status',
          to: 'resolved',
          reason: 'alerts not seen within the resolve timeout',
        });
        // A later resend of the same firing alert is a change again (it fires a new episode).
        await ingest(t, gcp, fixtureText('gcp-monitoring-firing.json'));
        await processInbox(t.app.opsdeck);
        const again = (await t.store.ops.incidents.list({ limit: 10 })).find(
          (i) => i.groupKey === incident.groupKey,
        );
        expect(again).toMatchObject({ episode: 2, status: 'triggered' });
      });

      it('acknowledges the incident when PagerDuty sends acknowledge for its dedup_key', async () => {
        const pd = await createIntegration(t, admin, 'pagerduty');
        const trigger = {
          ...JSON.parse(fixtureText('pagerduty-firing.json')),
          routing_key: pd.key,
          dedup_key: 'db-7',
        };
        const post = (body: object) =>
          t.app.inject({ method: 'POST', url: '/api/ingest/pagerduty/v2/enqueue', payload: body });
        expect((await post(trigger)).statusCode).toBe(202);
        await processInbox(t.app.opsdeck);
        expect(
          (await post({ routing_key: pd.key, event_action: 'acknowledge', dedup_key: 'db-7' })).statusCode,
        ).toBe(202);
        await processInbox(t.app.opsdeck);
        const alert = await t.store.ops.alerts.get('pagerduty:db-7');
        const incident = await t.store.ops.incidents.get(alert!.incidentId!);
        expect(incident?.status).toBe('acknowledged');
        expect(
          (await t.store.ops.timeline.list(incident!.id)).some((e) => e.kind === 'ack' && e.by === 'system'),
        ).toBe(true);
      });

      it('flags an alert that flaps (4 changes within an hour)', async () => {
        const am = await createIntegration(t, admin, 'alertmanager');
        const firing = amPayload('payload-1.json');
        const resolved = amPayload('payload-1.json');
        const a = (resolved['alerts'] as Record<string, unknown>[])[0]!;
        a['status'] = 'resolved';
        a['endsAt'] = '2026-11-26T19:20:00Z';
        for (const body of [firing, resolved, firing, resolved, firing]) {
          clock.advance(5 * MINUTE);
          await ingest(t, am, body);
          await processInbox(t.app.opsdeck);
        }
        expect((await t.store.ops.alerts.get('alertmanager:b1c11497b32ce15e'))?.flapping).toBe(true);
      });
    });

    describe('concurrent processors', () => {
      let t: TestApp;
      let admin: string;
      beforeAll(async () => {
        t = await buildTestApp({ dialect });
        admin = await t.login('admin', t.adminPassword);
      });
      afterAll(async () => t?.close());

      it('never opens the same incident twice when two processors run at once', async () => {
        const am = await createIntegration(t, admin, 'alertmanager');
        // 40 requests over 10 groups of 4 alerts each.
        for (let i = 0; i < 40; i++) {
          const body = amPayload('payload-1.json');
          const alert = (body['alerts'] as Record<string, unknown>[])[0]!;
          const group = i % 10;
          alert['fingerprint'] = `fp-${i}`;
          alert['labels'] = { alertname: 'HighErrorRate', service: `svc-${group}`, instance: `web-${i}` };
          body['groupKey'] = `{}:{alertname="HighErrorRate", service="svc-${group}"}`;
          expect((await ingest(t, am, body)).statusCode).toBe(202);
        }
        const ctx = t.app.opsdeck;
        const processed = await Promise.all([processInbox(ctx), processInbox(ctx), processInbox(ctx)]);
        // A processor that found the lock taken returns at once; loop until the inbox is empty.
        let rest = 0;
        while ((await t.store.ops.inbox.count()) > 0) rest += await processInbox(ctx);
        expect(processed.reduce((a, b) => a + b, 0) + rest).toBe(40);
        const incidents = await t.store.ops.incidents.list({ limit: 100 });
        expect(incidents).toHaveLength(10);
        expect(new Set(incidents.map((i) => i.groupKey)).size).toBe(10);
        expect(incidents.map((i) => i.alertCount)).toEqual(Array(10).fill(4));
        expect(incidents.map((i) => i.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      });
    });
  });
}
