import type { FastifyRequest } from 'fastify';
import { OpsdeckError } from '../../core/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method);
}

function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The origin this server answers as: the configured public URL, else the request's own scheme and
 * Host header (so it works on any address the operator chooses without configuration).
 */
export function expectedOrigin(request: FastifyRequest, publicUrl: string | undefined): string | undefined {
  if (publicUrl) return originOf(publicUrl);
  const host = request.headers.host;
  if (!host) return undefined;
  return originOf(`${request.protocol}://${host}`);
}

/** The origin the browser says the request comes from: Origin, else the origin of Referer. */
export function claimedOrigin(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== '' && origin !== 'null') return originOf(origin);
  const referer = request.headers.referer;
  if (typeof referer === 'string' && referer !== '') return originOf(referer);
  return undefined;
}

/**
 * Refuses a cookie-authenticated unsafe request whose Origin (or Referer) is not this server.
 * Browsers always send Origin on cross-site POST/PUT/PATCH/DELETE; a missing one is refused too.
 */
export function assertSameOrigin(request: FastifyRequest, publicUrl: string | undefined): void {
  const expected = expectedOrigin(request, publicUrl);
  const claimed = claimedOrigin(request);
  if (expected !== undefined && claimed === expected) return;
  throw new OpsdeckError(
    'OPSDECK_E_CSRF',
    claimed === undefined
      ? 'Cookie-authenticated request without an Origin header was refused'
      : `Origin ${claimed} does not match this server (${expected ?? 'unknown'})`,
    [{ path: '/headers/origin', message: `must be ${expected ?? "this server's origin"}` }],
  );
}
