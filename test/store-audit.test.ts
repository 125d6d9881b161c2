import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, openDatabase, type Store } from '../src/store/index.js';
import { openTestStore, testDialects, type TestStore } from './helpers/databases.js';

const targets = await testDialects();

async function appendN(store: Store, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await store.audit.append({
      actor: 'user:alice',
      action: 'user.update',
      target: `user:${i}`,
      summary: `change ${i}`,
      before: { role: 'viewer' },
      after: { role: 'engineer', n: i },
    });
  }
}

type Tamper = (store: Store) => Promise<void>;

const tampering: Array<{ what: string; tamper: Tamper; seq: number; reason: RegExp }> = [
  {
    what: "an UPDATE of a row's summary",
    tamper: async (s) => {
      await sql`update audit_log set summary = ${'nothing to see'} where seq = ${3}`.execute(s.db);
    },
    seq: 3,
    reason: /altered/,
  },
  {
    what: "an UPDATE of a row's after JSON",
    tamper: async (s) => {
      await sql`update audit_log set after = ${'{"role":"admin"}'} where seq = ${4}`.execute(s.db);
    },
    seq: 4,
    reason: /altered/,
  },
  {
    what: 'a DELETE of a row',
    tamper: async (s) => {
      await sql`delete from audit_log where seq = ${2}`.execute(s.db);
    },
    seq: 2,
    reason: /missing.*deleted/,
  },
  {
    what: 'a DELETE of the first row',
    tamper: async (s) => {
      await sql`delete from audit_log where seq = ${1}`.execute(s.db);
    },
    seq: 1,
    reason: /missing/,
  },
  {
    what: 'swapping the contents of two rows',
    tamper: async (s) => {
      const rows = await s.db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', 'in', [3, 4])
        .orderBy('seq')
        .execute();
      const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
      const { seq: _a, ...aFields } = a;
      const { seq: _b, ...bFields } = b;
      await s.db.updateTable('audit_log').set(bFields).where('seq', '=', 3).execute();
      await s.db.updateTable('audit_log').set(aFields).where('seq', '=', 4).execute();
    },
    seq: 3,
    reason: /prev_hash.*seq 2/,
  },
  {
    what: 'rewriting a row with a recomputed hash but the old prev_hash chain left behind',
    tamper: async (s) => {
      await sql`update audit_log set prev_hash = ${'f'.repeat(64)} where seq = ${5}`.execute(s.db);
    },
    seq: 5,
    reason: /prev_hash/,
  },
];

describe.each(targets)('the audit log on $dialect', ({ dialect, available }) => {
  describe.skipIf(!available)(`${dialect}`, () => {
    const open: TestStore[] = [];
    const fresh = async (): Promise<Store> => {
      const t = await openTestStore(dialect);
      open.push(t);
      return t.store;
    };
    afterEach(async () => {
      for (const t of open.splice(0)) await t.close();
    });

    it('appends entries with increasing seq chained by prev_hash, and verifies them', async () => {
      const store = await fresh();
      expect(await store.audit.verify()).toEqual({ ok: true, checked: 0 });
      await appendN(store, 6);
      const page = await store.audit.list({ limit: 50 });
      expect(page.entries.map((e) => e.seq)).toEqual([6, 5, 4, 3, 2, 1]);
      expect(page.entries[0]?.prevHash).toBe(page.entries[1]?.hash);
      expect(page.entries[5]?.prevHash).toBe('0'.repeat(64));
      expect(page.entries[0]?.after).toEqual({ role: 'engineer', n: 6 });
      expect(await store.audit.verify()).toEqual({ ok: true, checked: 6 });
    });

    it('pages newest first with nextBefore until the oldest entry', async () => {
      const store = await fresh();
      await appendN(store, 5);
      const p1 = await store.audit.list({ limit: 2 });
      expect(p1.entries.map((e) => e.seq)).toEqual([5, 4]);
      expect(p1.nextBefore).toBe(4);
      const p2 = await store.audit.list({ limit: 2, before: 4 });
      expect(p2.entries.map((e) => e.seq)).toEqual([3, 2]);
      const p3 = await store.audit.list({ limit: 2, before: 2 });
      expect(p3).toMatchObject({ nextBefore: null });
      expect(p3.entries.map((e) => e.seq)).toEqual([1]);
      expect((await store.audit.range(2, 2)).map((e) => e.seq)).toEqual([2, 3]);
    });

    it('never stores passwords, secrets or token strings in before/after', async () => {
      const store = await fresh();
      const entry = await store.audit.append({
        actor: 'cli:root',
        action: 'user.update',
        target: 'user:1',
        summary: 'password changed',
        before: { passwordHash: 'scrypt$1$2$3$salt$hash' },
        after: {
          password: 'hunter22',
          nested: { client_secret: 's3cr3t', keep: 'me' },
          note: `odk_${'a'.repeat(43)}`,
        },
      });
      expect(entry.before).toEqual({ passwordHash: '[redacted]' });
      expect(entry.after).toEqual({
        password: '[redacted]',
        nested: { client_secret: '[redacted]', keep: 'me' },
        note: '[redacted]',
      });
      const raw = JSON.stringify(await store.db.selectFrom('audit_log').selectAll().execute());
      expect(raw).not.toMatch(/hunter22|s3cr3t|scrypt\$|odk_a/);
    });

    it.each(tampering)('detects $what and names the first bad seq', async ({ tamper, seq, reason }) => {
      const store = await fresh();
      await appendN(store, 6);
      await tamper(store);
      const verdict = await store.audit.verify();
      expect(verdict.ok).toBe(false);
      expect(verdict.firstBad?.seq).toBe(seq);
      expect(verdict.firstBad?.reason).toMatch(reason);
      expect(verdict.checked).toBe(seq - 1);
    });

    // Two better-sqlite3 connections in one thread would deadlock (a blocked BEGIN IMMEDIATE
    // blocks the event loop the lock holder needs), so SQLite's concurrency test uses 2 processes.
    it.skipIf(dialect !== 'postgres')(
      'keeps a valid chain under 20 parallel appends from 2 connection pools',
      async () => {
        const store = await fresh();
        const url = open[open.length - 1]!.database.url;
        const h1 = openDatabase(url, { poolSize: 5 });
        const h2 = openDatabase(url, { poolSize: 5 });
        try {
          const s1 = createStore(h1);
          const s2 = createStore(h2);
          const appended = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              (i % 2 === 0 ? s1 : s2).audit.append({
                actor: `pool:${i % 2}`,
                action: 'test.append',
                target: `n:${i}`,
                summary: `parallel ${i}`,
              }),
            ),
          );
          expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
            Array.from({ length: 20 }, (_, i) => i + 1),
          );
          expect(await store.audit.verify()).toEqual({ ok: true, checked: 20 });
        } finally {
          await h1.close();
          await h2.close();
        }
      },
    );

    it.skipIf(dialect !== 'sqlite')(
      'keeps a valid chain when another process appends to the same file at the same time',
      async () => {
        const store = await fresh();
        const url = open[open.length - 1]!.database.url;
        const storeModule = new URL('../src/store/index.ts', import.meta.url).pathname;
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            '--input-type=module',
            '-e',
            `const { openDatabase, createStore } = await import(${JSON.stringify(storeModule)});
             const h = openDatabase(process.argv[1]); const s = createStore(h);
             process.stdout.write('ready\\n');
             await Promise.all(Array.from({ length: 25 }, (_, i) =>
               s.audit.append({ actor: 'child', action: 'test.append', target: 'n:' + i, summary: 'child ' + i })));
             await h.close();`,
            url,
          ],
          { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
        );
        const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        await Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            store.audit.append({
              actor: 'parent',
              action: 'test.append',
              target: `n:${i}`,
              summary: `parent ${i}`,
            }),
          ),
        );
        expect(await exited).toBe(0);
        expect(await store.audit.count()).toBe(50);
        expect(await store.audit.verify()).toEqual({ ok: true, checked: 50 });
      },
    );
  });
});
