import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino replaces with `[redacted]`: credentials in headers and any password, secret or token
 * field up to three levels deep in logged objects.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  ...['password', 'secret', 'token', 'adminPassword', 'newPassword'].flatMap((f) => [
    f,
    `*.${f}`,
    `*.*.${f}`,
  ]),
];

/**
 * A URL as it may be logged: secrets that travel in URLs are replaced, i.e. the ingest key of
 * senders that cannot set headers (`?key=`, SNS and webhook integrations) and the signed-link
 * tokens of `/api/links/<token>` and the dashboard's `/ack/<token>`.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/([?&]key=)[^&#]*/gi, '$1[redacted]')
    .replace(/^(\/api\/links\/|\/ack\/)[^/?#]+/, '$1[redacted]');
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** The request fields Fastify logs ("incoming request"), with `redactUrl` applied. */
function serializeRequest(req: LoggedRequest): unknown {
  // Objects logged under `req` by hand (not a Fastify request) keep their shape; redaction applies.
  if (typeof req.url !== 'string' || typeof req.method !== 'string') return req;
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export interface LoggerOptions {
  level?: string;
  /** Where to write; standard output when omitted. */
  destination?: DestinationStream;
}

/** The structured logger of the server, with secrets redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      serializers: { req: serializeRequest },
      base: { service: 'opsdeck' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
