import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { OpsdeckConfig } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { AuthCache } from './auth/auth-cache.js';
import type { IngestAuth, SignedLinkAuth } from './auth/route-permission.js';
import type { IngestRequest } from './ops/ingest.js';
import type { IngestFastPathStats, IngestRoutes } from './ops/ingest-http.js';
import type { IngestHandler } from './routes/ops/ingest-routes.js';
import type { BackgroundTasks } from './background.js';
import type { JobHandler } from './jobs/types.js';
import type { ProcessorThreadOptions } from './ops/processor-thread.js';
import type { ServerMetrics } from './metrics.js';

/** What route plugins need, decorated once on the app as `app.opsdeck`. */
export interface ServerContext {
  config: OpsdeckConfig;
  store: Store;
  clock: Clock;
  metrics: ServerMetrics;
  /** Resolved sessions and tokens for a second or two; cleared on every identity change. */
  authCache: AuthCache;
  /** Loops that run only in a listening server (job runner, inbox processor, scheduled checks). */
  background: BackgroundTasks;
  /** Durable job handlers by kind, registered by route plugins; run by the job runner (src/server/jobs). */
  jobHandlers: Map<string, JobHandler>;
  /**
   * Verifiers for the two route permissions that are not users: `ingest` (an integration's ingest
   * key) and `signed-link` (an HMAC-signed action link). Registered by the context that owns
   * them; the guard calls them, so authentication still happens in one place.
   */
  /**
   * Set by `startServer` when the database can be opened by another thread (a file or
   * PostgreSQL): the incident processor then runs in its own thread (src/server/ops/processor-thread.ts).
   */
  processorThread?: ProcessorThreadOptions;
  /**
   * Set by the ops context: what the ingest routes run once a request is authenticated, and their
   * URL patterns, for the HTTP fast path that serves plain ingest requests (src/server/ops/ingest-http.ts).
   */
  ingest?: { handle: IngestHandler; routes: IngestRoutes; fastPath?: IngestFastPathStats };
  verifiers: {
    ingest?: (request: IngestRequest) => Promise<IngestAuth>;
    signedLink?: (request: FastifyRequest) => Promise<SignedLinkAuth>;
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    opsdeck: ServerContext;
  }
}

export function contextOf(app: FastifyInstance): ServerContext {
  return app.opsdeck;
}
