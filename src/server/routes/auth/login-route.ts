import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';
import { randomSecret } from '../../../core/ids.js';
import { hashPassword, needsRehash, verifyPassword } from '../../../core/password.js';
import { permissionsOf } from '../../../governance/permissions.js';
import { RateLimitedError, loginAttemptKey } from '../../auth/login-rate-limit.js';
import { setSessionCookie } from '../../auth/session-cookie.js';
import { SessionUser, errorResponses } from '../../schemas.js';
import { sessionUserOf } from './views.js';

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

/** POST /api/auth/login: password login, sets the session cookie. Failures are rate limited. */
export const loginRoute: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store, config, metrics } = app.opsdeck;
  const windowMs = config.loginRateLimit.windowMinutes * 60_000;
  // Unknown usernames still cost one scrypt verification, so response time does not reveal them.
  let decoyHash: Promise<string> | undefined;

  app.post(
    '/api/auth/login',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Log in with username and password; sets the opsdeck_session cookie',
        body: LoginBody,
        response: {
          200: Type.Object({ user: SessionUser }),
          ...errorResponses,
          429: Type.Ref('ErrorResponse'),
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const key = loginAttemptKey(request, username);
      const failures = await store.loginAttempts.countRecent(key, windowMs);
      if (failures >= config.loginRateLimit.maxFailures) {
        metrics.loginFailures.inc({ reason: 'rate_limited' });
        throw new RateLimitedError(
          `Too many failed logins for ${username} from this address; try again later`,
          Math.ceil(windowMs / 1000),
        );
      }
      const credentials = await store.users.getCredentials(username);
      decoyHash ??= hashPassword(randomSecret(16));
      const valid = await verifyPassword(password, credentials?.passwordHash ?? (await decoyHash));
      if (!credentials || !valid || credentials.disabled) {
        await store.loginAttempts.recordFailure(key);
        metrics.loginFailures.inc({ reason: valid && credentials ? 'disabled' : 'bad_credentials' });
        request.log.info({ username, ip: request.ip }, 'login failed');
        throw new OpsdeckError('OPSDECK_E_BAD_CREDENTIALS', 'Wrong username or password', [
          { path: '/body/password', message: 'does not match, or the user is disabled' },
        ]);
      }
      await store.loginAttempts.clear(key);
      const rehash = needsRehash(credentials.passwordHash) ? await hashPassword(password) : undefined;
      const ttlMs = config.sessionTtlHours * 3_600_000;
      const created = await store.transaction(async (tx) => {
        const session = await tx.sessions.create(credentials.id, ttlMs);
        await tx.users.recordLogin(credentials.id);
        if (rehash) await tx.users.update(credentials.id, { passwordHash: rehash });
        await tx.audit.append({
          actor: `user:${credentials.username}`,
          action: 'auth.login',
          target: `user:${credentials.id}`,
          summary: `${credentials.username} logged in from ${request.ip}`,
        });
        return session;
      });
      setSessionCookie(request, reply, created.secret, new Date(Date.parse(created.session.expiresAt)));
      request.log.info({ userId: credentials.id }, 'login succeeded');
      return { user: sessionUserOf(credentials, permissionsOf(credentials.role)) };
    },
  );
  done();
};
