import type { FastifyBaseLogger } from 'fastify';
import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger } from 'pino';

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

/**
 * A request's logger that makes its pino child (with the request id) only when something is
 * logged at a level the route logs: see `lazyChildLogger`.
 */
class LazyRequestLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  /** The lowest level value logged (pino's numbers: trace 10 ... fatal 60). */
  readonly #threshold: number;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
    this.#threshold = (parent as unknown as Logger).levels.values[options.level ?? parent.level] ?? 0;
  }

  #real(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#options));
  }

  #log(
    method: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace',
    value: number,
    args: unknown[],
  ): void {
    if (this.#child === undefined && value < this.#threshold) return;
    this.#real()[method](...(args as [string]));
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }
  set level(level: string) {
    this.#real().level = level;
  }
  fatal(...args: unknown[]): void {
    this.#log('fatal', 60, args);
  }
  error(...args: unknown[]): void {
    this.#log('error', 50, args);
  }
  warn(...args: unknown[]): void {
    this.#log('warn', 40, args);
  }
  info(...args: unknown[]): void {
    this.#log('info', 30, args);
  }
  debug(...args: unknown[]): void {
    this.#log('debug', 20, args);
  }
  trace(...args: unknown[]): void {
    this.#log('trace', 10, args);
  }
  silent(): void {}
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }
}

/**
 * Fastify's `childLoggerFactory`. Fastify makes a child logger for every request; pino's child
 * serializes its bindings through the redaction (about 3 µs), and the ingest routes (level warn,
 * thousands of requests a second) almost never log. This one makes the child on the first line
 * logged at a level the route logs, with the same bindings and options.
 */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options);
}
