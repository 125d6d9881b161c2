import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { OpsdeckConfig } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { AuthCache } from './auth/auth-cache.js';
import type { ServerMetrics } from './metrics.js';

/** What route plugins need, decorated once on the app as `app.opsdeck`. */
export interface ServerContext {
  config: OpsdeckConfig;
  store: Store;
  clock: Clock;
  metrics: ServerMetrics;
  /** Resolved sessions and tokens for a second or two; cleared on every identity change. */
  authCache: AuthCache;
}

declare module 'fastify' {
  interface FastifyInstance {
    opsdeck: ServerContext;
  }
}

export function contextOf(app: FastifyInstance): ServerContext {
  return app.opsdeck;
}
