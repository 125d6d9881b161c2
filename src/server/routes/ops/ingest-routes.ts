import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { LevelWithSilent, Logger } from 'pino';
import { Type } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';
import type { AlertSource, IngestError, NormalizedBatch } from '../../../ops/alert.js';
import { verifySnsSignature, type SnsEnvelope } from '../../../ops/sources/cloudwatch.js';
import { normalizers } from '../../../ops/sources/index.js';
import {
  pagerDutyBodyToKeep,
  pagerDutyErrorResponse,
  redactRoutingKeys,
} from '../../../ops/sources/pagerduty.js';
import type { ServerContext } from '../../context.js';
import type { IngestCommitter } from '../../ops/group-commit.js';
import { deadLetterBody } from '../../../store/ops/index.js';
import type { IngestAuth } from '../../auth/route-permission.js';
import {
  createIngestVerifier,
  ingestMetrics,
  ingestRequestOf,
  signingCert,
  snsSettings,
  type IngestRequest,
} from '../../ops/ingest.js';
import { errorResponses } from '../../schemas.js';

const IngestParams = Type.Object({ integrationId: Type.String({ minLength: 1, maxLength: 100 }) });
const IngestQuery = Type.Object({ key: Type.Optional(Type.String({ maxLength: 200 })) });
const IngestResult = Type.Object({
  accepted: Type.Integer({
    description:
      'Alerts in the request, committed to the inbox. The incident processor ' +
      'deduplicates and processes them after the 202 (opsdeck_ingest_alerts_total{result="stored"|"duplicate"})',
  }),
  subscription: Type.Optional(
    Type.Object({
      topicArn: Type.String(),
      confirmed: Type.Boolean(),
      status: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
});
const PagerDutyAccepted = Type.Object({
  status: Type.Literal('success'),
  message: Type.Literal('Event processed'),
  dedup_key: Type.String(),
});
const PagerDutyInvalid = Type.Object({
  status: Type.String(),
  message: Type.String(),
  errors: Type.Array(Type.String()),
});

const ROUTES: { source: Exclude<AlertSource, 'pagerduty'>; summary: string }[] = [
  { source: 'alertmanager', summary: 'Prometheus Alertmanager webhook (version 4)' },
  { source: 'grafana', summary: 'Grafana unified alerting webhook contact point' },
  { source: 'cloudwatch', summary: 'AWS CloudWatch alarms via an SNS HTTPS subscription (text/plain)' },
  { source: 'azure-monitor', summary: 'Azure Monitor action group webhook (common alert schema)' },
  { source: 'gcp-monitoring', summary: 'Google Cloud Monitoring webhook notification channel' },
];

/** Headers a normalizer reads (src/ops/sources): kept with a staged body for the processor. */
const NORMALIZER_HEADERS = ['x-amz-sns-message-type'] as const;

/** The URL pattern of PagerDuty Events v2's route (its key is in the body). */
export const PAGERDUTY_ROUTE = '/api/ingest/pagerduty/v2/enqueue';
/**
 * The ingest routes' log level. Machine traffic at thousands of requests a second: no access log
 * line per request (refusals are logged by the verifier; every request is counted in the metrics).
 */
export const INGEST_LOG_LEVEL: LevelWithSilent = 'warn';

/**
 * The ingest routes' level under a logger: `warn`, or the logger's own level where that is quieter
 * (a route's level replaces the server's, so `warn` alone printed warnings under `log_level =
 * error` or `silent`).
 */
export function ingestLogLevel(logger: FastifyBaseLogger): LevelWithSilent {
  const values = (logger as unknown as Logger).levels.values;
  const own = logger.level === 'silent' ? Infinity : (values[logger.level] ?? 0);
  return own > (values[INGEST_LOG_LEVEL] ?? 0) ? (logger.level as LevelWithSilent) : INGEST_LOG_LEVEL;
}

/** The sources with an `/api/ingest/<source>/:integrationId` route. */
export const WEBHOOK_SOURCES: readonly Exclude<AlertSource, 'pagerduty'>[] = ROUTES.map((r) => r.source);

/**
 * The headers a normalizer reads, as it reads them and as they are kept with the body (Node gives
 * header names in lower case, and joins repeated ones).
 */
function normalizerHeaders(request: IngestRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of NORMALIZER_HEADERS) {
    const v = request.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  return headers;
}

/** Keeps a rejected body (capped) for inspection; never lets a storage failure hide the 400. */
async function deadLetter(
  ctx: ServerContext,
  request: IngestRequest,
  integrationId: string,
  receivedAt: string,
  e: IngestError,
): Promise<void> {
  request.log.warn(
    { req: request.logged, integrationId, code: e.code, path: e.path },
    `ingest body rejected: ${e.message}`,
  );
  // A PagerDuty event's routing_key is the ingest key: never kept.
  const text = e.source === 'pagerduty' ? redactRoutingKeys(request.body) : request.body;
  try {
    await ctx.store.ops.deadLetters.add({
      integrationId,
      receivedAt,
      contentType: request.headers['content-type'] ?? null,
      ...deadLetterBody(text),
      errorCode: e.code,
      path: e.path,
      message: e.message,
    });
  } catch (err) {
    request.log.error({ err, integrationId }, 'could not store dead letter');
  }
}

function malformed(e: IngestError): OpsdeckError {
  return new OpsdeckError(
    e.code,
    `Malformed ${e.source} payload: ${e.message}`,
    e.problems.map((p) => ({ path: `/body${p.path}`, message: p.message })),
  );
}

/** An ingest route's answer: its status and JSON body (errors are thrown as OpsdeckError). */
export interface IngestAnswer {
  status: number;
  body: unknown;
}

/** Serves an authenticated ingest request: the same function behind Fastify's routes and the fast path. */
export type IngestHandler = (request: IngestRequest, auth: IngestAuth) => Promise<IngestAnswer>;

/**
 * What the ingest routes do once the request is authenticated, without Fastify: normalize the
 * body (a malformed one is kept as a dead letter and answered 400), commit it to the inbox, wake
 * the processor. The body is committed, not its normalized alerts: the processor normalizes it
 * again, so the request path writes one row and serialises nothing per alert. 202 only after the
 * commit (concurrent requests share one: src/server/ops/group-commit.ts).
 */
export function createIngestHandler(
  ctx: ServerContext,
  kick: () => void,
  committer: IngestCommitter,
): IngestHandler {
  const metrics = ingestMetrics(ctx);

  const store = async (
    auth: IngestAuth,
    text: string,
    headers: Record<string, string>,
    batch: NormalizedBatch,
    receivedAt: string,
  ): Promise<number> => {
    const count = batch.alerts.length + batch.acknowledgements.length;
    if (count === 0) return 0;
    await committer.submit({
      integrationId: auth.integrationId,
      receivedAt,
      source: auth.source,
      body: text,
      headers,
      count,
    });
    metrics.alerts.inc({ source: auth.source, result: 'accepted' }, batch.alerts.length);
    kick();
    return batch.alerts.length;
  };

  const pagerDuty = async (request: IngestRequest, auth: IngestAuth): Promise<IngestAnswer> => {
    const receivedAt = ctx.clock.now().toISOString();
    const text = request.body;
    const headers = normalizerHeaders(request);
    const r = normalizers.pagerduty(text, headers, { receivedAt });
    if (!r.ok) {
      metrics.malformed.inc({ source: 'pagerduty' });
      await deadLetter(ctx, request, auth.integrationId, receivedAt, r.error);
      return { status: 400, body: pagerDutyErrorResponse(r.error) };
    }
    // Kept without its routing key (the ingest key), with the dedup_key answered below.
    await store(auth, pagerDutyBodyToKeep(text, r.value), headers, r.value, receivedAt);
    const key =
      r.value.alerts[0]?.fingerprint ?? r.value.acknowledgements[0]?.replace(/^pagerduty:/, '') ?? '';
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } };
  };

  /** SNS: the signature, then a subscription (un)confirmation is recorded (and confirmed). */
  const sns = async (
    auth: IngestAuth,
    text: string,
    batch: NormalizedBatch,
    receivedAt: string,
  ): Promise<{ topicArn: string; confirmed: boolean; status: number | null } | undefined> => {
    const envelope = JSON.parse(text) as SnsEnvelope;
    const cert =
      envelope.SigningCertURL === undefined ? undefined : await signingCert(ctx, envelope.SigningCertURL);
    if (cert === undefined || !verifySnsSignature(envelope, cert)) {
      metrics.rejected.inc({ reason: 'bad_signature' });
      await ctx.store.ops.integrations.recordAuthFailure(auth.integrationId);
      throw new OpsdeckError('OPSDECK_E_SIGNATURE_INVALID', 'SNS message signature is missing or invalid', [
        {
          path: cert === undefined ? '/body/SigningCertURL' : '/body/Signature',
          message: cert === undefined ? 'not a trusted SNS signing certificate URL' : 'does not verify',
        },
      ]);
    }
    const control = batch.control;
    if (!control) return undefined;
    const settings = snsSettings(ctx);
    let status: number | null = null;
    let error: string | undefined;
    if (control.type === 'sns-subscription-confirmation') {
      if (!settings.isAllowedSubscribeUrl(control.subscribeUrl)) {
        throw new OpsdeckError('OPSDECK_E_VALIDATION', 'SubscribeURL is not an AWS SNS URL', [
          { path: '/body/SubscribeURL', message: 'must be https on amazonaws.com' },
        ]);
      }
      try {
        status = (await settings.fetchText(control.subscribeUrl)).status;
      } catch (e) {
        error = (e as Error).message;
      }
    }
    await ctx.store.ops.integrations.recordSnsSubscription(auth.integrationId, {
      topicArn: control.topicArn,
      at: receivedAt,
      status,
      ...(control.type === 'sns-unsubscribe-confirmation' && { error: 'unsubscribed' }),
      ...(error !== undefined && { error }),
    });
    return {
      topicArn: control.topicArn,
      confirmed: status !== null && status >= 200 && status < 300,
      status,
    };
  };

  return async (request, auth) => {
    if (auth.source === 'pagerduty') return pagerDuty(request, auth);
    const source = auth.source;
    const receivedAt = ctx.clock.now().toISOString();
    const text = request.body;
    const headers = normalizerHeaders(request);
    const r = normalizers[source](text, headers, { receivedAt });
    if (!r.ok) {
      metrics.malformed.inc({ source });
      await deadLetter(ctx, request, auth.integrationId, receivedAt, r.error);
      throw malformed(r.error);
    }
    const subscription = source === 'cloudwatch' ? await sns(auth, text, r.value, receivedAt) : undefined;
    const accepted = await store(auth, text, headers, r.value, receivedAt);
    return { status: 202, body: { accepted, ...(subscription && { subscription }) } };
  };
}

/**
 * Ingestion: one route per source, permission `ingest` (the integration's key). The body is read
 * as text whatever its content type (SNS posts text/plain) and handed to the source's normalizer
 * after authentication, so malformed bodies of authenticated senders are kept as dead letters.
 * Requests that arrive over HTTP are served by the same handler without Fastify's routing when
 * they are plain (src/server/ops/ingest-http.ts); these routes serve the rest, `inject`, and the
 * OpenAPI document.
 */
export const ingestRoutes =
  (handle: IngestHandler): FastifyPluginCallbackTypebox =>
  (app, _options, done) => {
    const ctx = app.opsdeck;
    ctx.verifiers.ingest = createIngestVerifier(ctx);
    const logLevel = ingestLogLevel(app.log);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const auth = request.ingest;
      if (!auth) throw new OpsdeckError('OPSDECK_E_UNAUTHENTICATED');
      const answer = await handle(ingestRequestOf(request), auth);
      return reply.code(answer.status).send(answer.body);
    };

    for (const { source, summary } of ROUTES) {
      app.post(
        `/api/ingest/${source}/:integrationId`,
        {
          config: { permission: 'ingest' },
          logLevel,
          schema: {
            tags: ['ingest'],
            summary,
            params: IngestParams,
            querystring: IngestQuery,
            response: { 202: IngestResult, ...errorResponses },
          },
        },
        serve,
      );
    }

    app.post(
      PAGERDUTY_ROUTE,
      {
        config: { permission: 'ingest' },
        logLevel,
        schema: {
          tags: ['ingest'],
          summary: 'PagerDuty Events API v2 compatible endpoint (routing_key = the ingest key)',
          response: {
            202: PagerDutyAccepted,
            400: PagerDutyInvalid,
            401: Type.Ref('ErrorResponse'),
            500: Type.Ref('ErrorResponse'),
          },
        },
      },
      serve,
    );
    done();
  };
