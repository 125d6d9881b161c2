import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './helpers/databases.js';
import { buildTestApp, json, movableClock, type TestApp } from './helpers/server.js';

const dialects = await testDialects();

interface TokenBody {
  token: { id: string; scopes: string[]; expiresAt: string; lastUsedAt: string | null; prefix: string };
  secret: string;
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`API tokens on ${dialect}`, () => {
    const clock = movableClock(new Date('2026-03-01T10:00:00.000Z'));
    let t: TestApp;
    let adminCookie: string;
    let viewerCookie: string;

    beforeAll(async () => {
      t = await buildTestApp({ dialect, clock });
      adminCookie = await t.login('admin', t.adminPassword);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: t.sessionHeaders(adminCookie),
        payload: { username: 'vic', password: 'vic-password-1', role: 'viewer' },
      });
      expect(res.statusCode).toBe(201);
      viewerCookie = await t.login('vic', 'vic-password-1');
    });
    afterAll(async () => t?.close());

    async function createToken(cookie: string, payload: Record<string, unknown>) {
      return t.app.inject({ method: 'POST', url: '/api/tokens', headers: t.sessionHeaders(cookie), payload });
    }
    const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

    it('returns the secret once, stores only its hash, and the token then authenticates', async () => {
      const res = await createToken(adminCookie, {
        name: 'deploy bot',
        scopes: ['users:read', 'tokens:read'],
        expiresInDays: 30,
      });
      expect(res.statusCode).toBe(201);
      const body = json<TokenBody>(res);
      expect(body.secret).toMatch(/^odk_[A-Za-z0-9_-]{43}$/);
      expect(body.secret.startsWith(body.token.prefix)).toBe(true);
      expect(body.token.expiresAt).toBe('2026-03-31T10:00:00.000Z');
      const rows = await t.store.db.selectFrom('api_tokens').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(body.secret);

      const list = await t.app.inject({ method: 'GET', url: '/api/tokens', headers: bearer(body.secret) });
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(body.secret);
      const listed = json<{ tokens: Array<{ id: string; lastUsedAt: string | null }> }>(list).tokens;
      expect(listed.find((x) => x.id === body.token.id)?.lastUsedAt).toBe('2026-03-01T10:00:00.000Z');

      const users = await t.app.inject({ method: 'GET', url: '/api/users', headers: bearer(body.secret) });
      expect(users.statusCode).toBe(200);
    });

    it('limits a token to its scopes', async () => {
      const { secret } = json<TokenBody>(
        await createToken(adminCookie, { name: 'reader', scopes: ['estate:read'], expiresInDays: 1 }),
      );
      const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(secret) });
      expect(json<{ user: { permissions: string[] } }>(me).user.permissions).toEqual(['estate:read']);
      const users = await t.app.inject({ method: 'GET', url: '/api/users', headers: bearer(secret) });
      expect(users.statusCode).toBe(403);
      expect(json(users)).toMatchObject({ error: { code: 'OPSDECK_E_FORBIDDEN' } });
    });

    it("refuses scopes beyond the caller's own permissions", async () => {
      const res = await createToken(viewerCookie, {
        name: 'escalate',
        scopes: ['estate:read', 'users:write'],
        expiresInDays: 1,
      });
      expect(res.statusCode).toBe(403);
      expect(json(res)).toMatchObject({
        error: { code: 'OPSDECK_E_FORBIDDEN', details: [{ path: '/body/scopes/1' }] },
      });
    });

    it('narrows a token when its owner is demoted (scopes ∩ role)', async () => {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: t.sessionHeaders(adminCookie),
        payload: { username: 'eve', password: 'eve-password-1', role: 'engineer' },
      });
      const eve = json<{ user: { id: string } }>(created).user;
      const eveCookie = await t.login('eve', 'eve-password-1');
      const { secret } = json<TokenBody>(
        await createToken(eveCookie, {
          name: 'writer',
          scopes: ['estate:write', 'estate:read'],
          expiresInDays: 5,
        }),
      );
      await t.app.inject({
        method: 'PATCH',
        url: `/api/users/${eve.id}`,
        headers: t.sessionHeaders(adminCookie),
        payload: { role: 'viewer' },
      });
      const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(secret) });
      expect(json<{ user: { permissions: string[] } }>(me).user.permissions).toEqual(['estate:read']);
    });

    it.each([
      ['an unknown secret', 'odk_' + 'A'.repeat(43)],
      ['a malformed secret', 'not-a-token'],
      ['an empty bearer', ''],
    ])('answers 401 to %s', async (_label, secret) => {
      const res = await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(secret) });
      expect(res.statusCode).toBe(401);
      expect(json(res)).toMatchObject({ error: { code: 'OPSDECK_E_UNAUTHENTICATED' } });
    });

    it('answers 401 once a token has expired', async () => {
      const { secret } = json<TokenBody>(
        await createToken(adminCookie, { name: 'short', scopes: ['tokens:read'], expiresInDays: 1 }),
      );
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(secret) })).statusCode,
      ).toBe(200);
      clock.advance(86_400_000 + 1000);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(secret) })).statusCode,
      ).toBe(401);
      adminCookie = await t.login('admin', t.adminPassword);
      viewerCookie = await t.login('vic', 'vic-password-1');
    });

    it('revokes a token (then 401), and audits the creation and the revocation', async () => {
      const { token, secret } = json<TokenBody>(
        await createToken(viewerCookie, { name: 'laptop', scopes: ['tokens:read'], expiresInDays: 2 }),
      );
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/tokens/${token.id}`,
        headers: t.sessionHeaders(viewerCookie),
      });
      expect(del.statusCode).toBe(204);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(secret) })).statusCode,
      ).toBe(401);
      const again = await t.app.inject({
        method: 'DELETE',
        url: `/api/tokens/${token.id}`,
        headers: t.sessionHeaders(viewerCookie),
      });
      expect(again.statusCode).toBe(204);
      const audit = await t.app.inject({
        method: 'GET',
        url: '/api/audit?limit=500',
        cookies: { opsdeck_session: adminCookie },
      });
      const entries = json<{ entries: Array<{ action: string; target: string; actor: string }> }>(
        audit,
      ).entries;
      const mine = entries.filter((e) => e.target === `token:${token.id}`).map((e) => [e.action, e.actor]);
      expect(mine).toEqual([
        ['token.revoke', 'user:vic'],
        ['token.create', 'user:vic'],
      ]);
      expect(audit.body).not.toContain(secret);
    });

    it('honours a revocation made outside this server (the CLI, another replica) within 2 seconds', async () => {
      const { token, secret } = json<TokenBody>(
        await createToken(adminCookie, { name: 'elsewhere', scopes: ['tokens:read'], expiresInDays: 2 }),
      );
      const me = () => t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(secret) });
      expect((await me()).statusCode).toBe(200);
      await t.store.tokens.revoke(token.id);
      clock.advance(2_001);
      expect((await me()).statusCode).toBe(401);
    });

    it("keeps other users' tokens invisible and unrevokable to non-admins", async () => {
      const { token } = json<TokenBody>(
        await createToken(adminCookie, { name: 'admin-only', scopes: ['tokens:read'], expiresInDays: 2 }),
      );
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/tokens',
        cookies: { opsdeck_session: viewerCookie },
      });
      expect(list.body).not.toContain(token.id);
      const all = await t.app.inject({
        method: 'GET',
        url: '/api/tokens?all=true',
        cookies: { opsdeck_session: viewerCookie },
      });
      expect(all.statusCode).toBe(403);
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/tokens/${token.id}`,
        headers: t.sessionHeaders(viewerCookie),
      });
      expect(del.statusCode).toBe(404);
      const adminAll = await t.app.inject({
        method: 'GET',
        url: '/api/tokens?all=true',
        cookies: { opsdeck_session: adminCookie },
      });
      const owners = new Set(
        json<{ tokens: Array<{ username: string }> }>(adminAll).tokens.map((x) => x.username),
      );
      expect(owners).toEqual(new Set(['admin', 'vic', 'eve']));
    });

    it.each([
      [{ name: 'x', scopes: [], expiresInDays: 1 }, '/body/scopes'],
      [{ name: 'x', scopes: ['estate:read'], expiresInDays: 0 }, '/body/expiresInDays'],
      [{ name: 'x', scopes: ['estate:read'], expiresInDays: 366 }, '/body/expiresInDays'],
      [{ name: 'x', scopes: ['estate:read'], expiresInDays: '5' }, '/body/expiresInDays'],
      [{ name: 'x', scopes: ['root:all'], expiresInDays: 1 }, '/body/scopes/0'],
      [{ scopes: ['estate:read'], expiresInDays: 1 }, '/body/name'],
    ])('rejects the token request %j at %s', async (payload, path) => {
      const res = await createToken(adminCookie, payload);
      expect(res.statusCode).toBe(400);
      expect(json(res)).toMatchObject({ error: { code: 'OPSDECK_E_VALIDATION', details: [{ path }] } });
    });
  });
}
