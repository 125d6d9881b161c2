import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/core/password.js';
import { runDueJobs } from '../src/server/jobs/runner.js';
import { CERTS_CHECK_JOB, scheduleCertChecks } from '../src/server/routes/certs/check-job.js';
import { testDialects } from './helpers/databases.js';
import { buildTestApp, json, movableClock, type TestApp } from './helpers/server.js';
import { generatePki, startTlsServer, type TestPki, type TlsTestServer } from './helpers/tls-certs.js';

const dialects = await testDialects();

let pki: TestPki;
const servers: Record<string, TlsTestServer> = {};
let closedPort: number;

beforeAll(async () => {
  pki = await generatePki([
    { name: 'good', dns: ['good.test'], days: 200, key: 'ec' },
    { name: 'soon', dns: ['soon.test'], days: 5, key: 'ec' },
    { name: 'self', dns: ['self.test'], days: 100, selfSigned: true, key: 'ec' },
  ]);
  for (const name of Object.keys(pki.certs)) servers[name] = await startTlsServer(pki.certs[name]!);
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  await pki?.cleanup();
});

interface TargetBody {
  target: { id: string; host: string; port: number; servername: string | null; addedBy: string };
}
interface ResultView {
  status: string;
  level: string | null;
  daysToExpiry: number | null;
  checkedAt: string;
  check: {
    target: string;
    error: { code: string; reason: string } | null;
    trusted: boolean | null;
    trustError: string | null;
    hostnameMatch: boolean | null;
    chain: Array<{ commonName: string | null; sans: string[] }>;
    problems: string[];
  };
}
interface CertsBody {
  items: Array<{ target: TargetBody['target']; latest: ResultView | null }>;
  acm: { snapshotId: string | null; certificates: unknown[] };
}
interface ErrorBody {
  error: { code: string; details: Array<{ path?: string; message: string }> };
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`certificate targets and scheduled checks on ${dialect}`, () => {
    let t: TestApp;
    let admin: string;
    let viewer: string;
    const clock = movableClock();

    beforeAll(async () => {
      const caFile = path.join(pki.dir, `ca-${dialect}.pem`);
      await writeFile(caFile, pki.caPem);
      t = await buildTestApp({
        dialect,
        clock,
        config: { certs: { checkIntervalMinutes: 60, caFile } },
      });
      admin = await t.login('admin', t.adminPassword);
      await t.store.users.create({
        username: 'vera',
        passwordHash: await hashPassword('vera-password-1'),
        role: 'viewer',
      });
      viewer = await t.login('vera', 'vera-password-1');
    });
    afterAll(async () => t?.close());

    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, cookie = admin) =>
      t.app.inject({
        method,
        url,
        headers: t.sessionHeaders(cookie),
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });
    const addTarget = async (body: unknown) => {
      const res = await call('POST', '/api/certs/targets', body);
      expect(res.statusCode, res.body).toBe(201);
      return json<TargetBody>(res).target;
    };

    it('needs estate:read to list and estate:write to change', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/certs' })).statusCode).toBe(401);
      expect((await call('GET', '/api/certs', undefined, viewer)).statusCode).toBe(200);
      expect((await call('GET', '/api/certs/targets', undefined, viewer)).statusCode).toBe(200);
      const denied = await call('POST', '/api/certs/targets', { host: 'example.com' }, viewer);
      expect(denied.statusCode).toBe(403);
      expect(json<ErrorBody>(denied).error.code).toBe('OPSDECK_E_FORBIDDEN');
      expect((await call('POST', '/api/certs/check', {}, viewer)).statusCode).toBe(403);
      expect((await call('DELETE', '/api/certs/targets/x', undefined, viewer)).statusCode).toBe(403);
    });

    it('validates targets with JSON pointers and refuses duplicates with 409', async () => {
      const bad = await call('POST', '/api/certs/targets', { host: 'example.com:8443' });
      expect(bad.statusCode).toBe(400);
      expect(json<ErrorBody>(bad).error.details[0]!.path).toBe('/body/host');
      const badPort = await call('POST', '/api/certs/targets', { host: 'example.com', port: 70000 });
      expect(badPort.statusCode).toBe(400);
      expect(json<ErrorBody>(badPort).error.details[0]!.path).toBe('/body/port');
      const extra = await call('POST', '/api/certs/targets', { host: 'example.com', colour: 'red' });
      expect(extra.statusCode).toBe(400);

      const created = await addTarget({ host: 'Dup.Example.COM' });
      expect(created).toMatchObject({
        host: 'dup.example.com',
        port: 443,
        servername: null,
        addedBy: 'user:admin',
      });
      const dup = await call('POST', '/api/certs/targets', { host: 'dup.example.com', port: 443 });
      expect(dup.statusCode).toBe(409);
      expect(json<ErrorBody>(dup).error.code).toBe('OPSDECK_E_CONFLICT');
      const del = await call('DELETE', `/api/certs/targets/${created.id}`);
      expect(del.statusCode).toBe(200);
      const again = await call('DELETE', `/api/certs/targets/${created.id}`);
      expect(again.statusCode).toBe(404);
      const audit = await call('GET', '/api/audit?limit=500');
      const actions = json<{ entries: Array<{ action: string; target: string }> }>(audit)
        .entries.filter((e) => e.target === `certs-target:${created.id}`)
        .map((e) => e.action);
      expect(actions.sort()).toEqual(['certs.target.create', 'certs.target.delete']);
    });

    it('the certs.check job checks every target, stores the results and schedules the next run', async () => {
      const good = await addTarget({
        host: '127.0.0.1',
        port: servers['good']!.port,
        servername: 'good.test',
      });
      const soon = await addTarget({
        host: '127.0.0.1',
        port: servers['soon']!.port,
        servername: 'soon.test',
      });
      const self = await addTarget({
        host: '127.0.0.1',
        port: servers['self']!.port,
        servername: 'self.test',
      });
      const down = await addTarget({ host: '127.0.0.1', port: closedPort });

      const handler = t.app.opsdeck.jobHandlers.get(CERTS_CHECK_JOB);
      expect(handler).toBeDefined();
      const ranAt = clock.now();
      await handler!(
        { id: 'test-run', kind: CERTS_CHECK_JOB, payload: {}, attempt: 1, runAt: ranAt.toISOString() },
        t.app.opsdeck,
      );

      const next = await t.store.notify.jobs.pendingByKey(CERTS_CHECK_JOB);
      expect(next?.kind).toBe(CERTS_CHECK_JOB);
      expect(Date.parse(next!.runAt) - ranAt.getTime()).toBe(60 * 60_000);
      // One pending run at a time, however often it is scheduled (restarts, replicas).
      expect(await scheduleCertChecks(t.app.opsdeck, ranAt)).toBe(false);

      const res = await call('GET', '/api/certs', undefined, viewer);
      expect(res.statusCode).toBe(200);
      const body = json<CertsBody>(res);
      const byId = new Map(body.items.map((i) => [i.target.id, i.latest]));
      expect(byId.get(good.id)).toMatchObject({ status: 'ok', level: 'ok', checkedAt: ranAt.toISOString() });
      expect(byId.get(good.id)!.check.trusted).toBe(true);
      expect(byId.get(good.id)!.check.chain[0]).toMatchObject({
        commonName: 'good.test',
        sans: ['good.test'],
      });
      expect(byId.get(soon.id)).toMatchObject({ status: 'ok', level: 'critical' });
      expect(byId.get(soon.id)!.daysToExpiry).toBeLessThanOrEqual(5);
      expect(byId.get(self.id)).toMatchObject({ status: 'invalid', level: 'ok' });
      expect(byId.get(self.id)!.check.trustError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(byId.get(down.id)).toMatchObject({ status: 'error', level: null });
      expect(byId.get(down.id)!.check.error).toMatchObject({
        code: 'OPSDECK_E_TLS_CHECK',
        reason: 'refused',
      });
      // Most urgent first: the 5-day certificate, then the others; the unreachable one last.
      expect(body.items[0]!.target.id).toBe(soon.id);
      expect(body.items.at(-1)!.target.id).toBe(down.id);
      expect(body.acm).toEqual({ snapshotId: null, takenAt: null, certificates: [] });

      const list = await call('GET', '/api/certs/targets', undefined, viewer);
      const summary = json<{
        items: Array<{ id: string; latest: { status: string; problems: string[] } | null }>;
      }>(list).items.find((i) => i.id === self.id);
      expect(summary?.latest?.status).toBe('invalid');
      expect(summary?.latest?.problems.join('\n')).toMatch(/self-signed/);
    });

    it('checks now on request, keeps history newest first and deletes it with the target', async () => {
      clock.advance(90_000);
      const targets = json<{ items: Array<{ id: string; servername: string | null }> }>(
        await call('GET', '/api/certs/targets'),
      ).items;
      const soon = targets.find((x) => x.servername === 'soon.test')!;
      const missing = await call('POST', '/api/certs/check', { targetIds: [soon.id, 'nope'] });
      expect(missing.statusCode).toBe(404);
      expect(json<ErrorBody>(missing).error.details).toEqual([
        { path: '/body/targetIds/1', message: 'no target nope' },
      ]);

      const now = await call('POST', '/api/certs/check', { targetIds: [soon.id] });
      expect(now.statusCode).toBe(200);
      const items = json<CertsBody>(now).items;
      expect(items).toHaveLength(1);
      expect(items[0]!.latest).toMatchObject({ level: 'critical', checkedAt: clock.now().toISOString() });

      const history = await call('GET', `/api/certs/targets/${soon.id}/results?limit=10`, undefined, viewer);
      expect(history.statusCode).toBe(200);
      const h = json<{ items: ResultView[] }>(history).items;
      expect(h.map((r) => r.checkedAt)).toEqual([
        clock.now().toISOString(),
        new Date(clock.now().getTime() - 90_000).toISOString(),
      ]);

      const audit = json<{ entries: Array<{ action: string; summary: string }> }>(
        await call('GET', '/api/audit?limit=500'),
      ).entries.filter((e) => e.action === 'certs.check');
      expect(audit.map((e) => e.summary)).toEqual(['checked 1 certificate target now']);

      const all = await call('POST', '/api/certs/check', {});
      expect(all.statusCode).toBe(200);
      expect(
        json<CertsBody>(all)
          .items.map((i) => i.target.id)
          .sort(),
      ).toEqual(targets.map((x) => x.id).sort());

      expect((await call('DELETE', `/api/certs/targets/${soon.id}`)).statusCode).toBe(200);
      expect((await call('GET', `/api/certs/targets/${soon.id}/results`)).statusCode).toBe(404);
      expect(await t.store.certs.results.history(soon.id, 10)).toEqual([]);
    });

    it('prunes results older than the retention, but never a target latest', async () => {
      const [target] = await t.store.certs.targets.list();
      const latest = (await t.store.certs.results.latest()).get(target!.id)!;
      const day = 86_400_000;
      const cutoff = new Date(clock.now().getTime() - 90 * day);
      const old = await t.store.certs.results.add(target!.id, {
        ...latest.result,
        checkedAt: new Date(clock.now().getTime() - 100 * day).toISOString(),
      });
      expect(await t.store.certs.results.prune(cutoff)).toBe(0);
      await t.store.certs.results.add(target!.id, { ...latest.result, checkedAt: clock.now().toISOString() });
      expect(await t.store.certs.results.prune(cutoff)).toBe(1);
      const ids = (await t.store.certs.results.history(target!.id, 100)).map((r) => r.id);
      expect(ids).not.toContain(old.id);
      expect(ids).toContain(latest.id);
    });

    it('runs as a durable job through the job runner when due, then reschedules', async () => {
      const pending = await t.store.notify.jobs.pendingByKey(CERTS_CHECK_JOB);
      expect(pending).toBeDefined();
      clock.advance(Date.parse(pending!.runAt) - clock.now().getTime() + 1_000);
      const ranAt = clock.now().toISOString();
      expect(await runDueJobs(t.app.opsdeck)).toBeGreaterThanOrEqual(1);
      expect((await t.store.notify.jobs.get(pending!.id))?.status).toBe('done');
      const latest = await t.store.certs.results.latest();
      const targets = await t.store.certs.targets.list();
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) expect(latest.get(target.id)?.checkedAt).toBe(ranAt);
      const next = await t.store.notify.jobs.pendingByKey(CERTS_CHECK_JOB);
      expect(next!.id).not.toBe(pending!.id);
      expect(Date.parse(next!.runAt)).toBe(Date.parse(ranAt) + 60 * 60_000);
    });
  });
}
