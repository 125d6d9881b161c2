import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../core/clock.js';
import { OpsdeckError } from '../core/errors.js';
import type { OpsdeckConfig } from '../config/index.js';
import type { Store } from '../store/index.js';
import { AuthCache } from './auth/auth-cache.js';
import { installGuard } from './auth/guard.js';
import type { RoutePermission } from './auth/route-permission.js';
import type { ServerContext } from './context.js';
import { registerDashboard } from './dashboard.js';
import { MAX_PARAM_LENGTH, answerError, installErrorHandler } from './errors.js';
import { createLogger, lazyChildLogger } from './logging.js';
import { createMetrics, installMetricsHooks, addSqliteLockWaits, type ServerMetrics } from './metrics.js';
import { registerDocsRoutes, registerOpenApi } from './openapi.js';
import { packageRoot, webDistDir } from './package-root.js';
import { BackgroundTasks } from './background.js';
import { auditContext } from './routes/audit/index.js';
import { certsContext } from './routes/certs/index.js';
import { estateContext } from './routes/estate/index.js';
import { notifyContext } from './routes/notify/index.js';
import { oncallContext } from './routes/oncall/index.js';
import { opsContext } from './routes/ops/index.js';
import { ingestLogLevel } from './routes/ops/ingest-routes.js';
import { authContext } from './routes/auth/index.js';
import { healthContext } from './routes/health/index.js';
import { tokensContext } from './routes/tokens/index.js';
import { usersContext } from './routes/users/index.js';
import type { ProcessorThreadOptions } from './ops/processor-thread.js';
import { ErrorResponse } from './schemas.js';
import { installIngestFastPath } from './ops/ingest-http.js';
import { registerSecurityHeaders } from './security-headers.js';
import { createValidatorCompiler, nulPointer } from './validation.js';

export interface BuildAppOptions {
  config: OpsdeckConfig;
  store: Store;
  /** A pino logger; one with secret redaction is created from `config.logLevel` when omitted. */
  logger?: Logger;
  clock?: Clock;
  metrics?: ServerMetrics;
  /** Directory of the built dashboard; defaults to `<package root>/web/dist`. */
  webDist?: string;
  /**
   * How long a resolved session or token is reused without asking the database (default 2 s).
   * Bounds how late a revocation made by another replica or the CLI takes effect; 0 disables.
   */
  authCacheMs?: number;
  /** Run the incident processor in its own thread (startServer; see ServerContext.processorThread). */
  processorThread?: ProcessorThreadOptions;
}

const DEFAULT_AUTH_CACHE_MS = 2_000;

/** A route as registered, for the permission check and for tests that enumerate routes. */
export interface RegisteredRoute {
  method: string;
  url: string;
  permission: RoutePermission | undefined;
  hidden: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this app (HEAD twins included). */
    registeredRoutes: RegisteredRoute[];
  }
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function httpsOptions(config: OpsdeckConfig): { key: Buffer; cert: Buffer } | null {
  if (!config.tls) return null;
  return { key: readFileSync(config.tls.keyFile), cert: readFileSync(config.tls.certFile) };
}

/**
 * The opsdeck HTTP app, fully composed but not listening: `app.inject()` it in tests, or
 * `app.listen()` it (see server.ts).
 */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { config, store } = opts;
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  const https = httpsOptions(config);
  // The security headers of every response, for the answers Fastify's router makes itself (its
  // onRequest hooks do not run for them); set once they are registered, below.
  let frameworkErrorHeaders: Record<string, string> = {};
  const app = Fastify({
    loggerInstance: logger,
    childLoggerFactory: lazyChildLogger,
    ...(https ? { https } : {}),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // What the router refuses before any route (a path parameter over maxParamLength, a bad URL
    // encoding): answered in opsdeck's shape, not Fastify's `{"error":"Bad Request","code":"FST_..."}`.
    frameworkErrors: (error, request, reply) => {
      void reply.headers(frameworkErrorHeaders);
      void answerError(error, request, reply);
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as FastifyInstance;

  const clock = opts.clock ?? systemClock;
  const context: ServerContext = {
    config,
    store,
    clock,
    metrics: opts.metrics ?? createMetrics(),
    authCache: new AuthCache(clock, opts.authCacheMs ?? DEFAULT_AUTH_CACHE_MS),
    background: new BackgroundTasks(),
    jobHandlers: new Map(),
    verifiers: {},
    ...(opts.processorThread && { processorThread: opts.processorThread }),
  };
  if (store.sqliteLockWaits) addSqliteLockWaits(context.metrics.registry, 'server', store.sqliteLockWaits);
  app.decorate('opsdeck', context);
  app.decorate('registeredRoutes', [] as RegisteredRoute[]);
  app.decorateRequest('auth', null);
  app.decorateRequest('ingest', null);
  app.decorateRequest('signedLink', null);

  app.setValidatorCompiler(createValidatorCompiler());
  app.addSchema(ErrorResponse);
  // JSON only: a text/plain body is refused with 415 instead of reaching a handler as a string.
  app.removeContentTypeParser('text/plain');
  // Fastify's JSON parser (prototype poisoning refused), then a body holding U+0000 in a string
  // or key is refused with its pointer: PostgreSQL's text cannot hold the character, so the same
  // request would be stored on SQLite and fail with a 500 on PostgreSQL. (Ingestion has its own
  // parser and keeps such text as U+FFFD: src/ops/alert.ts parseJson.)
  const parseJsonBody = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, raw, done) => {
    const body = raw as string; // parseAs: 'string'
    void parseJsonBody(request, body, (error, value) => {
      if (error) return done(error);
      const at = body.includes('\\u0000') ? nulPointer(value) : undefined;
      if (at === undefined) return done(null, value);
      done(
        new OpsdeckError(
          'OPSDECK_E_VALIDATION',
          `Request body failed validation: /body${at} must not contain U+0000`,
          [{ path: `/body${at}`, message: 'must not contain U+0000 (the database cannot store it)' }],
        ),
      );
    });
  });
  installErrorHandler(app);

  app.addHook('onRoute', (route: RouteOptions) => {
    const permission = route.config?.permission;
    if (permission === 'ingest' || permission === 'signed-link') {
      const requirement =
        permission === 'ingest'
          ? "Authenticated with the integration's ingest key (Bearer, Basic password, or `?key=`), not a user."
          : 'Authenticated by the signature in the link, not a user.';
      const schema = route.schema ?? {};
      route.schema = {
        ...schema,
        description: schema.description ? `${schema.description}\n\n${requirement}` : requirement,
      };
    } else if (permission !== undefined && permission !== 'public') {
      const requirement =
        permission === 'authenticated'
          ? 'Requires a logged-in user or an API token.'
          : `Requires the \`${permission}\` permission.`;
      const schema = route.schema ?? {};
      route.schema = {
        ...schema,
        description: schema.description ? `${schema.description}\n\n${requirement}` : requirement,
        security: [{ cookieAuth: [] }, { bearerAuth: [] }],
      };
    }
    app.registeredRoutes.push({
      method: String(route.method),
      url: route.url,
      get permission() {
        return route.config?.permission;
      },
      get hidden() {
        return route.schema?.hide === true;
      },
    });
  });
  app.addHook('onReady', (done) => {
    const missing = app.registeredRoutes.filter((r) => r.permission === undefined);
    done(
      missing.length > 0
        ? new Error(
            `Routes without config.permission: ${missing.map((r) => `${r.method} ${r.url}`).join(', ')}`,
          )
        : undefined,
    );
  });

  await app.register(cookie);
  const headers = registerSecurityHeaders(app, https !== null);
  frameworkErrorHeaders = headers;
  installMetricsHooks(app, context.metrics);
  await registerOpenApi(app, packageVersion());
  installGuard(app);
  // Any successful change through the API may alter who is who (logout, role, disable, revoke).
  // Cleared before the response leaves, so the client's next request already sees the change.
  // Not by ingestion or signed links, which change no identity: an alert flood (thousands of
  // POSTs a second) would otherwise send every dashboard request back to the database.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (
      request.method !== 'GET' &&
      request.method !== 'HEAD' &&
      reply.statusCode < 400 &&
      request.ingest === null &&
      request.signedLink === null
    ) {
      context.authCache.clear();
    }
    done(null, payload);
  });

  await app.register(healthContext);
  await app.register(authContext);
  await app.register(usersContext);
  await app.register(tokensContext);
  await app.register(auditContext);
  await app.register(opsContext);
  await app.register(oncallContext);
  await app.register(notifyContext);
  await app.register(estateContext);
  await app.register(certsContext);
  await registerDocsRoutes(app);
  await registerDashboard(app, opts.webDist ?? webDistDir());
  if (context.ingest) {
    context.ingest.fastPath = installIngestFastPath(app, {
      handle: context.ingest.handle,
      routes: context.ingest.routes,
      bodyLimit: config.bodyLimitBytes,
      securityHeaders: headers,
      metrics: context.metrics,
      log: app.log,
      logLevel: ingestLogLevel(logger),
      trustProxy: config.trustProxy,
    });
  }
  return app;
}
