import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ERROR_CODES,
  OpsdeckError,
  isOpsdeckError,
  type ErrorCode,
  type ErrorDetail,
} from '../core/errors.js';
import { detailsOf } from './validation.js';

/** The router's longest path parameter (Fastify's `maxParamLength`). */
export const MAX_PARAM_LENGTH = 200;

/** Fastify's own error codes that are the client's fault, mapped to ours. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'OPSDECK_E_MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'OPSDECK_E_MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'OPSDECK_E_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'OPSDECK_E_VALIDATION',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'OPSDECK_E_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'OPSDECK_E_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_TYPE: 'OPSDECK_E_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_VALIDATION: 'OPSDECK_E_VALIDATION',
  FST_ERR_BAD_URL: 'OPSDECK_E_NOT_FOUND',
  FST_ERR_NOT_FOUND: 'OPSDECK_E_NOT_FOUND',
};

interface ValidationFailure {
  validation: ErrorObject[];
  validationContext?: string;
}

function isValidationFailure(e: unknown): e is ValidationFailure {
  return typeof e === 'object' && e !== null && Array.isArray((e as { validation?: unknown }).validation);
}

/**
 * An error answered with a body of its own instead of opsdeck's `{error}`: PagerDuty's Events v2
 * route answers a body that is not JSON as PagerDuty does, 400 `{status: "invalid event", ...}`,
 * even before it knows the integration.
 */
export class AnswerError extends OpsdeckError {
  readonly body: unknown;

  constructor(code: ErrorCode, message: string, details: readonly ErrorDetail[], body: unknown) {
    super(code, message, details);
    this.name = 'AnswerError';
    this.body = body;
  }
}

/** Turns anything thrown while serving a request into an OpsdeckError (unknown -> INTERNAL). */
export function toOpsdeckError(error: unknown): OpsdeckError {
  if (isOpsdeckError(error)) return error;
  if (isValidationFailure(error)) {
    const context = error.validationContext ?? 'body';
    const details: ErrorDetail[] = detailsOf(context, error.validation);
    return new OpsdeckError(
      'OPSDECK_E_VALIDATION',
      `Request ${context} failed validation: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      details,
    );
  }
  const fastifyCode = (error as Partial<FastifyError> | null)?.code;
  if (fastifyCode === 'FST_ERR_MAX_PARAM_LENGTH') {
    // The router's limit, before any route's schema (ids are at most 100 characters there).
    return new OpsdeckError(
      'OPSDECK_E_VALIDATION',
      `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
      [{ path: '/params', message: `must be at most ${MAX_PARAM_LENGTH} characters` }],
      { cause: error },
    );
  }
  const mapped = fastifyCode === undefined ? undefined : FASTIFY_CODES[fastifyCode];
  if (mapped) return new OpsdeckError(mapped, ERROR_CODES[mapped].message, [], { cause: error });
  // A body parser rejecting the payload (for example a bad content encoding) sets a 4xx status.
  const status = (error as Partial<FastifyError> | null)?.statusCode;
  if (typeof status === 'number' && status === 413) {
    return new OpsdeckError('OPSDECK_E_BODY_TOO_LARGE', undefined, [], { cause: error });
  }
  if (typeof status === 'number' && status === 415) {
    return new OpsdeckError('OPSDECK_E_UNSUPPORTED_MEDIA_TYPE', undefined, [], { cause: error });
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new OpsdeckError('OPSDECK_E_VALIDATION', 'The request could not be read', [], {
      cause: error,
    });
  }
  return new OpsdeckError('OPSDECK_E_INTERNAL', undefined, [], { cause: error });
}

/** The JSON body of an error (an AnswerError's own); 5xx messages are the registry's generic text, never the cause. */
export function errorBody(e: OpsdeckError): unknown {
  if (e instanceof AnswerError) return e.body;
  const hidden = e.code === 'OPSDECK_E_INTERNAL';
  return {
    error: {
      code: e.code,
      message: hidden ? ERROR_CODES.OPSDECK_E_INTERNAL.message : e.message,
      details: hidden ? [] : e.details.map((d) => ({ ...d })),
    },
  };
}

export async function sendError(reply: FastifyReply, e: OpsdeckError): Promise<void> {
  await reply.code(e.status).type('application/json; charset=utf-8').send(errorBody(e));
}

/**
 * Answers an error in opsdeck's shape: the app's error handler, and Fastify's `frameworkErrors`
 * (what its router refuses before any route: a bad URL encoding, a path parameter over
 * MAX_PARAM_LENGTH), which Fastify would otherwise answer in its own shape.
 */
export async function answerError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const e = toOpsdeckError(error);
  if (e.status >= 500) {
    request.log.error({ err: error, code: e.code }, 'request failed');
  } else {
    request.log.info({ code: e.code, message: e.message }, 'request rejected');
  }
  if (e.code === 'OPSDECK_E_RATE_LIMITED') {
    const retry = (e as OpsdeckError & { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retry !== undefined) void reply.header('retry-after', String(retry));
  }
  await sendError(reply, e);
}

/** The one error handler of the app: OpsdeckError -> status from the registry. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(answerError);
}
