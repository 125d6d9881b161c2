import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRecorded, snsSettings } from '../src/server/ops/ingest.js';
import { processInbox } from '../src/server/ops/processor.js';
import { testDialects } from './helpers/databases.js';
import {
  amPayload,
  createIntegration,
  fixtureText,
  ingest,
  snsSigner,
  type TestIntegration,
} from './helpers/ops.js';
import { buildTestApp, json, type TestApp } from './helpers/server.js';

const dialects = await testDialects();

interface IngestBody {
  accepted: number;
  subscription?: { topicArn: string; confirmed: boolean; status: number | null };
}
interface ErrorBody {
  error: { code: string; message: string; details: { path?: string; message: string }[] };
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`alert ingestion on ${dialect}`, () => {
    let t: TestApp;
    let admin: string;
    const metric = async (name: string): Promise<string> =>
      (await t.app.opsdeck.metrics.registry.getSingleMetricAsString(name)) ?? '';
    const inboxCount = () => t.store.ops.inbox.count();

    beforeAll(async () => {
      t = await buildTestApp({ dialect });
      admin = await t.login('admin', t.adminPassword);
    });
    afterAll(async () => t?.close());

    it('commits an Alertmanager webhook before answering 202; the processor records the same payload again only once', async () => {
      const am = await createIntegration(t, admin, 'alertmanager');
      expect(am.key).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(am.ingestUrl).toBe(`http://localhost/api/ingest/alertmanager/${am.id}`);
      // What the server's processor does, with its metrics (no processor runs in this app).
      const process = () =>
        processInbox(t.app.opsdeck, { onRecorded: (o) => countRecorded(t.app.opsdeck, o) });
      await process();
      const before = await inboxCount();
      const first = await ingest(t, am, amPayload('payload-1.json'));
      expect(first.statusCode).toBe(202);
      expect(json<IngestBody>(first)).toEqual({ accepted: 1 });
      // Committed when the 2xx arrives: the request's body is in the inbox, read by a separate query.
      expect(await inboxCount()).toBe(before + 1);
      const [row] = await t.store.ops.inbox.take(1);
      expect(row).toMatchObject({ integrationId: am.id, source: 'alertmanager', record: true });
      expect(JSON.parse(row!.body!.text)).toEqual(amPayload('payload-1.json'));
      expect(await metric('opsdeck_ops_inbox_batches')).toContain(`opsdeck_ops_inbox_batches ${before + 1}`);
      expect(await metric('opsdeck_ingest_alerts_total')).toMatch(
        /opsdeck_ingest_alerts_total\{source="alertmanager",result="accepted"\} 1/,
      );
      expect(await t.store.ops.alerts.get('alertmanager:b1c11497b32ce15e')).toBeUndefined();

      // Alertmanager HA: the other replica sends the very same notification.
      const again = await ingest(t, am, amPayload('payload-1.json'));
      expect(again.statusCode).toBe(202);
      expect(json<IngestBody>(again)).toEqual({ accepted: 1 });
      expect(await inboxCount()).toBe(before + 2);

      expect(await process()).toBe(2);
      expect(await inboxCount()).toBe(0);
      expect(await t.store.ops.alerts.get('alertmanager:b1c11497b32ce15e')).toMatchObject({
        status: 'firing',
        severity: 'critical',
        labels: { alertname: 'HighErrorRate', instance: 'web-1', service: 'checkout' },
        seenCount: 2,
        integrationId: am.id,
      });
      const count = await t.store.db
        .selectFrom('ops_alerts')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('dedup_key', '=', 'alertmanager:b1c11497b32ce15e')
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1);
      const alertsTotal = await metric('opsdeck_ingest_alerts_total');
      expect(alertsTotal).toMatch(/opsdeck_ingest_alerts_total\{source="alertmanager",result="stored"\} 1$/m);
      expect(alertsTotal).toMatch(
        /opsdeck_ingest_alerts_total\{source="alertmanager",result="duplicate"\} 1$/m,
      );

      // A changed status is not a duplicate.
      const resolved = await ingest(t, am, amPayload('payload-3.json'));
      expect(json<IngestBody>(resolved)).toEqual({ accepted: 2 });
      await process();
      expect((await t.store.ops.alerts.get('alertmanager:b1c11497b32ce15e'))?.status).toBe('resolved');
      expect(await metric('opsdeck_ingest_alerts_total')).toMatch(
        /opsdeck_ingest_alerts_total\{source="alertmanager",result="stored"\} 3$/m,
      );
    });

    it("keeps users' cached sessions through an alert flood; a user's change still clears them", async () => {
      const am = await createIntegration(t, admin, 'alertmanager');
      const cache = t.app.opsdeck.authCache;
      const me = () => t.app.inject({ method: 'GET', url: '/api/me', cookies: { opsdeck_session: admin } });
      expect((await me()).statusCode).toBe(200);
      const cached = cache.size;
      expect(cached).toBeGreaterThan(0);
      for (let i = 0; i < 3; i++)
        expect((await ingest(t, am, amPayload('payload-2.json'))).statusCode).toBe(202);
      expect(cache.size).toBe(cached);
      // A change made by a user (here: an integration renamed) may alter who is who: cleared.
      const renamed = await t.app.inject({
        method: 'PATCH',
        url: `/api/integrations/${am.id}`,
        headers: t.sessionHeaders(admin),
        payload: { name: 'renamed' },
      });
      expect(renamed.statusCode).toBe(200);
      expect(cache.size).toBe(0);
    });

    it('accepts the key as Bearer, Basic auth password or ?key=, and refuses anything else with 401, counted', async () => {
      const am = await createIntegration(t, admin, 'alertmanager');
      const body = JSON.stringify(amPayload('payload-2.json'));
      const post = (headers: Record<string, string>, url = am.path) =>
        t.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json', ...headers },
          payload: body,
        });
      const basic = Buffer.from(`alertmanager:${am.key}`).toString('base64');
      expect((await post({ authorization: `Basic ${basic}` })).statusCode).toBe(202);
      expect((await post({}, `${am.path}?key=${am.key}`)).statusCode).toBe(202);

      const missing = await post({});
      expect(missing.statusCode).toBe(401);
      expect(json<ErrorBody>(missing).error.code).toBe('OPSDECK_E_UNAUTHENTICATED');
      const wrong = await post({ authorization: `Bearer ${'x'.repeat(32)}` });
      expect(wrong.statusCode).toBe(401);
      const unknown = await post(
        { authorization: `Bearer ${am.key}` },
        '/api/ingest/alertmanager/no-such-id',
      );
      expect(unknown.statusCode).toBe(401);
      // The key of one integration on another source's route.
      const onGrafana = await post({ authorization: `Bearer ${am.key}` }, `/api/ingest/grafana/${am.id}`);
      expect(onGrafana.statusCode).toBe(401);
      expect(json<ErrorBody>(onGrafana).error.message).toContain(`/api/ingest/alertmanager/${am.id}`);
      // A user's session is no ingest key.
      const session = await post(t.sessionHeaders(admin));
      expect(session.statusCode).toBe(401);

      const m = await metric('opsdeck_ingest_rejected_total');
      expect(m).toMatch(/reason="missing_key"\} [1-9]/);
      expect(m).toMatch(/reason="wrong_key"\} [1-9]/);
      expect(m).toMatch(/reason="unknown_integration"\} [1-9]/);
      expect(m).toMatch(/reason="wrong_source"\} [1-9]/);
      const after = await t.app.inject({
        method: 'GET',
        url: `/api/integrations/${am.id}`,
        cookies: { opsdeck_session: admin },
      });
      expect(json<{ integration: { authFailures: number } }>(after).integration.authFailures).toBe(4);
    });

    it('rotating the key stops the old one at once; a disabled integration is refused', async () => {
      const am = await createIntegration(t, admin, 'alertmanager');
      // Accepted first, so the verifier has the integration cached when the key changes.
      expect((await ingest(t, am, amPayload('payload-1.json'))).statusCode).toBe(202);
      const rotated = await t.app.inject({
        method: 'POST',
        url: `/api/integrations/${am.id}/rotate-key`,
        headers: t.sessionHeaders(admin),
      });
      expect(rotated.statusCode).toBe(200);
      const newKey = json<{ key: string }>(rotated).key;
      expect(newKey).not.toBe(am.key);
      expect((await ingest(t, am, amPayload('payload-2.json'))).statusCode).toBe(401);
      expect((await ingest(t, { ...am, key: newKey }, amPayload('payload-2.json'))).statusCode).toBe(202);
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/integrations',
        cookies: { opsdeck_session: admin },
      });
      expect(list.body).not.toContain(newKey);
      expect(list.body).not.toContain(am.key);

      const disable = await t.app.inject({
        method: 'PATCH',
        url: `/api/integrations/${am.id}`,
        headers: t.sessionHeaders(admin),
        payload: { disabled: true },
      });
      expect(disable.statusCode).toBe(200);
      expect((await ingest(t, { ...am, key: newKey }, amPayload('payload-2.json'))).statusCode).toBe(401);
      const audit = await t.app.inject({
        method: 'GET',
        url: '/api/audit?limit=500',
        cookies: { opsdeck_session: admin },
      });
      const actions = json<{ entries: { action: string; target: string }[] }>(audit)
        .entries.filter((e) => e.target === `integration:${am.id}`)
        .map((e) => e.action);
      expect(actions.sort()).toEqual(['integration.create', 'integration.rotate-key', 'integration.update']);
      expect(audit.body).not.toContain(newKey);
    });

    it.each([
      ['grafana', 'grafana-firing.json', 'grafana-resolved.json'],
      ['azure-monitor', 'azure-monitor-firing.json', 'azure-monitor-resolved.json'],
      ['gcp-monitoring', 'gcp-monitoring-firing.json', 'gcp-monitoring-resolved.json'],
    ])('ingests %s payloads (firing, then resolved)', async (source, firing, resolved) => {
      const i = await createIntegration(t, admin, source);
      const r1 = await ingest(t, i, fixtureText(firing));
      expect(r1.statusCode).toBe(202);
      const b1 = json<IngestBody>(r1);
      expect(b1.accepted).toBeGreaterThan(0);
      await processInbox(t.app.opsdeck);
      const firingAlerts = await t.store.ops.alerts.list({ limit: 100, q: source });
      expect(
        firingAlerts.filter((a) => a.integrationId === i.id && a.status === 'firing').length,
      ).toBeGreaterThan(0);
      const r2 = await ingest(t, i, fixtureText(resolved));
      expect(r2.statusCode).toBe(202);
      await processInbox(t.app.opsdeck);
      const mine = (await t.store.ops.alerts.list({ limit: 100 })).filter((a) => a.integrationId === i.id);
      expect(mine.some((a) => a.status === 'resolved')).toBe(true);
    });

    it('keeps malformed bodies as dead letters and answers 400 with the JSON pointer', async () => {
      const am = await createIntegration(t, admin, 'alertmanager');
      const bad = amPayload('payload-1.json');
      (bad['alerts'] as Record<string, unknown>[])[0]!['startsAt'] = 'yesterday';
      const res = await ingest(t, am, bad);
      expect(res.statusCode).toBe(400);
      const err = json<ErrorBody>(res).error;
      expect(err.code).toBe('OPSDECK_E_VALIDATION');
      expect(err.details[0]?.path).toBe('/body/alerts/0/startsAt');

      const notJson = await ingest(t, am, '{"alerts": [', { contentType: 'application/json' });
      expect(notJson.statusCode).toBe(400);
      expect(json<ErrorBody>(notJson).error.details[0]?.path).toBe('/body');

      const list = await t.app.inject({
        method: 'GET',
        url: `/api/integrations/${am.id}/dead-letters`,
        cookies: { opsdeck_session: admin },
      });
      const items = json<{ items: { id: string; path: string; errorCode: string; message: string }[] }>(
        list,
      ).items;
      expect(items.map((d) => d.path).sort()).toEqual(['', '/alerts/0/startsAt']);
      const one = await t.app.inject({
        method: 'GET',
        url: `/api/dead-letters/${items.find((d) => d.path !== '')!.id}`,
        cookies: { opsdeck_session: admin },
      });
      const dl = json<{ deadLetter: { body: string; contentType: string; truncated: boolean } }>(
        one,
      ).deadLetter;
      expect(JSON.parse(dl.body)).toEqual(bad);
      expect(dl).toMatchObject({ contentType: 'application/json', truncated: false });
      // Nothing of the malformed body was stored as an alert; the server still serves.
      expect((await ingest(t, am, amPayload('payload-2.json'))).statusCode).toBe(202);
      expect(await metric('opsdeck_ingest_malformed_total')).toMatch(/source="alertmanager"\} 2/);
    });

    it('caps a dead letter body at 256 KiB', async () => {
      const am = await createIntegration(t, admin, 'alertmanager');
      const huge = JSON.stringify({ version: '4', alerts: 'x'.repeat(300 * 1024) });
      const res = await ingest(t, am, huge);
      expect(res.statusCode).toBe(400);
      const items = json<{ items: { id: string; bodyBytes: number; truncated: boolean }[] }>(
        await t.app.inject({
          method: 'GET',
          url: `/api/integrations/${am.id}/dead-letters`,
          cookies: { opsdeck_session: admin },
        }),
      ).items;
      expect(items[0]).toMatchObject({ truncated: true, bodyBytes: Buffer.byteLength(huge) });
      const dl = await t.store.ops.deadLetters.get(items[0]!.id);
      expect(dl?.body.length).toBe(256 * 1024);
    });

    it('is a PagerDuty Events v2 endpoint: routing_key is the key, 202 with the dedup_key, PagerDuty-style 400', async () => {
      const pd = await createIntegration(t, admin, 'pagerduty');
      expect(pd.ingestUrl).toBe('http://localhost/api/ingest/pagerduty/v2/enqueue');
      const event = {
        ...JSON.parse(fixtureText('pagerduty-firing.json')),
        routing_key: pd.key,
        dedup_key: 'pd-test-1',
      };
      const post = (body: unknown) =>
        t.app.inject({ method: 'POST', url: '/api/ingest/pagerduty/v2/enqueue', payload: body as object });
      const ok = await post(event);
      expect(ok.statusCode).toBe(202);
      expect(json(ok)).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'pd-test-1' });
      await processInbox(t.app.opsdeck);
      expect(await t.store.ops.alerts.get('pagerduty:pd-test-1')).toMatchObject({
        status: 'firing',
        integrationId: pd.id,
      });

      const wrongKey = await post({ ...event, routing_key: 'y'.repeat(32) });
      expect(wrongKey.statusCode).toBe(401);
      const invalid = await post({ ...event, event_action: 'explode' });
      expect(invalid.statusCode).toBe(400);
      expect(json<{ status: string; errors: string[] }>(invalid)).toMatchObject({
        status: 'invalid event',
        errors: [expect.stringContaining("'event_action'")],
      });
      const dls = await t.store.ops.deadLetters.list(pd.id, 10);
      expect(dls[0]).toMatchObject({ path: '/event_action' });
      // The routing key is the ingest key: kept nowhere (inbox, alert, dead letter) in plain text.
      const anon = await post({ ...event, dedup_key: undefined });
      expect(anon.statusCode).toBe(202);
      const generated = json<{ dedup_key: string }>(anon).dedup_key;
      expect(generated).toMatch(/^[0-9a-f]{32}$/);
      const [kept] = await t.store.ops.inbox.take(1);
      expect(kept?.body?.text).not.toContain(pd.key);
      expect(JSON.parse(kept!.body!.text)).toMatchObject({ routing_key: '[redacted]', dedup_key: generated });
      await processInbox(t.app.opsdeck);
      // Normalized again without the key, the event is the alert the 202 named.
      expect(await t.store.ops.alerts.get(`pagerduty:${generated}`)).toMatchObject({ status: 'firing' });
      const raws = await t.store.db
        .selectFrom('ops_alerts')
        .select('raw')
        .where('source', '=', 'pagerduty')
        .execute();
      expect(raws.length).toBeGreaterThan(0);
      for (const r of raws) expect(r.raw).not.toContain(pd.key);
      for (const d of await t.store.ops.deadLetters.list(pd.id, 10))
        expect((await t.store.ops.deadLetters.get(d.id))?.body).not.toContain(pd.key);

      const resolve = await post({ routing_key: pd.key, event_action: 'resolve', dedup_key: 'pd-test-1' });
      expect(resolve.statusCode).toBe(202);
      await processInbox(t.app.opsdeck);
      expect((await t.store.ops.alerts.get('pagerduty:pd-test-1'))?.status).toBe('resolved');
    });

    describe('CloudWatch via SNS', () => {
      let signer: Awaited<ReturnType<typeof snsSigner>>;
      let cw: TestIntegration;
      beforeAll(async () => {
        signer = await snsSigner();
        cw = await createIntegration(t, admin, 'cloudwatch');
        // Production trusts only https sns.<region>.amazonaws.com; here a local server plays SNS.
        const sns = snsSettings(t.app.opsdeck);
        sns.isTrustedCertUrl = (url) => url === signer.certUrl;
        sns.isAllowedSubscribeUrl = (url) => url.startsWith(`${signer.baseUrl}/confirm`);
      });
      afterAll(async () => signer?.close());

      const envelope = (name: string) => {
        const e = JSON.parse(fixtureText(name)) as Record<string, string>;
        delete e['Signature'];
        delete e['SignatureVersion'];
        delete e['SigningCertURL'];
        return e as unknown as Parameters<typeof signer.sign>[0];
      };

      it('accepts a signed text/plain alarm notification and stores the alarm', async () => {
        const signed = signer.sign(envelope('cloudwatch-firing.json'));
        const res = await ingest(t, cw, JSON.stringify(signed), {
          contentType: 'text/plain; charset=UTF-8',
          headers: { 'x-amz-sns-message-type': 'Notification' },
        });
        expect(res.statusCode).toBe(202);
        expect(json<IngestBody>(res)).toEqual({ accepted: 1 });
        // The processor normalizes the staged body again, with the SNS message type header kept.
        await processInbox(t.app.opsdeck);
        const alerts = (await t.store.ops.alerts.list({ limit: 100 })).filter(
          (a) => a.integrationId === cw.id,
        );
        expect(alerts[0]).toMatchObject({ status: 'firing', labels: { alertname: 'orders-api-5xx' } });
        expect(signer.requests).toContain('/SimpleNotificationService-test.pem');
      });

      it('refuses a tampered message, an unknown signing certificate URL and a missing signature', async () => {
        const signed = signer.sign(envelope('cloudwatch-firing.json'));
        const tampered = { ...signed, Message: signed.Message.replace('ALARM', 'OK') };
        const r1 = await ingest(t, cw, JSON.stringify(tampered), { contentType: 'text/plain' });
        expect(r1.statusCode).toBe(401);
        expect(json<ErrorBody>(r1).error).toMatchObject({
          code: 'OPSDECK_E_SIGNATURE_INVALID',
          details: [{ path: '/body/Signature' }],
        });
        const foreign = { ...signed, SigningCertURL: 'https://evil.example/cert.pem' };
        const r2 = await ingest(t, cw, JSON.stringify(foreign), { contentType: 'text/plain' });
        expect(r2.statusCode).toBe(401);
        expect(json<ErrorBody>(r2).error.details[0]?.path).toBe('/body/SigningCertURL');
        const unsigned = envelope('cloudwatch-firing.json');
        expect(
          (await ingest(t, cw, JSON.stringify(unsigned), { contentType: 'text/plain' })).statusCode,
        ).toBe(401);
        expect(await metric('opsdeck_ingest_rejected_total')).toMatch(/reason="bad_signature"\} 3/);
      });

      it('confirms a subscription by visiting SubscribeURL and records it', async () => {
        const e = envelope('cloudwatch-subscription-confirmation.json');
        const signed = signer.sign({ ...e, SubscribeURL: `${signer.baseUrl}/confirm?Token=abc` });
        const res = await ingest(t, cw, JSON.stringify(signed), {
          contentType: 'text/plain',
          headers: { 'x-amz-sns-message-type': 'SubscriptionConfirmation' },
        });
        expect(res.statusCode).toBe(202);
        expect(json<IngestBody>(res)).toMatchObject({
          accepted: 0,
          subscription: { topicArn: e.TopicArn, confirmed: true, status: 200 },
        });
        expect(signer.requests).toContain('/confirm?Token=abc');
        const i = await t.store.ops.integrations.get(cw.id);
        expect(i?.snsSubscription).toMatchObject({ topicArn: e.TopicArn, status: 200 });

        // A SubscribeURL that is not SNS's is never visited.
        const evil = signer.sign({ ...e, SubscribeURL: 'http://169.254.169.254/latest/meta-data' });
        const r2 = await ingest(t, cw, JSON.stringify(evil), { contentType: 'text/plain' });
        expect(r2.statusCode).toBe(400);
        expect(json<ErrorBody>(r2).error.details[0]?.path).toBe('/body/SubscribeURL');
      });
    });
  });
}
