import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './helpers/databases.js';
import { INJECT_ORIGIN, buildTestApp, json, movableClock, type TestApp } from './helpers/server.js';

const dialects = await testDialects();

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`authentication on ${dialect}`, () => {
    const clock = movableClock(new Date('2026-03-01T10:00:00.000Z'));
    let t: TestApp;
    let adminCookie: string;

    beforeAll(async () => {
      t = await buildTestApp({
        dialect,
        clock,
        config: { loginRateLimit: { maxFailures: 3, windowMinutes: 15 } },
      });
      adminCookie = await t.login('admin', t.adminPassword);
    });
    afterAll(async () => t?.close());

    async function createUser(username: string, role: string, password = 'password-123456') {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: t.sessionHeaders(adminCookie),
        payload: { username, password, role },
      });
      expect(res.statusCode).toBe(201);
      return json<{ user: { id: string } }>(res).user;
    }

    it('logs in, sets an httpOnly SameSite=Lax session cookie and answers /api/me', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: t.adminPassword },
      });
      expect(res.statusCode).toBe(200);
      const body = json<{ user: { username: string; role: string; permissions: string[] } }>(res);
      expect(body.user).toMatchObject({ username: 'admin', role: 'admin' });
      expect(body.user.permissions).toContain('users:write');
      const setCookie = String(res.headers['set-cookie']);
      expect(setCookie).toMatch(/^opsdeck_session=[A-Za-z0-9_-]{43};/);
      expect(setCookie).toContain('HttpOnly');
      expect(setCookie).toContain('SameSite=Lax');
      expect(setCookie).toContain('Path=/');
      expect(setCookie).not.toContain('Secure');
      const cookie = res.cookies[0]!.value;
      const me = await t.app.inject({ method: 'GET', url: '/api/me', cookies: { opsdeck_session: cookie } });
      expect(me.statusCode).toBe(200);
      expect(json(me)).toEqual(body);
    });

    it('marks the cookie Secure when the request arrived over TLS at a trusted proxy', async () => {
      const proxied = await buildTestApp({ dialect, config: { trustProxy: true } });
      try {
        const res = await proxied.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'x-forwarded-proto': 'https' },
          payload: { username: 'admin', password: proxied.adminPassword },
        });
        expect(res.statusCode).toBe(200);
        expect(String(res.headers['set-cookie'])).toContain('Secure');
      } finally {
        await proxied.close();
      }
    });

    it('logs out: deletes the session server-side and clears the cookie', async () => {
      const cookie = await t.login('admin', t.adminPassword);
      const out = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: t.sessionHeaders(cookie),
      });
      expect(out.statusCode).toBe(204);
      expect(String(out.headers['set-cookie'])).toMatch(/opsdeck_session=;.*Expires=Thu, 01 Jan 1970/);
      const me = await t.app.inject({ method: 'GET', url: '/api/me', cookies: { opsdeck_session: cookie } });
      expect(me.statusCode).toBe(401);
      expect(json(me)).toMatchObject({ error: { code: 'OPSDECK_E_UNAUTHENTICATED' } });
    });

    it.each([
      ['a wrong password', 'admin', 'not-the-password'],
      ['an unknown user', 'nobody-here', 'whatever-password'],
    ])('refuses %s with 401 OPSDECK_E_BAD_CREDENTIALS and no cookie', async (_label, username, password) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password },
      });
      expect(res.statusCode).toBe(401);
      expect(json(res)).toMatchObject({ error: { code: 'OPSDECK_E_BAD_CREDENTIALS' } });
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('rate limits failed logins per address and username with 429 and Retry-After', async () => {
      await createUser('rita', 'viewer', 'rita-password-1');
      const attempt = (password: string, ip = '10.0.0.7') =>
        t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: ip,
          payload: { username: 'rita', password },
        });
      for (let i = 0; i < 3; i++) expect((await attempt('wrong-password')).statusCode).toBe(401);
      const limited = await attempt('rita-password-1');
      expect(limited.statusCode).toBe(429);
      expect(json(limited)).toMatchObject({ error: { code: 'OPSDECK_E_RATE_LIMITED' } });
      expect(Number(limited.headers['retry-after'])).toBe(15 * 60);
      // Another address is not affected, and the window passes.
      expect((await attempt('rita-password-1', '10.0.0.8')).statusCode).toBe(200);
      clock.advance(16 * 60_000);
      expect((await attempt('rita-password-1')).statusCode).toBe(200);
    });

    it('refuses a disabled user at login and ends their existing sessions', async () => {
      const user = await createUser('dora', 'engineer', 'dora-password-1');
      const cookie = await t.login('dora', 'dora-password-1');
      const disable = await t.app.inject({
        method: 'PATCH',
        url: `/api/users/${user.id}`,
        headers: t.sessionHeaders(adminCookie),
        payload: { disabled: true },
      });
      expect(disable.statusCode).toBe(200);
      const me = await t.app.inject({ method: 'GET', url: '/api/me', cookies: { opsdeck_session: cookie } });
      expect(me.statusCode).toBe(401);
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'dora', password: 'dora-password-1' },
      });
      expect(login.statusCode).toBe(401);
      expect(json(login)).toMatchObject({ error: { code: 'OPSDECK_E_BAD_CREDENTIALS' } });
    });

    it('expires sessions after session_ttl_hours', async () => {
      const cookie = await t.login('admin', t.adminPassword);
      clock.advance(t.config.sessionTtlHours * 3_600_000 + 1000);
      const me = await t.app.inject({ method: 'GET', url: '/api/me', cookies: { opsdeck_session: cookie } });
      expect(me.statusCode).toBe(401);
      adminCookie = await t.login('admin', t.adminPassword);
    });

    describe('CSRF protection of cookie-authenticated changes', () => {
      it.each([
        ['no Origin or Referer', {}, 403],
        ['a foreign Origin', { origin: 'https://evil.example' }, 403],
        ['a foreign Referer', { referer: 'https://evil.example/page' }, 403],
        ['Origin "null"', { origin: 'null' }, 403],
        ['the same Origin', { origin: INJECT_ORIGIN }, 201],
        ['a same-origin Referer', { referer: `${INJECT_ORIGIN}/settings/tokens` }, 201],
      ])('answers a POST with %s with %i', async (_label, headers, status) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: { cookie: `opsdeck_session=${adminCookie}`, ...headers },
          payload: { name: 'csrf-check', scopes: ['estate:read'], expiresInDays: 1 },
        });
        expect(res.statusCode).toBe(status);
        if (status === 403) expect(json(res)).toMatchObject({ error: { code: 'OPSDECK_E_CSRF' } });
      });

      it('accepts the configured public URL as the origin behind a proxy', async () => {
        const proxied = await buildTestApp({
          dialect,
          config: { publicUrl: 'https://ops.example.com/' },
        });
        try {
          const cookie = await proxied.login('admin', proxied.adminPassword);
          const post = (origin: string) =>
            proxied.app.inject({
              method: 'POST',
              url: '/api/auth/logout',
              headers: { cookie: `opsdeck_session=${cookie}`, origin },
            });
          expect((await post(INJECT_ORIGIN)).statusCode).toBe(403);
          expect((await post('https://ops.example.com')).statusCode).toBe(204);
        } finally {
          await proxied.close();
        }
      });

      it('refuses a cross-site login form post', async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { origin: 'https://evil.example' },
          payload: { username: 'admin', password: t.adminPassword },
        });
        expect(res.statusCode).toBe(403);
        expect(json(res)).toMatchObject({ error: { code: 'OPSDECK_E_CSRF' } });
      });

      it('exempts bearer-token requests, which browsers never send on their own', async () => {
        const created = await t.app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: t.sessionHeaders(adminCookie),
          payload: { name: 'ci', scopes: ['tokens:write', 'tokens:read'], expiresInDays: 7 },
        });
        const { secret } = json<{ secret: string }>(created);
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: { authorization: `Bearer ${secret}`, origin: 'https://evil.example' },
          payload: { name: 'from-ci', scopes: ['tokens:read'], expiresInDays: 1 },
        });
        expect(res.statusCode).toBe(201);
      });
    });
  });
}
