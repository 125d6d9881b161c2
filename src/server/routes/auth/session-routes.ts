import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf } from '../../auth/guard.js';
import { clearSessionCookie } from '../../auth/session-cookie.js';
import { SessionUser, errorResponses } from '../../schemas.js';
import { sessionUserOf } from './views.js';

/** POST /api/auth/logout and GET /api/me. */
export const sessionRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store } = app.opsdeck;

  app.post(
    '/api/auth/logout',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Log out: deletes the session and clears the cookie',
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (caller.sessionId !== undefined) await store.sessions.delete(caller.sessionId);
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'The caller: user, role and effective permissions',
        response: { 200: Type.Object({ user: SessionUser }), ...errorResponses },
      },
    },
    (request) => {
      const caller = callerOf(request);
      return { user: sessionUserOf(caller.user, caller.permissions) };
    },
  );
  done();
};
