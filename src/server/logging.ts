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
      base: { service: 'opsdeck' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
