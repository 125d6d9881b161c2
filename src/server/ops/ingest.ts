import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { OpsdeckError } from '../../core/errors.js';
import { digestsEqual, hashSecret } from '../../core/secret-hash.js';
import { ALERT_SOURCES, ingestError, parseJsonBody, type AlertSource } from '../../ops/alert.js';
import { pagerDutyErrorResponse } from '../../ops/sources/pagerduty.js';
import { isTrustedSnsCertUrl } from '../../ops/sources/cloudwatch.js';
import type { Integration } from '../../store/ops/index.js';
import type { IngestAuth } from '../auth/route-permission.js';
import type { ServerContext } from '../context.js';
import { AnswerError } from '../errors.js';

export type RejectReason =
  'missing_key' | 'unknown_integration' | 'wrong_key' | 'disabled' | 'wrong_source' | 'bad_signature';

export interface IngestMetrics {
  rejected: Counter<'reason'>;
  alerts: Counter<'source' | 'result'>;
  malformed: Counter<'source'>;
}

const metricsOf = new WeakMap<ServerContext, IngestMetrics>();

/** The ingest counters of this app (registered on its registry once). */
export function ingestMetrics(ctx: ServerContext): IngestMetrics {
  let m = metricsOf.get(ctx);
  if (!m) {
    const registers = [ctx.metrics.registry];
    m = {
      rejected: new Counter({
        name: 'opsdeck_ingest_rejected_total',
        help: 'Ingest requests refused before reading alerts, by reason (missing_key, unknown_integration, wrong_key, disabled, wrong_source, bad_signature)',
        labelNames: ['reason'] as const,
        registers,
      }),
      alerts: new Counter({
        name: 'opsdeck_ingest_alerts_total',
        help: 'Alerts by source and result: accepted (committed by an ingest request), then stored (new or changed) or duplicate (recorded by the incident processor)',
        labelNames: ['source', 'result'] as const,
        registers,
      }),
      malformed: new Counter({
        name: 'opsdeck_ingest_malformed_total',
        help: 'Ingest bodies rejected as malformed (kept as dead letters of their integration, when it is known), by source',
        labelNames: ['source'] as const,
        registers,
      }),
    };
    metricsOf.set(ctx, m);
  }
  return m;
}

/**
 * Counts what the incident processor recorded of accepted requests (its `onRecorded`, in this
 * thread or relayed from its own): opsdeck_ingest_alerts_total{result="stored"|"duplicate"}.
 */
export function countRecorded(
  ctx: ServerContext,
  outcomes: readonly { source: string; stored: number; duplicates: number }[],
): void {
  const metrics = ingestMetrics(ctx);
  for (const o of outcomes) {
    if (o.stored > 0) metrics.alerts.inc({ source: o.source, result: 'stored' }, o.stored);
    if (o.duplicates > 0) metrics.alerts.inc({ source: o.source, result: 'duplicate' }, o.duplicates);
  }
}

/**
 * An ingest request as the verifier and the handlers read it, whether it came through Fastify
 * (`ingestRequestOf`) or the HTTP fast path (./ingest-http.ts).
 */
export interface IngestRequest {
  /** The route's URL pattern (`/api/ingest/alertmanager/:integrationId`): source and metrics label. */
  routeUrl: string;
  /** The `:integrationId` of the URL (absent on PagerDuty's route). */
  integrationId: string | undefined;
  headers: IncomingHttpHeaders;
  /** The `?key=` query parameter. */
  queryKey: string | undefined;
  /** The body, as text whatever its content type. */
  body: string;
  /** Where refusals and rejected bodies are logged (warn level on ingest routes). */
  log: FastifyBaseLogger;
  /** What is logged as `req` (serialized by src/server/logging.ts, which redacts `?key=`). */
  logged: unknown;
}

/** The ingest request of a Fastify request on an ingest route. */
export function ingestRequestOf(request: FastifyRequest): IngestRequest {
  const id = (request.params as Record<string, unknown> | undefined)?.['integrationId'];
  const key = (request.query as Record<string, unknown> | undefined)?.['key'];
  return {
    routeUrl: request.routeOptions.url ?? request.url,
    integrationId: typeof id === 'string' ? id : undefined,
    headers: request.headers,
    queryKey: typeof key === 'string' && key !== '' ? key : undefined,
    body: typeof request.body === 'string' ? request.body : '',
    log: request.log,
    logged: request,
  };
}

/** The ingest key of a request: `Authorization: Bearer <key>`, Basic auth password, or `?key=`. */
export function presentedKey(request: Pick<IngestRequest, 'headers' | 'queryKey'>): string | undefined {
  const h = request.headers.authorization;
  if (typeof h === 'string' && h !== '') {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (bearer) return bearer[1];
    const basic = /^Basic\s+(\S+)\s*$/i.exec(h);
    if (basic) {
      const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon >= 0 ? decoded.slice(colon + 1) : undefined;
    }
    return undefined;
  }
  return request.queryKey;
}

/**
 * The PagerDuty `routing_key` of a raw Events v2 body, if it has one, and whether the body is
 * JSON at all.
 */
export function routingKeyOf(body: unknown): { json: boolean; key: string | undefined } {
  if (typeof body !== 'string') return { json: false, key: undefined };
  let v: unknown;
  try {
    v = JSON.parse(body) as unknown;
  } catch {
    return { json: false, key: undefined };
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const k = (v as Record<string, unknown>)['routing_key'];
    return { json: true, key: typeof k === 'string' && k !== '' ? k : undefined };
  }
  return { json: true, key: undefined };
}

const ROUTING_KEY_TEXT = /"routing_key"\s*:\s*("(?:[^"\\]|\\.)*")/;

/**
 * The `"routing_key": "..."` of a body that is not JSON (a truncated or hand-written event), found
 * in its text as `redactRoutingKeys` finds it: how a malformed event's integration is known, so
 * that its body is kept as that integration's dead letter.
 */
export function routingKeyInText(text: string): string | undefined {
  const m = ROUTING_KEY_TEXT.exec(text);
  if (!m) return undefined;
  try {
    const k = JSON.parse(m[1]!) as string;
    return k === '' ? undefined : k;
  } catch {
    return undefined;
  }
}

/** The source a route ingests, from its URL pattern. */
export function sourceOfRoute(url: string | undefined): AlertSource | undefined {
  if (url === undefined) return undefined;
  if (url.startsWith('/api/ingest/pagerduty/')) return 'pagerduty';
  const m = /^\/api\/ingest\/([a-z-]+)\//.exec(url);
  const s = m?.[1];
  return (ALERT_SOURCES as readonly string[]).includes(s ?? '') ? (s as AlertSource) : undefined;
}

/** How long the ingest verifier trusts an integration it looked up (see `createIngestVerifier`). */
export const INGEST_AUTH_CACHE_MS = 2000;
/** Entries kept at most (unknown ids sent by a misconfigured or hostile client are cached too). */
const INGEST_AUTH_CACHE_MAX = 10_000;

interface Cached<T> {
  until: number;
  value: T;
}

interface IngestAuthCache {
  byId: Map<string, Cached<{ integration: Integration; keyHash: string } | undefined>>;
  byKey: Map<string, Cached<Integration | undefined>>;
}

const authCacheOf = new WeakMap<ServerContext, IngestAuthCache>();

function authCache(ctx: ServerContext): IngestAuthCache {
  let c = authCacheOf.get(ctx);
  if (!c) {
    c = { byId: new Map(), byKey: new Map() };
    authCacheOf.set(ctx, c);
  }
  return c;
}

/** Forgets cached integrations: call after creating, changing, rotating or deleting one. */
export function forgetIngestAuth(ctx: ServerContext): void {
  const c = authCache(ctx);
  c.byId.clear();
  c.byKey.clear();
}

async function cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = map.get(key);
  if (hit && hit.until > now) return hit.value;
  const value = await load();
  if (map.size >= INGEST_AUTH_CACHE_MAX) map.clear();
  map.set(key, { until: now + INGEST_AUTH_CACHE_MS, value });
  return value;
}

/**
 * The `ingest` verifier: finds the integration (by the URL's id, then a constant-time comparison
 * of the key's SHA-256; PagerDuty: by the hash of `routing_key`), refuses disabled integrations
 * and a source other than the route's. Every refusal is counted
 * (`opsdeck_ingest_rejected_total{reason}`, and the integration's auth_failures when known).
 * Lookups are cached for INGEST_AUTH_CACHE_MS (a query per request was a tenth of an ingest
 * request's database time); this server forgets them at once when an integration changes, other
 * replicas within that time.
 */
export function createIngestVerifier(ctx: ServerContext): (request: IngestRequest) => Promise<IngestAuth> {
  const metrics = ingestMetrics(ctx);
  const cache = authCache(ctx);
  const refuse = async (
    request: IngestRequest,
    reason: RejectReason,
    message: string,
    integrationId?: string,
  ): Promise<never> => {
    metrics.rejected.inc({ reason });
    // The access log is off on ingest routes (warn level): say who was refused and why.
    request.log.warn({ req: request.logged, reason, integrationId }, `ingest refused: ${message}`);
    if (integrationId !== undefined) await ctx.store.ops.integrations.recordAuthFailure(integrationId);
    throw new OpsdeckError('OPSDECK_E_UNAUTHENTICATED', message, [
      sourceOfRoute(request.routeUrl) === 'pagerduty'
        ? { path: '/body/routing_key', message: "send the integration's ingest key as routing_key" }
        : {
            path: '/headers/authorization',
            message: "send the integration's ingest key as a Bearer token, the Basic auth password, or ?key=",
          },
    ]);
  };
  /** The integration of a PagerDuty routing key (cached), if any. */
  const byRoutingKey = (key: string): Promise<Integration | undefined> =>
    cached(cache.byKey, hashSecret(key), () => ctx.store.ops.integrations.findByKey(key));
  return async (request) => {
    const source = sourceOfRoute(request.routeUrl);
    if (source === undefined) return refuse(request, 'unknown_integration', 'Not an ingest route');
    if (source === 'pagerduty') {
      const { json, key } = routingKeyOf(request.body);
      if (!json) {
        // PagerDuty answers a body that is not JSON 400 "invalid event", whatever its key. The
        // handler does (and keeps the body as a dead letter) when the key in the text names an
        // enabled PagerDuty integration; otherwise there is no integration to keep it for.
        const textKey = routingKeyInText(request.body);
        const found = textKey === undefined ? undefined : await byRoutingKey(textKey);
        if (found && !found.disabled && found.source === 'pagerduty')
          return { integrationId: found.id, source };
        metrics.malformed.inc({ source });
        const parsed = parseJsonBody('pagerduty', request.body);
        const e = parsed.ok
          ? ingestError('pagerduty', [{ path: '', message: 'is not valid JSON' }])
          : parsed.error;
        request.log.warn(
          { req: request.logged, code: e.code, path: e.path },
          `ingest body rejected (no integration known, not kept): ${e.message}`,
        );
        throw new AnswerError(
          e.code,
          `Malformed pagerduty payload: ${e.message}`,
          [],
          pagerDutyErrorResponse(e),
        );
      }
      if (key === undefined) return refuse(request, 'missing_key', 'routing_key is missing');
      const integration = await byRoutingKey(key);
      if (!integration) return refuse(request, 'wrong_key', 'routing_key does not belong to any integration');
      if (integration.disabled)
        return refuse(request, 'disabled', `Integration ${integration.name} is disabled`, integration.id);
      if (integration.source !== 'pagerduty') {
        return refuse(
          request,
          'wrong_source',
          `Integration ${integration.name} receives ${integration.source} alerts`,
          integration.id,
        );
      }
      return { integrationId: integration.id, source };
    }
    const id = request.integrationId;
    const found =
      typeof id === 'string'
        ? await cached(cache.byId, id, () => ctx.store.ops.integrations.getWithHash(id))
        : undefined;
    const key = presentedKey(request);
    if (!found)
      return refuse(
        request,
        key === undefined ? 'missing_key' : 'unknown_integration',
        'Unknown integration or missing key',
      );
    if (key === undefined)
      return refuse(request, 'missing_key', 'Ingest key is missing', found.integration.id);
    if (!digestsEqual(hashSecret(key), found.keyHash))
      return refuse(request, 'wrong_key', 'Ingest key is wrong', found.integration.id);
    if (found.integration.disabled) {
      return refuse(
        request,
        'disabled',
        `Integration ${found.integration.name} is disabled`,
        found.integration.id,
      );
    }
    if (found.integration.source !== source) {
      return refuse(
        request,
        'wrong_source',
        `Integration ${found.integration.name} receives ${found.integration.source} alerts: post to /api/ingest/${found.integration.source}/${found.integration.id}`,
        found.integration.id,
      );
    }
    return { integrationId: found.integration.id, source };
  };
}

/** How SNS messages are checked; tests replace the URL policies (local TLS-less servers). */
export interface SnsSettings {
  /** Whether a SigningCertURL may be fetched (default: https sns.<region>.amazonaws.com, .pem). */
  isTrustedCertUrl(url: string): boolean;
  /** Whether a SubscribeURL may be visited (default: https on *.amazonaws.com / .amazonaws.com.cn). */
  isAllowedSubscribeUrl(url: string): boolean;
  /** GETs a URL (5 s timeout). */
  fetchText(url: string): Promise<{ status: number; text: string }>;
  /** Signing certificates by URL (SNS rotates them rarely). */
  certCache: Map<string, string>;
}

export function isAmazonSubscribeUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (
    u.protocol === 'https:' &&
    u.username === '' &&
    u.password === '' &&
    /(^|\.)amazonaws\.com(\.cn)?$/.test(u.hostname)
  );
}

async function fetchText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'error' });
  return { status: res.status, text: await res.text() };
}

const snsOf = new WeakMap<ServerContext, SnsSettings>();

/** The SNS settings of this app (mutable: tests swap the policies and the fetcher). */
export function snsSettings(ctx: ServerContext): SnsSettings {
  let s = snsOf.get(ctx);
  if (!s) {
    s = {
      isTrustedCertUrl: isTrustedSnsCertUrl,
      isAllowedSubscribeUrl: isAmazonSubscribeUrl,
      fetchText,
      certCache: new Map(),
    };
    snsOf.set(ctx, s);
  }
  return s;
}

/** The signing certificate PEM at a trusted URL (cached). */
export async function signingCert(ctx: ServerContext, url: string): Promise<string | undefined> {
  const s = snsSettings(ctx);
  if (!s.isTrustedCertUrl(url)) return undefined;
  const cached = s.certCache.get(url);
  if (cached !== undefined) return cached;
  try {
    const r = await s.fetchText(url);
    if (r.status !== 200 || !r.text.includes('-----BEGIN')) return undefined;
    s.certCache.set(url, r.text);
    return r.text;
  } catch {
    return undefined;
  }
}
