import type { Permission, Role } from '../../governance/permissions.js';
import type { AlertSource } from '../../ops/alert.js';

/**
 * What a route requires: `public` (anyone), `authenticated` (any logged-in user or valid token),
 * or one permission. Every route declares one in `config.permission`; the guard enforces it.
 */
export type RoutePermission = 'public' | 'authenticated' | 'ingest' | 'signed-link' | Permission;

/** The integration an ingest request authenticated as (permission `ingest`). */
export interface IngestAuth {
  integrationId: string;
  source: AlertSource;
}

/** What a verified signed link allows (permission `signed-link`). */
export interface SignedLinkAuth {
  incidentId: string;
  action: 'acknowledge' | 'resolve';
  /** The user the link was sent to; the action is recorded as theirs. */
  userId: string;
}

/** Who is calling, resolved once per request by the guard. */
export interface AuthContext {
  user: { id: string; username: string; role: Role };
  /** The caller's effective permissions: the role's, or for a token its scopes ∩ the role's. */
  permissions: readonly Permission[];
  via: 'session' | 'token';
  /** Hash of the session secret (the session's id in the store), when `via` is `session`. */
  sessionId?: string;
  tokenId?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
    /** Set by the guard on `ingest` routes. */
    ingest: IngestAuth | null;
    /** Set by the guard on `signed-link` routes. */
    signedLink: SignedLinkAuth | null;
  }
}
