import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../src/core/clock.js';
import { OpsdeckError } from '../src/core/errors.js';
import { hashPassword, verifyPassword } from '../src/core/password.js';
import { hashSecret } from '../src/core/secret-hash.js';
import {
  MIGRATIONS,
  createStore,
  ensureAdmin,
  openDatabase,
  type Store,
  type User,
} from '../src/store/index.js';
import { createTestDatabase, testDialects, type TestStore, openTestStore } from './helpers/databases.js';

const FAST = { N: 1024, r: 8, p: 1 };
const targets = await testDialects();

/** A clock tests move by hand. */
function manualClock(start = '2026-03-01T10:00:00.000Z'): Clock & { advance(ms: number): void } {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

async function expectCode(p: Promise<unknown>, code: string): Promise<OpsdeckError> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OpsdeckError);
  expect((e as OpsdeckError).code).toBe(code);
  return e as OpsdeckError;
}

describe.each(targets)('the store on $dialect', ({ dialect, available }) => {
  describe.skipIf(!available)(`${dialect}`, () => {
    let t: TestStore;
    let store: Store;
    const clock = manualClock();
    let seq = 0;
    const newUser = async (role: User['role'] = 'viewer'): Promise<User> =>
      store.users.create({ username: `user-${++seq}`, passwordHash: await hashPassword('pw', FAST), role });

    beforeAll(async () => {
      t = await openTestStore(dialect, { clock });
      store = t.store;
    });
    afterAll(async () => {
      await t?.close();
    });

    describe('migrations', () => {
      it('start all pending on an empty database, apply in order, and then report nothing pending', async () => {
        const db = await createTestDatabase(dialect);
        const handle = openDatabase(db.url);
        try {
          const fresh = createStore(handle);
          await fresh.ping();
          expect(await fresh.migrationStatus()).toEqual({ applied: [], pending: Object.keys(MIGRATIONS) });
          expect(await fresh.migrate()).toEqual(Object.keys(MIGRATIONS));
          expect(await fresh.migrationStatus()).toEqual({ applied: Object.keys(MIGRATIONS), pending: [] });
          expect(await fresh.migrate()).toEqual([]);
        } finally {
          await handle.close();
          await db.drop();
        }
      });
    });

    describe('users', () => {
      it('are created, read back by id and username, listed and counted', async () => {
        const before = await store.users.count();
        const u = await store.users.create({ username: 'alice', passwordHash: 'scrypt$x', role: 'engineer' });
        expect(u).toMatchObject({ username: 'alice', role: 'engineer', disabled: false, lastLoginAt: null });
        expect(u.createdAt).toBe(clock.now().toISOString());
        expect(await store.users.getById(u.id)).toEqual(u);
        expect(await store.users.getByUsername('alice')).toEqual(u);
        expect((await store.users.getCredentials('alice'))?.passwordHash).toBe('scrypt$x');
        expect(await store.users.count()).toBe(before + 1);
        expect((await store.users.list()).map((x) => x.username)).toContain('alice');
        expect(await store.users.getByUsername('nobody')).toBeUndefined();
      });

      it('reject a taken username with OPSDECK_E_CONFLICT', async () => {
        await store.users.create({ username: 'bob', passwordHash: 'h', role: 'viewer' });
        const e = await expectCode(
          store.users.create({ username: 'bob', passwordHash: 'h2', role: 'admin' }),
          'OPSDECK_E_CONFLICT',
        );
        expect(e.message).toContain('bob');
        expect((await store.users.getByUsername('bob'))?.role).toBe('viewer');
      });

      it('are updated (role, disabled, password) and unknown ids give OPSDECK_E_NOT_FOUND', async () => {
        const u = await newUser();
        const changed = await store.users.update(u.id, {
          role: 'approver',
          disabled: true,
          passwordHash: 'new',
        });
        expect(changed).toMatchObject({ id: u.id, role: 'approver', disabled: true });
        expect((await store.users.getCredentials(u.username))?.passwordHash).toBe('new');
        await expectCode(store.users.update('no-such-id', { disabled: true }), 'OPSDECK_E_NOT_FOUND');
      });

      it('record the time of the last login', async () => {
        const u = await newUser();
        await store.users.recordLogin(u.id);
        expect((await store.users.getById(u.id))?.lastLoginAt).toBe(clock.now().toISOString());
      });
    });

    describe('sessions', () => {
      it('store only the SHA-256 of the cookie secret and find the session by the secret', async () => {
        const u = await newUser();
        const { session, secret } = await store.sessions.create(u.id, 60_000);
        expect(session.id).toBe(hashSecret(secret));
        const rows = await store.db.selectFrom('sessions').selectAll().where('user_id', '=', u.id).execute();
        expect(JSON.stringify(rows)).not.toContain(secret);
        const found = await store.sessions.findBySecret(secret);
        expect(found?.user.id).toBe(u.id);
        expect(found?.session.expiresAt).toBe(new Date(clock.now().getTime() + 60_000).toISOString());
        expect(await store.sessions.findBySecret('not-a-session')).toBeUndefined();
      });

      it('expire after their TTL and are purged by deleteExpired', async () => {
        const u = await newUser();
        const { secret, session } = await store.sessions.create(u.id, 1000);
        clock.advance(999);
        expect(await store.sessions.findBySecret(secret)).toBeDefined();
        clock.advance(1);
        expect(await store.sessions.findBySecret(secret)).toBeUndefined();
        expect(await store.sessions.deleteExpired()).toBeGreaterThanOrEqual(1);
        const left = await store.db
          .selectFrom('sessions')
          .select('id')
          .where('id', '=', session.id)
          .execute();
        expect(left).toEqual([]);
      });

      it('of a disabled user are not found, and deleteForUser logs the user out everywhere', async () => {
        const u = await newUser();
        const a = await store.sessions.create(u.id, 60_000);
        await store.sessions.create(u.id, 60_000);
        await store.users.update(u.id, { disabled: true });
        expect(await store.sessions.findBySecret(a.secret)).toBeUndefined();
        await store.users.update(u.id, { disabled: false });
        expect(await store.sessions.findBySecret(a.secret)).toBeDefined();
        expect(await store.sessions.deleteForUser(u.id)).toBe(2);
        expect(await store.sessions.findBySecret(a.secret)).toBeUndefined();
      });

      it('are deleted by secret (logout) and touched (last seen)', async () => {
        const u = await newUser();
        const { secret, session } = await store.sessions.create(u.id, 60_000);
        clock.advance(5000);
        await store.sessions.touch(session.id);
        expect((await store.sessions.findBySecret(secret))?.session.lastSeenAt).toBe(
          clock.now().toISOString(),
        );
        await store.sessions.deleteBySecret(secret);
        expect(await store.sessions.findBySecret(secret)).toBeUndefined();
      });
    });

    describe('API tokens', () => {
      it('are created with an odk_ secret of which only the SHA-256 is stored', async () => {
        const u = await newUser('engineer');
        const { token, secret } = await store.tokens.create({
          userId: u.id,
          name: 'ci',
          scopes: ['guardrails:read', 'guardrails:write'],
          expiresAt: new Date(clock.now().getTime() + 86_400_000),
        });
        expect(secret).toMatch(/^odk_[A-Za-z0-9_-]{43}$/);
        expect(token).toMatchObject({
          userId: u.id,
          username: u.username,
          name: 'ci',
          scopes: ['guardrails:read', 'guardrails:write'],
          revokedAt: null,
          lastUsedAt: null,
        });
        expect(secret.startsWith(token.prefix)).toBe(true);
        const row = await store.db
          .selectFrom('api_tokens')
          .selectAll()
          .where('id', '=', token.id)
          .executeTakeFirst();
        expect(row?.token_hash).toBe(hashSecret(secret));
        expect(JSON.stringify(row)).not.toContain(secret);
        const found = await store.tokens.findBySecret(secret);
        expect(found?.token.id).toBe(token.id);
        expect(found?.user.id).toBe(u.id);
        // One character changed (never to itself: a secret ending in "A" made this flaky, 1 in 64).
        const altered = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
        expect(await store.tokens.findBySecret(altered)).toBeUndefined();
      });

      it('stop working after they expire', async () => {
        const u = await newUser();
        const { secret } = await store.tokens.create({
          userId: u.id,
          name: 'short',
          scopes: [],
          expiresAt: new Date(clock.now().getTime() + 1000),
        });
        expect(await store.tokens.findBySecret(secret)).toBeDefined();
        clock.advance(1000);
        expect(await store.tokens.findBySecret(secret)).toBeUndefined();
      });

      it('without expiry keep working; revoked ones stop, and revoking keeps the first revocation time', async () => {
        const u = await newUser();
        const { token, secret } = await store.tokens.create({
          userId: u.id,
          name: 'x',
          scopes: [],
          expiresAt: null,
        });
        clock.advance(365 * 86_400_000);
        expect(await store.tokens.findBySecret(secret)).toBeDefined();
        const revoked = await store.tokens.revoke(token.id);
        expect(revoked.revokedAt).toBe(clock.now().toISOString());
        clock.advance(1000);
        expect((await store.tokens.revoke(token.id)).revokedAt).toBe(revoked.revokedAt);
        expect(await store.tokens.findBySecret(secret)).toBeUndefined();
        await expectCode(store.tokens.revoke('no-such-token'), 'OPSDECK_E_NOT_FOUND');
      });

      it('are listed per user, record last use, and cannot belong to an unknown user', async () => {
        const a = await newUser();
        const b = await newUser();
        const t1 = await store.tokens.create({ userId: a.id, name: 'a1', scopes: ['x'], expiresAt: null });
        await store.tokens.create({ userId: b.id, name: 'b1', scopes: [], expiresAt: null });
        expect((await store.tokens.list({ userId: a.id })).map((x) => x.name)).toEqual(['a1']);
        expect((await store.tokens.list()).map((x) => x.name)).toEqual(expect.arrayContaining(['a1', 'b1']));
        await store.tokens.touch(t1.token.id);
        expect((await store.tokens.getById(t1.token.id))?.lastUsedAt).toBe(clock.now().toISOString());
        await expectCode(
          store.tokens.create({ userId: 'ghost', name: 'g', scopes: [], expiresAt: null }),
          'OPSDECK_E_NOT_FOUND',
        );
      });

      it('of a disabled user do not authenticate', async () => {
        const u = await newUser();
        const { secret } = await store.tokens.create({
          userId: u.id,
          name: 'x',
          scopes: [],
          expiresAt: null,
        });
        await store.users.update(u.id, { disabled: true });
        expect(await store.tokens.findBySecret(secret)).toBeUndefined();
      });
    });

    describe('transactions', () => {
      it('commit a change together with its audit entry', async () => {
        const count = await store.audit.count();
        const user = await store.transaction(async (tx) => {
          const created = await tx.users.create({ username: 'tx-commit', passwordHash: 'h', role: 'viewer' });
          await tx.audit.append({
            actor: 'test',
            action: 'user.create',
            target: `user:${created.id}`,
            summary: 'created',
          });
          return created;
        });
        expect(await store.users.getById(user.id)).toBeDefined();
        expect(await store.audit.count()).toBe(count + 1);
      });

      it('roll back the change and its audit entry together when the function throws', async () => {
        const count = await store.audit.count();
        await expect(
          store.transaction(async (tx) => {
            await tx.users.create({ username: 'tx-rollback', passwordHash: 'h', role: 'viewer' });
            await tx.audit.append({ actor: 'test', action: 'user.create', target: 'user:x', summary: 'x' });
            await tx.transaction(async (inner) => {
              await inner.users.create({ username: 'tx-rollback-inner', passwordHash: 'h', role: 'viewer' });
            });
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.users.getByUsername('tx-rollback')).toBeUndefined();
        expect(await store.users.getByUsername('tx-rollback-inner')).toBeUndefined();
        expect(await store.audit.count()).toBe(count);
        expect((await store.audit.verify()).ok).toBe(true);
      });
    });

    describe('login attempts', () => {
      it('count failures within the window, forget them on clear and prune old ones', async () => {
        const key = `10.0.0.1|${dialect}`;
        await store.loginAttempts.recordFailure(key);
        clock.advance(60_000);
        await store.loginAttempts.recordFailure(key);
        await store.loginAttempts.recordFailure('other');
        expect(await store.loginAttempts.countRecent(key, 120_000)).toBe(2);
        expect(await store.loginAttempts.countRecent(key, 30_000)).toBe(1);
        expect(await store.loginAttempts.prune(30_000)).toBeGreaterThanOrEqual(1);
        expect(await store.loginAttempts.countRecent(key, 120_000)).toBe(1);
        await store.loginAttempts.clear(key);
        expect(await store.loginAttempts.countRecent(key, 120_000)).toBe(0);
        expect(await store.loginAttempts.countRecent('other', 120_000)).toBe(1);
      });
    });

    describe('ensureAdmin', () => {
      it('creates admin once with a generated password, audits it, and does nothing afterwards', async () => {
        const fresh = await openTestStore(dialect);
        try {
          const first = await ensureAdmin(fresh.store, { scrypt: FAST });
          expect(first.created).toMatchObject({ username: 'admin', role: 'admin' });
          expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
          const creds = await fresh.store.users.getCredentials('admin');
          expect(await verifyPassword(first.generatedPassword!, creds!.passwordHash)).toBe(true);
          const head = await fresh.store.audit.head();
          expect(head).toMatchObject({ seq: 1, action: 'user.bootstrap', actor: 'system' });
          expect(JSON.stringify(head)).not.toContain(first.generatedPassword);
          expect(await ensureAdmin(fresh.store, { scrypt: FAST })).toEqual({
            created: undefined,
            generatedPassword: undefined,
          });
          expect(await fresh.store.users.count()).toBe(1);
        } finally {
          await fresh.close();
        }
      });

      // Replicas share a database only on PostgreSQL (one serve process per SQLite file).
      it.skipIf(dialect !== 'postgres')(
        'creates exactly one admin when two replicas bootstrap at the same time',
        async () => {
          const fresh = await openTestStore(dialect);
          const other = openDatabase(fresh.database.url, { poolSize: 2 });
          try {
            const results = await Promise.all([
              ensureAdmin(fresh.store, { scrypt: FAST }),
              ensureAdmin(createStore(other), { scrypt: FAST }),
            ]);
            expect(results.filter((r) => r.created !== undefined)).toHaveLength(1);
            expect(await fresh.store.users.count()).toBe(1);
            expect(await fresh.store.audit.verify()).toEqual({ ok: true, checked: 1 });
          } finally {
            await other.close();
            await fresh.close();
          }
        },
      );

      it('uses the configured password and then returns no generated one', async () => {
        const fresh = await openTestStore(dialect);
        try {
          const r = await ensureAdmin(fresh.store, { password: 'configured-pass', scrypt: FAST });
          expect(r.generatedPassword).toBeUndefined();
          const creds = await fresh.store.users.getCredentials('admin');
          expect(await verifyPassword('configured-pass', creds!.passwordHash)).toBe(true);
        } finally {
          await fresh.close();
        }
      });
    });
  });
});

describe('openDatabase', () => {
  it('reports an unreachable PostgreSQL server as OPSDECK_E_DB_UNREACHABLE on ping', async () => {
    const handle = openDatabase('postgres://postgres@127.0.0.1:1/nothing', { poolSize: 1 });
    try {
      await expectCode(createStore(handle).ping(), 'OPSDECK_E_DB_UNREACHABLE');
    } finally {
      await handle.close();
    }
  });

  it('rejects a URL of an unsupported scheme with OPSDECK_E_CONFIG_INVALID', () => {
    expect(() => openDatabase('mysql://localhost/x')).toThrow(
      expect.objectContaining({ code: 'OPSDECK_E_CONFIG_INVALID' }) as Error,
    );
  });

  it('creates the SQLite file (and its directory) readable by the owner only, in WAL mode with foreign keys on', async () => {
    const db = await createTestDatabase('sqlite');
    const nested = `sqlite:${db.dir}/deeper/dir/opsdeck.db`;
    const handle = openDatabase(nested);
    try {
      const { statSync } = await import('node:fs');
      expect(statSync(`${db.dir}/deeper/dir/opsdeck.db`).mode & 0o777).toBe(0o600);
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(handle.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(handle.db);
      expect(fk.rows[0]?.foreign_keys).toBe(1);
      // 0: a statement waits for another connection's write lock by polling, in the driver
      // (test/ops-processor-thread.test.ts), not asleep in SQLite's busy handler.
      const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(handle.db);
      expect(busy.rows[0]?.timeout).toBe(0);
    } finally {
      await handle.close();
      await db.drop();
    }
  });
});
