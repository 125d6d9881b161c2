/** Helpers for the ops (alerts, incidents) tests: integrations, real payload fixtures, SNS signing. */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { snsStringToSign, type SnsEnvelope } from '../../src/ops/sources/cloudwatch.js';
import { json, type TestApp } from './server.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../src/ops/sources/__fixtures__');
export const AM_DATA = path.resolve(import.meta.dirname, '../../../shared/data/alertmanager');

export function fixtureText(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** An Alertmanager webhook body captured from Alertmanager 0.25 (the `body` of the capture). */
export function amPayload(name: string): Record<string, unknown> {
  const d = JSON.parse(readFileSync(path.join(AM_DATA, name), 'utf8')) as Record<string, unknown>;
  return (d['body'] as Record<string, unknown> | undefined) ?? d;
}

/**
 * An Alertmanager webhook body (version 4) for one group grouped by `alertname`: each alert has
 * the given labels (default: `alertname` and `instance` = its fingerprint) and summary `alert <fp>`.
 */
export function amWebhook(
  alertname: string,
  status: 'firing' | 'resolved',
  alerts: readonly { fp: string; labels?: Record<string, string> }[],
): Record<string, unknown> {
  return {
    receiver: 'opsdeck',
    status,
    alerts: alerts.map((a) => ({
      status,
      labels: a.labels ?? { alertname, instance: a.fp },
      annotations: { summary: `alert ${a.fp}` },
      startsAt: '2026-11-27T08:00:00.000Z',
      endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-27T08:30:00.000Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: a.fp,
    })),
    groupLabels: { alertname },
    commonLabels: { alertname },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
  };
}

export interface TestIntegration {
  id: string;
  key: string;
  ingestUrl: string;
  /** Path of the ingest URL (for app.inject). */
  path: string;
}

export async function createIntegration(
  t: TestApp,
  cookie: string,
  source: string,
  extra: Record<string, unknown> = {},
): Promise<TestIntegration> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/integrations',
    headers: t.sessionHeaders(cookie),
    payload: { name: `${source} test`, source, ...extra },
  });
  if (res.statusCode !== 201) throw new Error(`create integration: ${res.statusCode} ${res.body}`);
  const body = json<{ integration: { id: string; ingestUrl: string }; key: string }>(res);
  return {
    id: body.integration.id,
    key: body.key,
    ingestUrl: body.integration.ingestUrl,
    path: new URL(body.integration.ingestUrl).pathname,
  };
}

/** Posts a body to an ingest route with the key as a Bearer token. */
export function ingest(
  t: TestApp,
  integration: TestIntegration,
  body: unknown,
  opts: { contentType?: string; headers?: Record<string, string> } = {},
) {
  return t.app.inject({
    method: 'POST',
    url: integration.path,
    headers: {
      authorization: `Bearer ${integration.key}`,
      'content-type': opts.contentType ?? 'application/json',
      ...opts.headers,
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A local RSA key pair and an HTTP server serving its public key as the "signing certificate". */
export async function snsSigner(): Promise<{
  certUrl: string;
  /** Requests the server saw (paths), e.g. SubscribeURL visits. */
  requests: string[];
  baseUrl: string;
  sign(envelope: Omit<SnsEnvelope, 'Signature' | 'SignatureVersion' | 'SigningCertURL'>): SnsEnvelope;
  close(): Promise<void>;
}> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/SimpleNotificationService-test.pem') {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(pem);
    } else if (req.url?.startsWith('/confirm')) {
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const certUrl = `${baseUrl}/SimpleNotificationService-test.pem`;
  return {
    certUrl,
    requests,
    baseUrl,
    sign(envelope) {
      const full: SnsEnvelope = { ...envelope, SignatureVersion: '2', SigningCertURL: certUrl };
      const s = createSign('RSA-SHA256');
      s.update(snsStringToSign(full), 'utf8');
      return { ...full, Signature: s.sign(privateKey, 'base64') };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
