import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { authenticateIngest } from '../auth/guard.js';
import { errorBody, toOpsdeckError } from '../errors.js';
import { lazyChildLogger } from '../logging.js';
import type { ServerMetrics } from '../metrics.js';
import type { IngestHandler } from '../routes/ops/ingest-routes.js';
import type { IngestRequest } from './ingest.js';

/**
 * The ingest routes' URL patterns, as Fastify registers them (src/server/routes/ops/ingest-routes.ts):
 * `/api/ingest/<source>/:integrationId` for the webhook sources and PagerDuty's fixed path.
 */
export interface IngestRoutes {
  webhookSources: readonly string[];
  pagerDutyPath: string;
}

/** How many requests the fast path took (the rest went to Fastify). */
export interface IngestFastPathStats {
  readonly served: number;
}

/** What the fast path needs of the app. */
export interface IngestFastPathOptions {
  routes: IngestRoutes;
  handle: IngestHandler;
  /** Fastify's `bodyLimit`: a longer body is left to Fastify, which answers 413. */
  bodyLimit: number;
  /** The headers every response carries (src/server/security-headers.ts). */
  securityHeaders: Readonly<Record<string, string>>;
  metrics: ServerMetrics;
  /** The server's logger: each request logs through a child with its `reqId`, as Fastify's requests do. */
  log: FastifyBaseLogger;
  /** The ingest routes' log level (warn: refusals and rejected bodies, as on Fastify's routes). */
  logLevel: string;
  /** The server's `trust_proxy`: whether the logged client address is X-Forwarded-For's. */
  trustProxy: boolean;
}

/**
 * A request's fields as Fastify logs them (src/server/logging.ts serializes and redacts them).
 * `ip` and `host` are worked out as Fastify's request does (`trust_proxy`: X-Forwarded-For's client
 * and X-Forwarded-Host's last entry), and only when a line is logged.
 */
export function loggedRequest(
  req: IncomingMessage,
  trustProxy: boolean,
): {
  method: string | undefined;
  url: string | undefined;
  host: string | undefined;
  ip: string | undefined;
  socket: unknown;
} {
  return {
    method: req.method,
    url: req.url,
    get host() {
      const forwarded = req.headers['x-forwarded-host'];
      if (!trustProxy || typeof forwarded !== 'string' || forwarded === '') return req.headers.host;
      return forwarded.slice(forwarded.lastIndexOf(',') + 1).trim();
    },
    get ip() {
      if (!trustProxy) return req.socket.remoteAddress;
      const addresses = proxyAddr.all(req, () => true);
      return addresses[addresses.length - 1];
    },
    socket: req.socket,
  };
}

/** An integration id as the fast path takes it: no percent-encoding to decode (Fastify decodes the rest). */
const PLAIN_ID = /^[A-Za-z0-9._~-]{1,100}$/;
/** `?key=` alone, without percent-encoding; anything else is validated and decoded by Fastify. */
const PLAIN_KEY_QUERY = /^key=[A-Za-z0-9._~-]{1,200}$/;

/**
 * The route of a plain ingest request line, or undefined when Fastify should serve it: another
 * method, an unknown source, a trailing slash, an encoded id, a query other than `key=`.
 */
export function plainIngestRoute(
  routes: IngestRoutes,
  method: string | undefined,
  url: string,
): { routeUrl: string; integrationId: string | undefined; queryKey: string | undefined } | undefined {
  if (method !== 'POST' || !url.startsWith('/api/ingest/')) return undefined;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  let queryKey: string | undefined;
  if (q >= 0) {
    const query = url.slice(q + 1);
    if (!PLAIN_KEY_QUERY.test(query)) return undefined;
    queryKey = query.slice(4);
  }
  if (path === routes.pagerDutyPath) return { routeUrl: path, integrationId: undefined, queryKey };
  const slash = path.indexOf('/', 12);
  if (slash < 0) return undefined;
  const source = path.slice(12, slash);
  const id = path.slice(slash + 1);
  if (!routes.webhookSources.includes(source) || !PLAIN_ID.test(id)) return undefined;
  return { routeUrl: `/api/ingest/${source}/:integrationId`, integrationId: id, queryKey };
}

/**
 * Serves plain ingest requests straight from Node's HTTP server, before Fastify routes them.
 *
 * Measured (docs/architecture.md): Fastify's routing, hooks and reply pipeline were most of an
 * ingest request's CPU, and single-alert requests reached 0.70-0.84x Alertmanager through it
 * against 1.05-1.28x without it, in interleaved runs. The path is narrow on purpose: it takes only
 * `POST /api/ingest/...` with a body of known length within the body limit, no content or
 * transfer encoding, and a URL that needs no decoding; everything else (and every request while
 * the server closes) goes to Fastify, whose ingest routes do the same work.
 *
 * What it shares with those routes, so the answers are the same (test/ops-ingest-http.test.ts
 * compares them): authentication by `authenticateIngest` (the guard's own function), the route
 * handler (`IngestHandler`), the error mapping and body (`toOpsdeckError`, `errorBody`), the
 * security headers, and the request-duration histogram with the route's URL pattern.
 */
export function installIngestFastPath(
  app: FastifyInstance,
  options: IngestFastPathOptions,
): IngestFastPathStats {
  const stats = { served: 0 };
  const server = app.server;
  const listeners = server.listeners('request');
  if (listeners.length !== 1) {
    throw new Error(`expected Fastify's one request listener, found ${listeners.length}`);
  }
  const fastify = listeners[0] as (req: IncomingMessage, res: ServerResponse) => void;
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const headers: string[] = [];
  for (const [name, value] of Object.entries(options.securityHeaders)) headers.push(name, value);
  headers.push('content-type', 'application/json; charset=utf-8');

  const answer = (
    res: ServerResponse,
    routeUrl: string,
    started: number,
    status: number,
    body: unknown,
  ): void => {
    const text = JSON.stringify(body);
    if (!res.destroyed) {
      res.writeHead(status, [...headers, 'content-length', String(Buffer.byteLength(text))]);
      res.end(text);
    }
    options.metrics.httpDuration.observe(
      { method: 'POST', route: routeUrl, status_code: String(status) },
      (performance.now() - started) / 1000,
    );
  };

  const serve = async (res: ServerResponse, request: IngestRequest, started: number): Promise<void> => {
    let status: number;
    let body: unknown;
    try {
      const a = await options.handle(request, await authenticateIngest(app.opsdeck, request));
      status = a.status;
      body = a.body;
    } catch (error) {
      const e = toOpsdeckError(error);
      if (e.status >= 500)
        request.log.error({ req: request.logged, err: error, code: e.code }, 'request failed');
      status = e.status;
      body = errorBody(e);
    }
    answer(res, request.routeUrl, started, status, body);
  };

  const take = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (closing) return false;
    const route = plainIngestRoute(options.routes, req.method, req.url ?? '');
    if (!route) return false;
    const h = req.headers;
    const length = Number(h['content-length']);
    if (
      !Number.isSafeInteger(length) ||
      length < 1 ||
      length > options.bodyLimit ||
      h['transfer-encoding'] !== undefined ||
      h['content-encoding'] !== undefined ||
      h['content-type'] === undefined
    ) {
      return false;
    }
    const started = performance.now();
    stats.served++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A client that goes away mid-body: Node ends the request with an error; nothing to answer.
    req.on('error', () => undefined);
    req.on('end', () => {
      const body = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      const request: IngestRequest = {
        routeUrl: route.routeUrl,
        integrationId: route.integrationId,
        headers: h,
        queryKey: route.queryKey,
        body,
        // As Fastify's request logger: a child with the request's id, made only if a line is logged.
        log: lazyChildLogger(options.log, { reqId: randomUUID() }, { level: options.logLevel }),
        logged: loggedRequest(req, options.trustProxy),
      };
      void serve(res, request, started).catch((error: unknown) => {
        // Only a failure to write the answer reaches here: the socket is gone.
        options.log.error({ err: error }, 'ingest answer failed');
      });
    });
    return true;
  };

  server.removeListener('request', fastify);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let taken = false;
    try {
      taken = take(req, res);
    } catch (error) {
      options.log.error({ err: error }, 'ingest fast path failed before reading the body');
    }
    if (!taken) fastify(req, res);
  });
  return stats;
}
