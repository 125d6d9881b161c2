import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { verifyPassword } from '../src/core/password.js';
import {
  MIGRATIONS,
  createStore,
  openDatabase,
  type DatabaseHandle,
  type Store,
} from '../src/store/index.js';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/databases.js';

const targets = await testDialects();

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      w.text += chunk.toString();
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

describe.each(targets)('admin commands on $dialect', ({ dialect, available }) => {
  describe.skipIf(!available)(`${dialect}`, () => {
    let database: TestDatabase;
    let handle: DatabaseHandle;
    let store: Store;
    let cwd: string;

    async function run(args: string[], stdin?: string): Promise<CliRun> {
      const stdout = sink();
      const stderr = sink();
      const code = await main(['node', 'opsdeck', ...args], {
        stdout,
        stderr,
        env: { OPSDECK_DATABASE_URL: database.url, USER: 'tester' },
        cwd,
        ...(stdin === undefined ? {} : { stdin: Readable.from([stdin]) }),
      });
      return { code, stdout: stdout.text, stderr: stderr.text };
    }

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      cwd = mkdtempSync(path.join(tmpdir(), 'opsdeck-cli-'));
      handle = openDatabase(database.url, { poolSize: 2 });
      store = createStore(handle);
    });
    afterAll(async () => {
      await handle?.close();
      await database?.drop();
      rmSync(cwd, { recursive: true, force: true });
    });

    it('refuse to work before the database is migrated, naming the pending migrations', async () => {
      const r = await run(['user', 'list']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('OPSDECK_E_DB_MIGRATION');
      expect(r.stderr).toContain('opsdeck db migrate');
      expect(r.stderr).toContain('0001-identity');
    });

    it('db migrate prints the migrations it applies, then reports the database up to date', async () => {
      expect((await run(['db', 'status'])).code).toBe(1);
      const first = await run(['db', 'migrate']);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      const names = Object.keys(MIGRATIONS);
      expect(names.slice(0, 2)).toEqual(['0001-identity', '0002-audit-log']);
      expect(first.stdout).toContain(names.map((n) => `applied ${n}\n`).join(''));
      const again = await run(['db', 'migrate']);
      expect(again.stdout).toBe(`database is up to date (${names.length} migrations applied)\n`);
      const status = await run(['db', 'status']);
      expect(status).toMatchObject({ code: 0, stdout: names.map((n) => `applied  ${n}\n`).join('') });
      expect((await store.audit.head())?.action).toBe('db.migrate');
    });

    it('user add prints a generated password once, and that password logs in', async () => {
      const r = await run(['user', 'add', 'alice', '--role', 'engineer']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^created user alice \(role engineer, id [0-9a-f-]{36}\)\n/);
      const password = /password \(shown once\): (\S+)\n/.exec(r.stdout)?.[1];
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      const creds = await store.users.getCredentials('alice');
      expect(creds?.role).toBe('engineer');
      expect(await verifyPassword(password!, creds!.passwordHash)).toBe(true);
      const head = await store.audit.head();
      expect(head).toMatchObject({ actor: 'cli:tester', action: 'user.create', target: `user:${creds!.id}` });
      expect(JSON.stringify(head)).not.toContain(password);
    });

    it('user add --password-stdin takes the password from standard input and prints none', async () => {
      const r = await run(['user', 'add', 'bob', '--role', 'viewer', '--password-stdin'], 'bob-password-1\n');
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('password');
      const creds = await store.users.getCredentials('bob');
      expect(await verifyPassword('bob-password-1', creds!.passwordHash)).toBe(true);
    });

    it.each([
      { args: ['user', 'add', 'alice', '--role', 'viewer'], code: 6, error: 'OPSDECK_E_CONFLICT' },
      { args: ['user', 'add', 'carol', '--role', 'boss'], code: 2, error: 'OPSDECK_E_USAGE' },
      { args: ['user', 'add', 'bad name!', '--role', 'viewer'], code: 2, error: 'Invalid username' },
      { args: ['user', 'disable', 'nobody'], code: 6, error: 'OPSDECK_E_NOT_FOUND' },
      { args: ['user', 'add', 'dave'], code: 2, error: "required option '--role <role>'" },
    ])('$args fails with exit $code ($error)', async ({ args, code, error }) => {
      const r = await run(args);
      expect(r.code).toBe(code);
      expect(r.stderr).toContain(error);
    });

    it('user add --password-stdin refuses a short password', async () => {
      const r = await run(['user', 'add', 'erin', '--role', 'viewer', '--password-stdin'], 'short\n');
      expect(r.code).toBe(2);
      expect(await store.users.getByUsername('erin')).toBeUndefined();
    });

    it('user list prints a table and --json the users', async () => {
      const table = await run(['user', 'list']);
      expect(table.stdout.split('\n')[0]).toMatch(/^USERNAME\s+ROLE\s+STATUS\s+CREATED\s+LAST LOGIN$/);
      expect(table.stdout).toMatch(/alice\s+engineer\s+active/);
      const json = JSON.parse((await run(['user', 'list', '--json'])).stdout) as {
        users: Array<{ username: string; role: string; disabled: boolean }>;
      };
      expect(json.users.map((u) => [u.username, u.role, u.disabled])).toEqual([
        ['alice', 'engineer', false],
        ['bob', 'viewer', false],
      ]);
    });

    it('user disable disables the user, ends their sessions and audits before/after', async () => {
      const bob = (await store.users.getByUsername('bob'))!;
      const { secret } = await store.sessions.create(bob.id, 3_600_000);
      const r = await run(['user', 'disable', 'bob']);
      expect(r).toMatchObject({ code: 0, stdout: 'disabled user bob\n' });
      expect((await store.users.getById(bob.id))?.disabled).toBe(true);
      expect(await store.sessions.findBySecret(secret)).toBeUndefined();
      expect(await store.audit.head()).toMatchObject({
        action: 'user.disable',
        before: { disabled: false },
        after: { disabled: true },
      });
      expect((await run(['user', 'enable', 'bob'])).code).toBe(0);
      expect((await store.users.getById(bob.id))?.disabled).toBe(false);
    });

    it('token create prints the secret once; it authenticates with exactly the given scopes; revoke ends it', async () => {
      const r = await run([
        'token',
        'create',
        '--user',
        'alice',
        '--name',
        'ci pipeline',
        '--scope',
        'guardrails:read',
        '--scope',
        'estate:read,estate:write',
        '--expires-in-days',
        '30',
      ]);
      expect(r.code).toBe(0);
      const secret = r.stdout.trim().split('\n').pop()!;
      expect(secret).toMatch(/^odk_[A-Za-z0-9_-]{43}$/);
      const found = await store.tokens.findBySecret(secret);
      expect(found?.user.username).toBe('alice');
      expect(found?.token.scopes).toEqual(['guardrails:read', 'estate:read', 'estate:write']);
      const days = (Date.parse(found!.token.expiresAt!) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThanOrEqual(30);
      const head = await store.audit.head();
      expect(head).toMatchObject({ action: 'token.create', actor: 'cli:tester' });
      expect(JSON.stringify(head)).not.toContain(secret);

      const list = await run(['token', 'list', '--user', 'alice']);
      expect(list.stdout).toContain(found!.token.id);
      expect(list.stdout).not.toContain(secret);

      const revoke = await run(['token', 'revoke', found!.token.id]);
      expect(revoke.code).toBe(0);
      expect(await store.tokens.findBySecret(secret)).toBeUndefined();
      expect((await store.audit.head())?.action).toBe('token.revoke');
    });

    it.each([
      { scope: 'users:write', why: 'does not grant: users:write' },
      { scope: 'estate:delete', why: 'Unknown permission(s): estate:delete' },
    ])('token create refuses scope $scope', async ({ scope, why }) => {
      const r = await run([
        'token',
        'create',
        '--user',
        'alice',
        '--name',
        'x',
        '--scope',
        scope,
        '--expires-in-days',
        '7',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(why);
    });

    it.each([['0'], ['366'], ['seven']])('token create refuses --expires-in-days %s', async (days) => {
      const r = await run([
        'token',
        'create',
        '--user',
        'alice',
        '--name',
        'x',
        '--scope',
        'estate:read',
        '--expires-in-days',
        days,
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('must be an integer 1-365');
    });

    it('token revoke of an unknown id exits 6', async () => {
      expect((await run(['token', 'revoke', 'no-such-id'])).code).toBe(6);
    });

    it.skipIf(dialect !== 'sqlite')(
      'db backup writes a consistent copy that opens and verifies, and never overwrites',
      async () => {
        const r = await run(['db', 'backup', 'backup.db']);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^backed up .*opsdeck\.db to .*backup\.db \(\d+ pages\)\n$/);
        const copy = openDatabase(`sqlite:${path.join(cwd, 'backup.db')}`);
        try {
          const restored = createStore(copy);
          expect(await restored.audit.verify()).toEqual(await store.audit.verify());
          expect((await restored.users.list()).map((u) => u.username)).toEqual(['alice', 'bob']);
        } finally {
          await copy.close();
        }
        const again = await run(['db', 'backup', 'backup.db']);
        expect(again.code).toBe(6);
        expect(again.stderr).toContain('already exists');
      },
    );

    it.skipIf(dialect !== 'postgres')('db backup points PostgreSQL users to pg_dump', async () => {
      const r = await run(['db', 'backup', 'backup.db']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('pg_dump');
    });

    it('audit verify reports the entry count, and after tampering exits 1 naming the first bad seq', async () => {
      const count = await store.audit.count();
      const ok = await run(['audit', 'verify']);
      expect(ok).toMatchObject({ code: 0, stdout: `audit log OK: ${count} entries\n` });
      await sql`update audit_log set summary = ${'rewritten'} where seq = ${2}`.execute(handle.db);
      const broken = await run(['audit', 'verify']);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain(
        'error OPSDECK_E_AUDIT_CHAIN_BROKEN: Audit log chain is broken at seq 2',
      );
      expect(broken.stderr).toContain('altered');
    });
  });
});
