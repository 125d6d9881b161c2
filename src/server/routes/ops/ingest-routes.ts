import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
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
import { createIngestVerifier, ingestMetrics, signingCert, snsSettings } from '../../ops/ingest.js';
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

function bodyText(body: unknown): string {
  return typeof body === 'string' ? body : '';
}

/**
 * The headers a normalizer reads, as it reads them and as they are kept with the body (Node gives
 * header names in lower case, and joins repeated ones).
 */
function normalizerHeaders(request: FastifyRequest): Record<string, string> {
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
  request: FastifyRequest,
  integrationId: string,
  receivedAt: string,
  e: IngestError,
): Promise<void> {
  request.log.warn(
    { req: request, integrationId, code: e.code, path: e.path },
    `ingest body rejected: ${e.message}`,
  );
  // A PagerDuty event's routing_key is the ingest key: never kept.
  const text = e.source === 'pagerduty' ? redactRoutingKeys(bodyText(request.body)) : bodyText(request.body);
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

/**
 * Ingestion: one route per source, permission `ingest` (the integration's key). The body is read
 * as text whatever its content type (SNS posts text/plain) and handed to the source's normalizer
 * after authentication, so malformed bodies of authenticated senders are kept as dead letters.
 * 202 only after the request is committed to the inbox (concurrent requests share one commit:
 * src/server/ops/group-commit.ts); the incident processor records and processes it after that.
 */
export const ingestRoutes =
  (kick: () => void, committer: IngestCommitter): FastifyPluginCallbackTypebox =>
  (app, _options, done) => {
    const ctx = app.opsdeck;
    const metrics = ingestMetrics(ctx);
    ctx.verifiers.ingest = createIngestVerifier(ctx);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    /**
     * Commits the request's body (not its normalized alerts: the processor normalizes it again,
     * so the request path writes one row and serialises nothing per alert) and wakes the processor.
     */
    const store = async (
      auth: { integrationId: string; source: AlertSource },
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

    for (const { source, summary } of ROUTES) {
      app.post(
        `/api/ingest/${source}/:integrationId`,
        {
          config: { permission: 'ingest' },
          // Machine traffic at thousands of requests a second: no access log line per request
          // (refusals are logged by the verifier; every request is counted in the metrics).
          logLevel: 'warn',
          schema: {
            tags: ['ingest'],
            summary,
            params: IngestParams,
            querystring: IngestQuery,
            response: { 202: IngestResult, ...errorResponses },
          },
        },
        async (request, reply) => {
          const auth = request.ingest;
          if (!auth) throw new OpsdeckError('OPSDECK_E_UNAUTHENTICATED');
          const receivedAt = ctx.clock.now().toISOString();
          const text = bodyText(request.body);
          const headers = normalizerHeaders(request);
          const r = normalizers[source](text, headers, { receivedAt });
          if (!r.ok) {
            metrics.malformed.inc({ source });
            await deadLetter(ctx, request, auth.integrationId, receivedAt, r.error);
            throw malformed(r.error);
          }
          let subscription: { topicArn: string; confirmed: boolean; status: number | null } | undefined;
          if (source === 'cloudwatch') {
            const envelope = JSON.parse(text) as SnsEnvelope;
            const cert =
              envelope.SigningCertURL === undefined
                ? undefined
                : await signingCert(ctx, envelope.SigningCertURL);
            if (cert === undefined || !verifySnsSignature(envelope, cert)) {
              metrics.rejected.inc({ reason: 'bad_signature' });
              await ctx.store.ops.integrations.recordAuthFailure(auth.integrationId);
              throw new OpsdeckError(
                'OPSDECK_E_SIGNATURE_INVALID',
                'SNS message signature is missing or invalid',
                [
                  {
                    path: cert === undefined ? '/body/SigningCertURL' : '/body/Signature',
                    message:
                      cert === undefined ? 'not a trusted SNS signing certificate URL' : 'does not verify',
                  },
                ],
              );
            }
            const control = r.value.control;
            if (control) {
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
              subscription = {
                topicArn: control.topicArn,
                confirmed: status !== null && status >= 200 && status < 300,
                status,
              };
            }
          }
          const accepted = await store(auth, text, headers, r.value, receivedAt);
          return reply.code(202).send({ accepted, ...(subscription && { subscription }) });
        },
      );
    }

    app.post(
      '/api/ingest/pagerduty/v2/enqueue',
      {
        config: { permission: 'ingest' },
        // Machine traffic at thousands of requests a second: no access log line per request
        // (refusals are logged by the verifier; every request is counted in the metrics).
        logLevel: 'warn',
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
      async (request, reply) => {
        const auth = request.ingest;
        if (!auth) throw new OpsdeckError('OPSDECK_E_UNAUTHENTICATED');
        const receivedAt = ctx.clock.now().toISOString();
        const text = bodyText(request.body);
        const headers = normalizerHeaders(request);
        const r = normalizers.pagerduty(text, headers, { receivedAt });
        if (!r.ok) {
          metrics.malformed.inc({ source: 'pagerduty' });
          await deadLetter(ctx, request, auth.integrationId, receivedAt, r.error);
          return reply.code(400).send(pagerDutyErrorResponse(r.error));
        }
        // Kept without its routing key (the ingest key), with the dedup_key answered below.
        await store(auth, pagerDutyBodyToKeep(text, r.value), headers, r.value, receivedAt);
        const key =
          r.value.alerts[0]?.fingerprint ?? r.value.acknowledgements[0]?.replace(/^pagerduty:/, '') ?? '';
        return reply.code(202).send({ status: 'success', message: 'Event processed', dedup_key: key });
      },
    );
    done();
  };
