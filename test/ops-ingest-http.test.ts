/**
 * The ingest fast path (src/server/ops/ingest-http.ts) serves plain ingest requests over HTTP
 * without Fastify's routing. Every case here is sent twice, over a real socket and through
 * `app.inject` (Fastify's ingest routes), and the two answers must be the same: status, JSON body,
 * content type and headers. The cases the fast path must leave to Fastify are checked to reach it.
 */
import { writeFile } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainIngestRoute } from '../src/server/ops/ingest-http.js';
import { testDialects } from './helpers/databases.js';
import { amPayload, createIntegration, fixtureText, type TestIntegration } from './helpers/ops.js';
import { buildTestApp, captureLogger, type TestApp } from './helpers/server.js';
import { generatePki } from './helpers/tls-certs.js';

const dialects = await testDialects();

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

interface Case {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Headers that differ between a socket and `inject` whoever answers (connection handling, clock). */
const TRANSPORT_HEADERS = new Set([
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
]);

function comparable(a: Answer): { status: number; headers: Record<string, unknown>; body: unknown } {
  const headers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a.headers)) if (!TRANSPORT_HEADERS.has(k)) headers[k] = v;
  let body: unknown = a.body;
  try {
    body = JSON.parse(a.body);
  } catch {
    // Not JSON: compared as text.
  }
  return { status: a.status, headers, body };
}

/** The answer to a request: status, headers and the body read to its end. */
function answerOf(req: ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
  });
}

/** POST over a real socket; `chunked` sends the body without a content-length. */
function post(base: string, c: Case, opts: { chunked?: boolean } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...c.headers };
  if (!opts.chunked) headers['content-length'] = String(Buffer.byteLength(c.body));
  const req = httpRequest(`${base}${c.url}`, { method: 'POST', headers });
  const answer = answerOf(req);
  if (opts.chunked) {
    const half = Math.floor(c.body.length / 2);
    req.write(c.body.slice(0, half));
    setTimeout(() => req.end(c.body.slice(half)), 5);
  } else req.end(c.body);
  return answer;
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`ingest fast path on ${dialect}`, () => {
    let t: TestApp;
    let base: string;
    let am: TestIntegration;
    let pd: TestIntegration;
    let gcp: TestIntegration;
    const served = (): number => t.app.opsdeck.ingest?.fastPath?.served ?? -1;

    beforeAll(async () => {
      t = await buildTestApp({ dialect });
      const admin = await t.login('admin', t.adminPassword);
      am = await createIntegration(t, admin, 'alertmanager');
      pd = await createIntegration(t, admin, 'pagerduty');
      gcp = await createIntegration(t, admin, 'gcp-monitoring');
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => t?.close());

    /** Sends a case over the socket and through inject; returns the socket's answer and whether the fast path took it. */
    const both = async (
      c: Case,
      opts: { chunked?: boolean } = {},
    ): Promise<{ answer: Answer; fast: boolean }> => {
      const before = served();
      const answer = await post(base, c, opts);
      const fast = served() === before + 1;
      expect(served()).toBeLessThanOrEqual(before + 1);
      const injected = await t.app.inject({
        method: 'POST',
        url: c.url,
        headers: c.headers,
        payload: c.body,
      });
      expect(comparable(answer)).toEqual(
        comparable({ status: injected.statusCode, headers: injected.headers, body: injected.body }),
      );
      return { answer, fast };
    };

    const amCase = (over: Partial<Case> = {}): Case => ({
      url: am.path,
      headers: { authorization: `Bearer ${am.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(amPayload('payload-1.json')),
      ...over,
    });

    it('answers plain ingest requests itself, exactly as the Fastify route does', async () => {
      const inboxBefore = await t.store.ops.inbox.count();
      const ok = await both(amCase());
      expect(ok.fast).toBe(true);
      expect(ok.answer.status).toBe(202);
      expect(JSON.parse(ok.answer.body)).toEqual({ accepted: 1 });
      // The security headers every response carries, and the JSON content type.
      expect(ok.answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(ok.answer.headers['x-content-type-options']).toBe('nosniff');
      expect(ok.answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      // Committed before the answer: one inbox row each, the socket's and inject's.
      expect(await t.store.ops.inbox.count()).toBe(inboxBefore + 2);

      const byQuery = await both(
        amCase({ url: `${am.path}?key=${am.key}`, headers: { 'content-type': 'application/json' } }),
      );
      expect(byQuery).toMatchObject({ fast: true, answer: { status: 202 } });
      const text = await both(
        amCase({ headers: { authorization: `Bearer ${am.key}`, 'content-type': 'text/plain' } }),
      );
      expect(text).toMatchObject({ fast: true, answer: { status: 202 } });
    });

    it('refuses wrong keys and unknown integrations with the same 401, counted', async () => {
      const rejected = async (): Promise<string> =>
        (await t.app.opsdeck.metrics.registry.getSingleMetricAsString('opsdeck_ingest_rejected_total')) ?? '';
      const wrong = await both(
        amCase({
          headers: { authorization: 'Bearer x'.padEnd(39, 'y'), 'content-type': 'application/json' },
        }),
      );
      expect(wrong).toMatchObject({ fast: true, answer: { status: 401 } });
      expect(JSON.parse(wrong.answer.body)).toMatchObject({ error: { code: 'OPSDECK_E_UNAUTHENTICATED' } });
      expect(await rejected()).toMatch(/reason="wrong_key"\} 2/);
      const missing = await both(amCase({ headers: { 'content-type': 'application/json' } }));
      expect(missing).toMatchObject({ fast: true, answer: { status: 401 } });
      const unknown = await both(amCase({ url: '/api/ingest/alertmanager/no-such-integration' }));
      expect(unknown).toMatchObject({ fast: true, answer: { status: 401 } });
      const otherSource = await both(amCase({ url: am.path.replace('/alertmanager/', '/grafana/') }));
      expect(otherSource).toMatchObject({ fast: true, answer: { status: 401 } });
    });

    it('keeps malformed bodies as dead letters and answers the same 400 with the JSON pointer', async () => {
      const before = await t.store.ops.deadLetters.list(am.id, 100);
      const bad = await both(
        amCase({ body: JSON.stringify({ ...amPayload('payload-1.json'), version: '3' }) }),
      );
      expect(bad).toMatchObject({ fast: true, answer: { status: 400 } });
      expect(JSON.parse(bad.answer.body)).toMatchObject({
        error: { code: 'OPSDECK_E_VALIDATION', details: [{ path: '/body/version' }] },
      });
      const notJson = await both(amCase({ body: '{"version": "4", ' }));
      expect(notJson).toMatchObject({ fast: true, answer: { status: 400 } });
      expect(JSON.parse(notJson.answer.body)).toMatchObject({ error: { details: [{ path: '/body' }] } });
      // Two cases, each sent twice.
      const after = await t.store.ops.deadLetters.list(am.id, 100);
      expect(after.length).toBe(before.length + 4);
    });

    it("answers epoch seconds out of Date's range with a 400 at the field and a dead letter (was a 500)", async () => {
      const before = await t.store.ops.deadLetters.list(gcp.id, 100);
      const incident = { incident_id: 'i', state: 'open', started_at: 1795172400, policy_name: 'P' };
      const cases: [Record<string, unknown>, string][] = [
        [{ started_at: 1e20 }, '/body/incident/started_at'],
        [{ started_at: -1e15 }, '/body/incident/started_at'],
        [{ state: 'closed', ended_at: 9e15 }, '/body/incident/ended_at'],
      ];
      for (const [over, pointer] of cases) {
        const bad = await both({
          url: gcp.path,
          headers: { authorization: `Bearer ${gcp.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ version: '1.2', incident: { ...incident, ...over } }),
        });
        expect(bad).toMatchObject({ fast: true, answer: { status: 400 } });
        expect(JSON.parse(bad.answer.body)).toMatchObject({
          error: { code: 'OPSDECK_E_VALIDATION', details: [{ path: pointer }] },
        });
      }
      const after = await t.store.ops.deadLetters.list(gcp.id, 100);
      expect(after.length).toBe(before.length + 2 * cases.length);
    });

    it('refuses a body nested deeper than 64 levels at the request, for Alertmanager and PagerDuty (was 202, then lost)', async () => {
      const deep = '['.repeat(50_000) + ']'.repeat(50_000);
      const before = await t.store.ops.deadLetters.list(am.id, 100);
      const inboxBefore = await t.store.ops.inbox.count();
      const payload = amPayload('payload-1.json') as { alerts: Record<string, unknown>[] };
      const text = JSON.stringify(payload).replace('"alerts":[{', `"alerts":[{"extra":${deep},`);
      expect(text).toContain(deep);
      const bad = await both(amCase({ body: text }));
      expect(bad).toMatchObject({ fast: true, answer: { status: 400 } });
      expect(JSON.parse(bad.answer.body)).toMatchObject({
        error: {
          code: 'OPSDECK_E_VALIDATION',
          message: expect.stringContaining('deeper than 64 levels') as unknown,
          details: [{ path: '/body' }],
        },
      });
      expect(await t.store.ops.inbox.count()).toBe(inboxBefore);
      const after = await t.store.ops.deadLetters.list(am.id, 100);
      expect(after.length).toBe(before.length + 2);
      expect(after[0]).toMatchObject({ path: '', errorCode: 'OPSDECK_E_VALIDATION' });

      // PagerDuty's custom_details went through JSON.stringify in the normalizer: a 500.
      const event = JSON.parse(fixtureText('pagerduty-firing.json')) as { payload: Record<string, unknown> };
      const pdBody = JSON.stringify({ ...event, routing_key: pd.key }).replace(
        '"payload":{',
        `"payload":{"custom_details":{"deep":${deep}},`,
      );
      const pdBad = await both({
        url: '/api/ingest/pagerduty/v2/enqueue',
        headers: { 'content-type': 'application/json' },
        body: pdBody,
      });
      expect(pdBad).toMatchObject({ fast: true, answer: { status: 400 } });
      expect(JSON.parse(pdBad.answer.body)).toEqual({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ['nests arrays and objects deeper than 64 levels'],
      });
    });

    it('serves PagerDuty Events v2 with its own answers (202 with dedup_key, PagerDuty-style 400)', async () => {
      const event = { ...JSON.parse(fixtureText('pagerduty-firing.json')), routing_key: pd.key };
      const c = (body: unknown): Case => ({
        url: '/api/ingest/pagerduty/v2/enqueue',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const ok = await both(c(event));
      expect(ok).toMatchObject({ fast: true, answer: { status: 202 } });
      expect(JSON.parse(ok.answer.body)).toEqual({
        status: 'success',
        message: 'Event processed',
        dedup_key: (event as { dedup_key: string }).dedup_key,
      });
      const bad = await both(c({ ...event, event_action: 'explode' }));
      expect(bad).toMatchObject({ fast: true, answer: { status: 400 } });
      expect(JSON.parse(bad.answer.body)).toMatchObject({
        status: 'invalid event',
        errors: [expect.any(String)],
      });
    });

    it("answers a PagerDuty body that is not JSON 400 as PagerDuty does, kept only for a known integration's key", async () => {
      const c = (body: string): Case => ({
        url: '/api/ingest/pagerduty/v2/enqueue',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const invalid = {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: [expect.stringMatching(/^is not valid JSON/)],
      };
      const before = await t.store.ops.deadLetters.list(pd.id, 100);
      // No key to be found: 400 (was 401 "routing_key is missing"), nothing kept.
      for (const body of ['not json', '{"event_action":"trigger",', `{"routing_key":"${'y'.repeat(32)}",`]) {
        const bad = await both(c(body));
        expect(bad).toMatchObject({ fast: true, answer: { status: 400 } });
        expect(JSON.parse(bad.answer.body)).toEqual(invalid);
      }
      expect(await t.store.ops.deadLetters.list(pd.id, 100)).toHaveLength(before.length);
      // The integration's key in the text: the same 400, and the body is its dead letter (key redacted).
      const truncated = `{"routing_key":"${pd.key}","event_action":"trigger","payload":{"summary":"x"`;
      const kept = await both(c(truncated));
      expect(kept).toMatchObject({ fast: true, answer: { status: 400 } });
      expect(JSON.parse(kept.answer.body)).toEqual(invalid);
      const after = await t.store.ops.deadLetters.list(pd.id, 100);
      expect(after).toHaveLength(before.length + 2);
      const letter = await t.store.ops.deadLetters.get(after[0]!.id);
      expect(letter?.body).toContain('"routing_key":"[redacted]"');
      expect(letter?.body).not.toContain(pd.key);

      // A JSON event without a usable key is still refused 401, pointing at the body's routing_key.
      const noKey = await both(c(JSON.stringify({ event_action: 'trigger' })));
      expect(noKey).toMatchObject({ fast: true, answer: { status: 401 } });
      expect(JSON.parse(noKey.answer.body)).toMatchObject({
        error: { code: 'OPSDECK_E_UNAUTHENTICATED', details: [{ path: '/body/routing_key' }] },
      });
      const wrongKey = await both(
        c(JSON.stringify({ routing_key: 'y'.repeat(32), event_action: 'trigger' })),
      );
      expect(JSON.parse(wrongKey.answer.body)).toMatchObject({
        error: { code: 'OPSDECK_E_UNAUTHENTICATED', details: [{ path: '/body/routing_key' }] },
      });
    });

    it('leaves to Fastify what it does not take, with the same answers', async () => {
      const cases: [string, Case, { chunked?: boolean }?][] = [
        ['a trailing slash', amCase({ url: `${am.path}/` })],
        [
          'a percent-encoded key',
          amCase({
            url: `${am.path}?key=${encodeURIComponent(`${am.key}`)}%2D`,
            headers: { 'content-type': 'application/json' },
          }),
        ],
        [
          'another query parameter',
          amCase({ url: `${am.path}?key=${am.key}&x=1`, headers: { 'content-type': 'application/json' } }),
        ],
        ['an unknown source', amCase({ url: `/api/ingest/nagios/${am.id}` })],
        ['an empty body', amCase({ body: '' })],
        ['no content type', amCase({ headers: { authorization: `Bearer ${am.key}` } })],
        ['a chunked body', amCase(), { chunked: true }],
      ];
      for (const [what, c, opts] of cases) {
        const r = await both(c, opts);
        expect(r.fast, what).toBe(false);
      }
      const chunked = await post(base, amCase(), { chunked: true });
      expect(chunked.status).toBe(202);
    });

    it('leaves a body over the limit to Fastify (413), and survives a client that leaves mid-body', async () => {
      const before = served();
      const huge = await post(base, amCase({ body: 'x'.repeat(t.config.bodyLimitBytes + 1) }));
      expect(huge.status).toBe(413);
      expect(JSON.parse(huge.body)).toMatchObject({ error: { code: 'OPSDECK_E_BODY_TOO_LARGE' } });
      expect(served()).toBe(before);

      // Announces 1,000 bytes, sends 10, and closes the connection.
      await new Promise<void>((resolve) => {
        const req = httpRequest(`${base}${am.path}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${am.key}`,
            'content-type': 'application/json',
            'content-length': '1000',
          },
        });
        req.on('error', () => resolve());
        req.write('{"version":');
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
      expect(served()).toBe(before + 1);
      const next = await post(base, amCase());
      expect(next.status).toBe(202);
    });

    it("records the fast path's answers in the request-duration histogram under the route's pattern", async () => {
      const text =
        (await t.app.opsdeck.metrics.registry.getSingleMetricAsString(
          'opsdeck_http_request_duration_seconds',
        )) ?? '';
      const count = (status: string): number =>
        Number(
          new RegExp(
            `opsdeck_http_request_duration_seconds_count\\{method="POST",route="/api/ingest/alertmanager/:integrationId",status_code="${status}"\\} (\\d+)`,
          ).exec(text)?.[1] ?? 0,
        );
      // Every 202 so far: three cases sent both ways, one chunked, one after the aborted client.
      expect(count('202')).toBeGreaterThanOrEqual(8);
      expect(count('401')).toBeGreaterThanOrEqual(8);
    });
  });
}

describe('ingest fast path over TLS', () => {
  it('serves an ingest request on an HTTPS server, with HSTS as Fastify sends it', async () => {
    const pki = await generatePki([{ name: 'server', dns: ['localhost'], days: 30 }]);
    const certFile = path.join(pki.dir, 'server.pem');
    const keyFile = path.join(pki.dir, 'server.key');
    await writeFile(certFile, pki.certs['server']!.cert);
    await writeFile(keyFile, pki.certs['server']!.key);
    const t = await buildTestApp({ dialect: 'sqlite', config: { tls: { certFile, keyFile } } });
    try {
      const admin = await t.login('admin', t.adminPassword);
      const am = await createIntegration(t, admin, 'alertmanager');
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const port = (t.app.server.address() as AddressInfo).port;
      const body = JSON.stringify(amPayload('payload-1.json'));
      const before = t.app.opsdeck.ingest?.fastPath?.served ?? -1;
      const req = httpsRequest({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        path: am.path,
        method: 'POST',
        ca: pki.caPem,
        headers: {
          authorization: `Bearer ${am.key}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        },
      });
      const pending = answerOf(req);
      req.end(body);
      const answer = await pending;
      expect(t.app.opsdeck.ingest?.fastPath?.served).toBe(before + 1);
      expect(answer.status).toBe(202);
      expect(JSON.parse(answer.body)).toEqual({ accepted: 1 });
      const injected = await t.app.inject({
        method: 'POST',
        url: am.path,
        headers: { authorization: `Bearer ${am.key}`, 'content-type': 'application/json' },
        payload: body,
      });
      expect(answer.headers['strict-transport-security']).toBe(injected.headers['strict-transport-security']);
      expect(answer.headers['strict-transport-security']).toContain('max-age=');
    } finally {
      await t.close();
      await pki.cleanup();
    }
  });
});

describe("ingest fast path's log lines", () => {
  /** The "ingest refused" lines logged so far, parsed. */
  const refusals = (text: string): Record<string, unknown>[] =>
    text
      .split('\n')
      .filter((l) => l.includes('ingest refused'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  for (const trustProxy of [false, true]) {
    it(`logs a refusal as Fastify does: request id, client address and host (trust_proxy ${trustProxy})`, async () => {
      const logs = captureLogger();
      const t = await buildTestApp({ dialect: 'sqlite', config: { trustProxy }, logger: logs.logger });
      try {
        const admin = await t.login('admin', t.adminPassword);
        const am = await createIntegration(t, admin, 'alertmanager');
        await t.app.listen({ host: '127.0.0.1', port: 0 });
        const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
        const headers = {
          authorization: 'Bearer wrong-key',
          'content-type': 'application/json',
          'x-forwarded-for': '203.0.113.7, 10.0.0.2',
          'x-forwarded-host': 'alerts.example.com',
        };
        const body = JSON.stringify(amPayload('payload-1.json'));
        const served = (): number => t.app.opsdeck.ingest?.fastPath?.served ?? -1;
        const before = served();
        // The fast path's answer, then Fastify's (a trailing slash is left to Fastify).
        expect((await post(base, { url: am.path, headers, body })).status).toBe(401);
        expect(served()).toBe(before + 1);
        expect((await post(base, { url: `${am.path}/`, headers, body })).status).toBe(401);
        expect(served()).toBe(before + 1);

        const [fast, routed] = refusals(logs.text());
        expect(fast).toBeDefined();
        expect(routed).toBeDefined();
        expect(fast!['reqId']).toMatch(/^[0-9a-f-]{36}$/);
        expect(routed!['reqId']).toMatch(/^[0-9a-f-]{36}$/);
        expect(fast!['reqId']).not.toBe(routed!['reqId']);
        const req = (line: Record<string, unknown>): Record<string, unknown> => {
          const { remotePort: _port, url: _url, ...rest } = line['req'] as Record<string, unknown>;
          return rest;
        };
        expect(req(fast!)).toEqual(req(routed!));
        expect(req(fast!)).toMatchObject(
          trustProxy
            ? { remoteAddress: '203.0.113.7', host: 'alerts.example.com' }
            : { remoteAddress: '127.0.0.1', host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) },
        );
        expect(fast!['level']).toBe(routed!['level']);
        expect(fast!['msg']).toBe(routed!['msg']);
      } finally {
        await t.close();
      }
    });
  }

  it('logs no refusal on either path under log_level error (the routes never log more than the server)', async () => {
    const logs = captureLogger('error');
    const t = await buildTestApp({ dialect: 'sqlite', logger: logs.logger });
    try {
      const admin = await t.login('admin', t.adminPassword);
      const am = await createIntegration(t, admin, 'alertmanager');
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      const headers = { authorization: 'Bearer wrong-key', 'content-type': 'application/json' };
      const body = JSON.stringify(amPayload('payload-1.json'));
      expect((await post(base, { url: am.path, headers, body })).status).toBe(401);
      expect((await post(base, { url: `${am.path}/`, headers, body })).status).toBe(401);
      expect(refusals(logs.text())).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('plainIngestRoute', () => {
  const routes = {
    webhookSources: ['alertmanager', 'grafana'],
    pagerDutyPath: '/api/ingest/pagerduty/v2/enqueue',
  };
  it('takes POSTs to a known source with a plain id and at most a plain ?key=', () => {
    expect(plainIngestRoute(routes, 'POST', '/api/ingest/alertmanager/abc-1')).toEqual({
      routeUrl: '/api/ingest/alertmanager/:integrationId',
      integrationId: 'abc-1',
      queryKey: undefined,
    });
    expect(plainIngestRoute(routes, 'POST', '/api/ingest/grafana/abc?key=k_1')).toMatchObject({
      queryKey: 'k_1',
    });
    expect(plainIngestRoute(routes, 'POST', '/api/ingest/pagerduty/v2/enqueue')).toEqual({
      routeUrl: '/api/ingest/pagerduty/v2/enqueue',
      integrationId: undefined,
      queryKey: undefined,
    });
  });
  it('leaves everything else to Fastify', () => {
    for (const [method, url] of [
      ['GET', '/api/ingest/alertmanager/abc'],
      ['POST', '/api/ingest/alertmanager/abc/'],
      ['POST', '/api/ingest/alertmanager/a%62c'],
      ['POST', '/api/ingest/alertmanager/'],
      ['POST', '/api/ingest/alertmanager'],
      ['POST', '/api/ingest/cloudwatch/abc'],
      ['POST', '/api/ingest/alertmanager/abc?key='],
      ['POST', '/api/ingest/alertmanager/abc?key=a&b=c'],
      ['POST', '/api/ingest/alertmanager/abc?Key=a'],
      ['POST', '/api/ingest/pagerduty/v2/enqueue/'],
      ['POST', `/api/ingest/alertmanager/${'a'.repeat(101)}`],
      ['POST', '/api/integrations'],
    ] as const) {
      expect(plainIngestRoute(routes, method, url), `${method} ${url}`).toBeUndefined();
    }
  });
});
