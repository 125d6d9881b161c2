import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../src/core/clock.js';
import type { TimelineEntry } from '../src/ops/incident.js';
import { runDueJobs } from '../src/server/jobs/runner.js';
import { testDialects } from './helpers/databases.js';
import { buildTestApp, json, type TestApp } from './helpers/server.js';

const dialects = await testDialects();

function manualClock(start: string): Clock & { advance(ms: number): void } {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

interface Received {
  path: string;
  body: Record<string, unknown>;
}

/** A real HTTP receiver answering each request with the next queued status (200 when empty). */
async function startReceiver(): Promise<{
  server: Server;
  url: string;
  got: Received[];
  statuses: number[];
}> {
  const got: Received[] = [];
  const statuses: number[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => resolve(data));
    });
  const server = createServer((req, res) => {
    void read(req).then((text) => {
      got.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      res.statusCode = (req.url ?? '').startsWith('/alice') ? (statuses.shift() ?? 200) : 200;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, statuses };
}

interface Mail {
  to: string[];
  text: string;
}

/** A real SMTP server (smtp-server) keeping every message it accepts. */
async function startSmtp(): Promise<{ server: SMTPServer; port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let text = '';
      stream.on('data', (c: Buffer) => (text += c.toString()));
      stream.on('end', () => {
        // Undo quoted-printable soft line breaks and `=3D` so assertions read the text.
        const decoded = text.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text: decoded });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.server.address() as AddressInfo).port, mails };
}

const SECRET = 'test-secret-key-0123456789-abcdefghijklmnop';

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`escalation, notifications and signed links on ${dialect}`, () => {
    let t: TestApp;
    let admin: string;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const clock = manualClock('2026-06-01T09:00:00.000Z');
    let alice: string;
    let bob: string;
    let incidentId: string;

    /** Cookie + Origin of the dashboard at public_url (the CSRF check compares with it). */
    const h = (cookie: string) => ({
      cookie: `opsdeck_session=${cookie}`,
      origin: 'https://ops.example.test',
    });
    const drain = async () => {
      let total = 0;
      for (let i = 0; i < 20; i++) {
        const n = await runDueJobs(t.app.opsdeck);
        total += n;
        if (n === 0) break;
      }
      return total;
    };
    const timeline = () => t.store.ops.timeline.list(incidentId);
    const notifications = async () =>
      (await timeline()).filter(
        (e): e is Extract<TimelineEntry, { kind: 'notification' }> => e.kind === 'notification',
      );
    const pages = async () =>
      (await timeline()).filter((e): e is Extract<TimelineEntry, { kind: 'page' }> => e.kind === 'page');
    const createChannel = async (body: Record<string, unknown>) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/notification-channels',
        headers: h(admin),
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(201);
      return json<{ channel: { id: string; destination: string } }>(res).channel;
    };

    beforeAll(async () => {
      receiver = await startReceiver();
      smtp = await startSmtp();
      t = await buildTestApp({
        dialect,
        clock,
        config: {
          secretKey: SECRET,
          publicUrl: 'https://ops.example.test',
          smtp: { url: `smtp://127.0.0.1:${smtp.port}`, from: 'opsdeck@example.test' },
        },
      });
      admin = await t.login('admin', t.adminPassword);
      alice = (await t.store.users.create({ username: 'alice', passwordHash: 'x', role: 'engineer' })).id;
      bob = (await t.store.users.create({ username: 'bob', passwordHash: 'x', role: 'engineer' })).id;
      const policy = await t.store.oncall.escalationPolicies.create({
        name: 'primary',
        steps: [
          { targets: [{ type: 'user', id: alice }], delayMinutes: 5 },
          { targets: [{ type: 'user', id: bob }], delayMinutes: 5 },
        ],
        repeat: 0,
        ackTimeoutMinutes: 30,
      });
      await t.store.oncall.services.update('default', { escalationPolicyId: policy.id });
    });
    afterAll(async () => {
      await t?.close();
      await new Promise((r) => receiver?.server.close(r));
      await new Promise<void>((r) => (smtp ? smtp.server.close(() => r()) : r()));
    });

    it('channels: targets sealed at rest and never returned; bad input rejected with a JSON pointer', async () => {
      const hook = await createChannel({
        name: 'alice hook',
        type: 'webhook',
        target: `${receiver.url}/alice?token=hook-credential`,
        userId: alice,
      });
      expect(hook.destination).toBe(new URL(receiver.url).host);
      await createChannel({ name: 'alice mail', type: 'email', target: 'alice@example.test', userId: alice });
      await createChannel({
        name: 'ops room',
        type: 'slack',
        target: `${receiver.url}/slack`,
        serviceId: 'default',
      });
      const rows = await t.store.db.selectFrom('notify_channels').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain('hook-credential');
      expect(JSON.stringify(rows)).not.toContain('/slack');
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/notification-channels',
        cookies: { opsdeck_session: admin },
      });
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain('hook-credential');
      expect(json<{ items: unknown[] }>(list).items).toHaveLength(3);

      const bad = async (body: Record<string, unknown>, path: string) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/notification-channels',
          headers: h(admin),
          payload: body,
        });
        expect(res.statusCode, res.body).toBe(400);
        const err = json<{ error: { code: string; details: { path: string }[] } }>(res).error;
        expect(err.code).toBe('OPSDECK_E_VALIDATION');
        expect(err.details.map((d) => d.path)).toContain(path);
      };
      await bad(
        { name: 'x', type: 'webhook', target: 'ftp://example.test/x', userId: alice },
        '/body/target',
      );
      await bad({ name: 'x', type: 'email', target: 'not-an-address', userId: alice }, '/body/target');
      await bad({ name: 'x', type: 'email', target: 'a@example.test', userId: 'nobody' }, '/body/userId');
      await bad({ name: 'x', type: 'email', target: 'a@example.test' }, '/body/userId');

      // The test button sends a real notification now.
      const test = await t.app.inject({
        method: 'POST',
        url: `/api/notification-channels/${hook.id}/test`,
        headers: h(admin),
      });
      expect(test.statusCode, test.body).toBe(200);
      expect(receiver.got.at(-1)?.body).toMatchObject({ event: 'test' });
      receiver.statuses.push(503);
      const failing = await t.app.inject({
        method: 'POST',
        url: `/api/notification-channels/${hook.id}/test`,
        headers: h(admin),
      });
      expect(failing.statusCode).toBe(502);
      expect(json<{ error: { code: string } }>(failing).error.code).toBe('OPSDECK_E_DELIVERY_FAILED');
      expect(failing.body).not.toContain('hook-credential');
      receiver.got.length = 0;
    });

    it('pages the first step, retries a failed webhook (two timeline entries), mails, tells the service channel', async () => {
      const at = clock.now().toISOString();
      incidentId = await t.store.transaction(async (tx) => {
        const inc = await tx.ops.incidents.create({
          serviceId: 'default',
          title: 'Disk full on db-1',
          severity: 'critical',
          groupKey: 'g1',
          episode: 1,
          createdAt: at,
          silenced: false,
        });
        await tx.ops.timeline.append(inc.id, {
          at,
          kind: 'status',
          from: null,
          to: 'triggered',
          by: 'system',
        });
        await tx.notify.jobs.enqueue({
          kind: 'incident.changed',
          runAt: at,
          payload: { incidentId: inc.id, change: 'opened' },
        });
        return inc.id;
      });
      receiver.statuses.push(500); // the first webhook delivery fails
      await drain();
      expect((await pages()).map((p) => p.users)).toEqual([[alice]]);
      const hookPath = (r: Received) => r.path.startsWith('/alice');
      expect(receiver.got.filter(hookPath)).toHaveLength(1);
      let hook = (await notifications()).filter((n) => n.channelType === 'webhook');
      expect(hook).toMatchObject([
        { attempt: 1, outcome: 'failed', detail: 'HTTP 500 Internal Server Error' },
      ]);

      clock.advance(5_000); // the retry backoff
      await drain();
      hook = (await notifications()).filter((n) => n.channelType === 'webhook');
      expect(hook.map((n) => [n.attempt, n.outcome])).toEqual([
        [1, 'failed'],
        [2, 'delivered'],
      ]);
      expect(hook[0]?.to).toBe(new URL(receiver.url).host);
      expect(JSON.stringify(await timeline())).not.toContain('hook-credential');

      const mail = (await notifications()).filter((n) => n.channelType === 'email');
      expect(mail).toMatchObject([
        { attempt: 1, outcome: 'delivered', to: 'alice@example.test', user: alice },
      ]);
      expect(mail[0]?.detail).toMatch(/^250/);
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]?.to).toEqual(['alice@example.test']);
      expect(smtp.mails[0]?.text).toContain('Disk full on db-1');
      expect(smtp.mails[0]?.text).toContain('https://ops.example.test/ack/');

      const slack = receiver.got.filter((r) => r.path === '/slack');
      expect(slack).toHaveLength(1);
      expect(slack[0]?.body).toMatchObject({ text: expect.stringContaining('Disk full on db-1') as string });
      expect(Array.isArray(slack[0]?.body['blocks'])).toBe(true);
      const body = receiver.got.filter(hookPath).at(-1)?.body as {
        incident: { id: string; status: string };
        links: { acknowledge: string; resolve: string };
      };
      expect(body.incident).toMatchObject({ id: incidentId, status: 'triggered' });
      expect(body.links.acknowledge).toMatch(/^https:\/\/ops\.example\.test\/ack\//);
    });

    it('the acknowledge link: GET describes without acting, POST acknowledges as the paged user, escalation stops', async () => {
      const body = receiver.got.filter((r) => r.path.startsWith('/alice')).at(-1)?.body as {
        links: { acknowledge: string; resolve: string };
      };
      const token = body.links.acknowledge.split('/ack/')[1]!;
      const described = await t.app.inject({ method: 'GET', url: `/api/links/${token}` });
      expect(described.statusCode, described.body).toBe(200);
      expect(json(described)).toMatchObject({
        action: 'acknowledge',
        applicable: true,
        user: { id: alice, username: 'alice' },
        incident: { id: incidentId, status: 'triggered' },
      });
      expect((await t.store.ops.incidents.get(incidentId))?.status).toBe('triggered');

      const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}`;
      for (const bad of [tampered, 'x'.repeat(20), token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))]) {
        const res = await t.app.inject({ method: 'POST', url: `/api/links/${bad}` });
        expect(res.statusCode).toBe(401);
        expect(json<{ error: { code: string } }>(res).error.code).toBe('OPSDECK_E_SIGNATURE_INVALID');
      }

      const acked = await t.app.inject({ method: 'POST', url: `/api/links/${token}` });
      expect(acked.statusCode, acked.body).toBe(200);
      expect(json(acked)).toMatchObject({ action: 'acknowledge', incident: { status: 'acknowledged' } });
      expect((await timeline()).filter((e) => e.kind === 'ack')).toMatchObject([{ by: alice }]);
      const again = await t.app.inject({ method: 'POST', url: `/api/links/${token}` });
      expect(again.statusCode).toBe(409);

      await drain();
      clock.advance(10 * 60_000); // step 2 (bob) would be due at +5 min: stopped by the ack
      await drain();
      expect((await pages()).flatMap((p) => p.users)).toEqual([alice]);
    });

    it('an acknowledgement that times out re-pages from the first step, exactly once', async () => {
      clock.advance(21 * 60_000); // 31 minutes after the ack
      await drain();
      await drain();
      const entries = await timeline();
      expect(entries.filter((e) => e.kind === 'status' && e.from === 'acknowledged')).toMatchObject([
        { to: 'triggered', reason: 'acknowledgement timed out after 30 min' },
      ]);
      expect((await pages()).map((p) => p.users)).toEqual([[alice], [alice]]);
      expect((await t.store.ops.incidents.get(incidentId))?.status).toBe('triggered');
    });

    it('an expired link is refused; the resolve link resolves and the service channel is told', async () => {
      const body = receiver.got.filter((r) => r.path.startsWith('/alice')).at(-1)?.body as {
        links: { resolve: string };
      };
      const token = body.links.resolve.split('/ack/')[1]!;
      const resolved = await t.app.inject({ method: 'POST', url: `/api/links/${token}` });
      expect(resolved.statusCode, resolved.body).toBe(200);
      expect(json(resolved)).toMatchObject({ action: 'resolve', incident: { status: 'resolved' } });
      await drain();
      const slack = receiver.got.filter((r) => r.path === '/slack');
      expect(slack.at(-1)?.body).toMatchObject({ text: expect.stringContaining('Resolved') as string });
      expect(await t.store.notify.jobs.pendingByKey(`escalation:${incidentId}`)).toBeUndefined();

      clock.advance(25 * 3600_000);
      const expired = await t.app.inject({ method: 'GET', url: `/api/links/${token}` });
      expect(expired.statusCode).toBe(401);
      expect(expired.body).toContain('expired');
    });

    it('permissions: a viewer lists channels but cannot change them', async () => {
      await t.store.users.create({ username: 'vera', passwordHash: 'x', role: 'viewer' });
      const { hashPassword } = await import('../src/core/password.js');
      const vera = await t.store.users.getByUsername('vera');
      await t.store.users.update(vera!.id, { passwordHash: await hashPassword('vera-password-1') });
      const session = await t.login('vera', 'vera-password-1');
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/notification-channels',
        cookies: { opsdeck_session: session },
      });
      expect(list.statusCode).toBe(200);
      const create = await t.app.inject({
        method: 'POST',
        url: '/api/notification-channels',
        headers: h(session),
        payload: { name: 'x', type: 'email', target: 'v@example.test', userId: vera!.id },
      });
      expect(create.statusCode).toBe(403);
    });
  });
}
