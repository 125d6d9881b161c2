import type { FastifyRequest } from 'fastify';
import { OpsdeckError } from '../../core/errors.js';

/** 429 with the seconds to wait, which the error handler sends as `Retry-After`. */
export class RateLimitedError extends OpsdeckError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super('OPSDECK_E_RATE_LIMITED', message, [
      { path: '/body/username', message: `retry after ${retryAfterSeconds} seconds` },
    ]);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * What failed logins are counted under: the client address and the (case-folded) username, so one
 * attacker cannot lock out a user from everywhere and one address cannot hammer one account.
 */
export function loginAttemptKey(request: FastifyRequest, username: string): string {
  return `${request.ip}|${username.normalize('NFC').toLowerCase()}`;
}
