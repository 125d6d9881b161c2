import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OpsdeckError } from '../../core/errors.js';
import { effectiveScopes, permissionsOf } from '../../governance/permissions.js';
import { assertSameOrigin, claimedOrigin, expectedOrigin, isUnsafeMethod } from './csrf.js';
import { AuthCache } from './auth-cache.js';
import type { ServerContext } from '../context.js';
import { ingestRequestOf, type IngestRequest } from '../ops/ingest.js';
import type { AuthContext, IngestAuth } from './route-permission.js';
import { bearerSecretOf, sessionSecretOf } from './session-cookie.js';

/** last_used_at / last_seen_at are written at most this often per token or session. */
const TOUCH_INTERVAL_MS = 60_000;

function unauthenticated(message = 'Authentication required'): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_UNAUTHENTICATED', message, [
    { path: '/headers/authorization', message: 'send the opsdeck_session cookie or a Bearer token' },
  ]);
}

/**
 * Resolves the caller from `Authorization: Bearer odk_...` or the session cookie.
 * A bearer header that does not resolve is an error (no silent fallback to the cookie).
 */
async function authenticate(app: FastifyInstance, request: FastifyRequest): Promise<AuthContext | null> {
  const { store, clock, authCache } = app.opsdeck;
  const bearer = bearerSecretOf(request);
  if (bearer !== undefined) {
    if (bearer === '') throw unauthenticated('API token is invalid, expired or revoked');
    const key = AuthCache.keyOf('token', bearer);
    const cached = authCache.get(key);
    if (cached) return cached;
    const found = await store.tokens.findBySecret(bearer);
    if (!found) throw unauthenticated('API token is invalid, expired or revoked');
    const { token, user } = found;
    const lastUsed = token.lastUsedAt ? Date.parse(token.lastUsedAt) : 0;
    if (clock.now().getTime() - lastUsed >= TOUCH_INTERVAL_MS) await store.tokens.touch(token.id);
    const auth: AuthContext = {
      user: { id: user.id, username: user.username, role: user.role },
      permissions: effectiveScopes(user.role, token.scopes),
      via: 'token',
      tokenId: token.id,
    };
    authCache.set(key, auth, token.expiresAt);
    return auth;
  }
  const secret = sessionSecretOf(request);
  if (secret === undefined) return null;
  const key = AuthCache.keyOf('session', secret);
  const cached = authCache.get(key);
  if (cached) return cached;
  const found = await store.sessions.findBySecret(secret);
  if (!found) return null;
  const { session, user } = found;
  if (clock.now().getTime() - Date.parse(session.lastSeenAt) >= TOUCH_INTERVAL_MS) {
    await store.sessions.touch(session.id);
  }
  const auth: AuthContext = {
    user: { id: user.id, username: user.username, role: user.role },
    permissions: permissionsOf(user.role),
    via: 'session',
    sessionId: session.id,
  };
  authCache.set(key, auth, session.expiresAt);
  return auth;
}

/**
 * The one place that authenticates and authorises: every route declares `config.permission`
 * ('public', 'authenticated', 'ingest', 'signed-link' or a permission) and these hooks enforce it.
 * Users (session or token) are checked before the body is read. `ingest` (an integration's key)
 * and `signed-link` (an HMAC-signed action link) are checked after parsing, because a PagerDuty
 * Events v2 sender puts its key in the body; their verifiers are registered on
 * `app.opsdeck.verifiers` by the context that owns the secrets, and a route whose verifier is
 * missing answers 401.
 */
export function installGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    // The not-found handler (404 JSON or the dashboard's index.html) needs no identity.
    if (request.is404) return;
    const permission = request.routeOptions.config.permission;
    if (permission === undefined) {
      throw new OpsdeckError(
        'OPSDECK_E_INTERNAL',
        `Route ${request.method} ${request.routeOptions.url ?? ''} declares no permission`,
      );
    }
    const unsafe = isUnsafeMethod(request.method);
    if (permission === 'ingest' || permission === 'signed-link') return; // preValidation, below
    if (permission === 'public') {
      // Login CSRF: a browser posting from another site always sends its Origin; refuse it.
      const claimed = unsafe ? claimedOrigin(request) : undefined;
      if (claimed !== undefined && claimed !== expectedOrigin(request, app.opsdeck.config.publicUrl)) {
        assertSameOrigin(request, app.opsdeck.config.publicUrl);
      }
      return;
    }
    const auth = await authenticate(app, request);
    if (!auth) throw unauthenticated();
    request.auth = auth;
    if (auth.via === 'session' && unsafe) assertSameOrigin(request, app.opsdeck.config.publicUrl);
    if (permission !== 'authenticated' && !auth.permissions.includes(permission)) {
      throw new OpsdeckError(
        'OPSDECK_E_FORBIDDEN',
        auth.via === 'token'
          ? `This API token (or its owner's role ${auth.user.role}) does not grant ${permission}`
          : `Role ${auth.user.role} does not grant ${permission}`,
        [{ path: request.routeOptions.url ?? request.url, message: `requires ${permission}` }],
      );
    }
  });
  app.addHook('preValidation', async (request) => {
    if (request.is404) return;
    const permission = request.routeOptions.config.permission;
    const { verifiers } = app.opsdeck;
    if (permission === 'ingest') {
      request.ingest = await authenticateIngest(app.opsdeck, ingestRequestOf(request));
    } else if (permission === 'signed-link') {
      if (!verifiers.signedLink) throw unauthenticated('Signed links are not available');
      request.signedLink = await verifiers.signedLink(request);
    }
  });
}

/** The caller of a route whose permission is not `public` (the guard has set it). */
export function callerOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw unauthenticated();
  return request.auth;
}

/**
 * Permission `ingest`: the integration an ingest request authenticates as, by the verifier its
 * context registered. The guard's hook above and the HTTP fast path (src/server/ops/ingest-http.ts,
 * which serves ingest requests without Fastify's routing) both call this, and nothing else does.
 */
export async function authenticateIngest(ctx: ServerContext, request: IngestRequest): Promise<IngestAuth> {
  if (!ctx.verifiers.ingest) throw unauthenticated('Ingestion is not available');
  return ctx.verifiers.ingest(request);
}
