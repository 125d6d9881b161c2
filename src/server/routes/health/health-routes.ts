import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';

const Liveness = Type.Object({ status: Type.Literal('ok') });
const Readiness = Type.Object({
  status: Type.Literal('ready'),
  database: Type.Unsafe<'sqlite' | 'postgres'>({ type: 'string', enum: ['sqlite', 'postgres'] }),
  migrations: Type.Object({ applied: Type.Integer(), pending: Type.Integer() }),
});

/** GET /healthz (the process answers) and GET /readyz (the database is usable). */
export const healthRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  app.get(
    '/healthz',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is up',
        response: { 200: Liveness },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database is reachable and every migration is applied',
        response: { 200: Readiness, 503: Type.Ref('ErrorResponse') },
      },
    },
    async () => {
      const { store } = app.opsdeck;
      try {
        await store.ping();
      } catch (e) {
        throw new OpsdeckError(
          'OPSDECK_E_DB_UNREACHABLE',
          'Database is unreachable',
          [{ path: 'database_url', message: 'ping failed' }],
          { cause: e },
        );
      }
      const status = await store.migrationStatus();
      if (status.pending.length > 0) {
        throw new OpsdeckError(
          'OPSDECK_E_DB_MIGRATION',
          `${status.pending.length} database migration(s) pending: ${status.pending.join(', ')}`,
          status.pending.map((m) => ({ path: `migrations/${m}`, message: 'not applied' })),
        );
      }
      return {
        status: 'ready' as const,
        database: store.dialect,
        migrations: { applied: status.applied.length, pending: 0 },
      };
    },
  );
  done();
};
