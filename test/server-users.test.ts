import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './helpers/databases.js';
import { buildTestApp, json, type TestApp } from './helpers/server.js';

const dialects = await testDialects();

interface UserBody {
  user: { id: string; username: string; role: string; disabled: boolean; lastLoginAt: string | null };
}
interface AuditBody {
  entries: Array<{
    seq: number;
    actor: string;
    action: string;
    target: string;
    before: unknown;
    after: unknown;
  }>;
  nextBefore: number | null;
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`user administration and audit on ${dialect}`, () => {
    let t: TestApp;
    let admin: string;
    let adminId: string;

    beforeAll(async () => {
      t = await buildTestApp({ dialect });
      admin = await t.login('admin', t.adminPassword);
      const me = await t.app.inject({ method: 'GET', url: '/api/me', cookies: { opsdeck_session: admin } });
      adminId = json<UserBody>(me).user.id;
    });
    afterAll(async () => t?.close());

    const post = (payload: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: t.sessionHeaders(admin),
        payload: payload as object,
      });
    const patch = (id: string, payload: unknown, cookie = admin) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/users/${id}`,
        headers: t.sessionHeaders(cookie),
        payload: payload as object,
      });
    const auditOf = async (target: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/audit?limit=500',
        cookies: { opsdeck_session: admin },
      });
      return json<AuditBody>(res).entries.filter((e) => e.target === target);
    };

    it('creates, lists and updates users as admin, auditing each change with before and after', async () => {
      const created = await post({ username: 'carol', password: 'carol-password-1', role: 'engineer' });
      expect(created.statusCode).toBe(201);
      const carol = json<UserBody>(created).user;
      expect(carol).toMatchObject({
        username: 'carol',
        role: 'engineer',
        disabled: false,
        lastLoginAt: null,
      });

      const list = await t.app.inject({
        method: 'GET',
        url: '/api/users',
        cookies: { opsdeck_session: admin },
      });
      expect(json<{ users: Array<{ username: string }> }>(list).users.map((u) => u.username)).toEqual([
        'admin',
        'carol',
      ]);
      expect(list.body).not.toMatch(/password|scrypt/);

      const promoted = await patch(carol.id, { role: 'approver', password: 'carol-password-2' });
      expect(promoted.statusCode).toBe(200);
      expect(json<UserBody>(promoted).user.role).toBe('approver');
      await t.login('carol', 'carol-password-2');

      const entries = await auditOf(`user:${carol.id}`);
      expect(entries.map((e) => [e.action, e.actor])).toEqual([
        ['auth.login', 'user:carol'],
        ['user.update', 'user:admin'],
        ['user.create', 'user:admin'],
      ]);
      const update = entries.find((e) => e.action === 'user.update')!;
      expect(update.before).toMatchObject({ role: 'engineer' });
      expect(update.after).toMatchObject({ role: 'approver' });
      expect(JSON.stringify(entries)).not.toContain('carol-password');
    });

    it('refuses a duplicate username with 409 OPSDECK_E_CONFLICT', async () => {
      await post({ username: 'dup', password: 'dup-password-1', role: 'viewer' });
      const again = await post({ username: 'dup', password: 'dup-password-2', role: 'viewer' });
      expect(again.statusCode).toBe(409);
      expect(json(again)).toMatchObject({ error: { code: 'OPSDECK_E_CONFLICT' } });
    });

    it('answers 404 for an unknown user id', async () => {
      const res = await patch('00000000-0000-0000-0000-000000000000', { role: 'viewer' });
      expect(res.statusCode).toBe(404);
      expect(json(res)).toMatchObject({ error: { code: 'OPSDECK_E_NOT_FOUND' } });
    });

    it.each([
      [{ role: 'viewer' }, '/body/role'],
      [{ disabled: true }, '/body/disabled'],
    ])('does not let an admin lock themselves out with %j', async (payload, path) => {
      const res = await patch(adminId, payload);
      expect(res.statusCode).toBe(409);
      expect(json(res)).toMatchObject({ error: { code: 'OPSDECK_E_CONFLICT', details: [{ path }] } });
    });

    it.each([
      [{ username: 'x', password: 'short', role: 'viewer' }, '/body/password'],
      [{ username: 'x y', password: 'long-enough-1', role: 'viewer' }, '/body/username'],
      [{ username: 'x', password: 'long-enough-1', role: 'root' }, '/body/role'],
      [{ username: 'x', password: 'long-enough-1' }, '/body/role'],
      [{ username: 'x', password: 'long-enough-1', role: 'viewer', admin: true }, '/body/admin'],
    ])('rejects the new user %j at %s', async (payload, path) => {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      expect(json(res)).toMatchObject({ error: { code: 'OPSDECK_E_VALIDATION', details: [{ path }] } });
    });

    it.each([
      [{}, '/body'],
      [{ role: 'viewer', username: 'renamed' }, '/body/username'],
      [{ disabled: 'yes' }, '/body/disabled'],
    ])('rejects the user change %j at %s', async (payload, path) => {
      const res = await patch(adminId, payload);
      expect(res.statusCode).toBe(400);
      expect(json(res)).toMatchObject({ error: { code: 'OPSDECK_E_VALIDATION', details: [{ path }] } });
    });

    it('forbids user administration to a viewer with 403', async () => {
      await post({ username: 'val', password: 'val-password-1', role: 'viewer' });
      const val = await t.login('val', 'val-password-1');
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/users',
        cookies: { opsdeck_session: val },
      });
      expect(list.statusCode).toBe(403);
      expect(json(list)).toMatchObject({ error: { code: 'OPSDECK_E_FORBIDDEN' } });
      const create = await t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: t.sessionHeaders(val),
        payload: { username: 'sneaky', password: 'sneaky-password', role: 'admin' },
      });
      expect(create.statusCode).toBe(403);
    });

    it('pages the audit log by seq and verifies its hash chain', async () => {
      const first = json<AuditBody>(
        await t.app.inject({ method: 'GET', url: '/api/audit?limit=2', cookies: { opsdeck_session: admin } }),
      );
      expect(first.entries).toHaveLength(2);
      expect(first.entries[0]!.seq).toBeGreaterThan(first.entries[1]!.seq);
      expect(first.nextBefore).toBe(first.entries[1]!.seq);
      const second = json<AuditBody>(
        await t.app.inject({
          method: 'GET',
          url: `/api/audit?limit=2&before=${first.nextBefore}`,
          cookies: { opsdeck_session: admin },
        }),
      );
      expect(second.entries[0]!.seq).toBe(first.nextBefore! - 1);
      const verify = await t.app.inject({
        method: 'GET',
        url: '/api/audit/verify',
        cookies: { opsdeck_session: admin },
      });
      expect(verify.statusCode).toBe(200);
      const total = await t.store.audit.count();
      expect(json(verify)).toEqual({ ok: true, checked: total });
    });

    it('reports the first bad entry when the audit log was tampered with', async () => {
      await t.store.db
        .updateTable('audit_log')
        .set({ summary: 'nothing happened' })
        .where('seq', '=', 2)
        .execute();
      const verify = await t.app.inject({
        method: 'GET',
        url: '/api/audit/verify',
        cookies: { opsdeck_session: admin },
      });
      expect(verify.statusCode).toBe(200);
      expect(json(verify)).toMatchObject({ ok: false, checked: 1, firstBad: { seq: 2 } });
    });
  });
}
