import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { checkNode } from '../src/cli/admin-doctor-checks.js';
import { main } from '../src/cli/main.js';
import { MIGRATIONS } from '../src/store/index.js';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/databases.js';

const MIGRATION_NAMES = Object.keys(MIGRATIONS);

const targets = await testDialects();

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

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-doctor-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function doctor(cwd: string, env: Record<string, string>, args: string[] = []) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(['node', 'opsdeck', 'doctor', ...args], { stdout, stderr, env, cwd });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe.each(targets)('opsdeck doctor on $dialect', ({ dialect, available }) => {
  describe.skipIf(!available)(`${dialect}`, () => {
    async function database(): Promise<TestDatabase> {
      const db = await createTestDatabase(dialect);
      cleanup.push(() => db.drop());
      return db;
    }

    it('passes every check on a migrated database and exits 0', async () => {
      const db = await database();
      const cwd = tempDir();
      const env = { OPSDECK_DATABASE_URL: db.url };
      expect(
        (
          await main(['node', 'opsdeck', 'db', 'migrate'], { stdout: sink(), stderr: sink(), env, cwd })
        ).valueOf(),
      ).toBe(0);
      const r = await doctor(cwd, env);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^ok {4}node: v\d+\.\d+\.\d+ \(>= 20\.19 required\)$/m);
      expect(r.stdout).toMatch(/^ok {4}config: defaults and environment \(no opsdeck\.yaml\)$/m);
      expect(r.stdout).toMatch(/^ok {4}data dir: /m);
      expect(r.stdout).toMatch(new RegExp(`^ok {4}database: ${dialect} .* is reachable$`, 'm'));
      expect(r.stdout).toMatch(
        new RegExp(`^ok {4}migrations: ${MIGRATION_NAMES.length} applied, none pending$`, 'm'),
      );
      if (dialect === 'sqlite')
        expect(r.stdout).toMatch(
          /^ok {4}ingest inbox: .*opsdeck\.db\.inbox: 0 accepted request\(s\) not processed yet$/m,
        );
      else expect(r.stdout).not.toContain('ingest inbox');
      expect(r.stdout).toMatch(/doctor: all checks passed\n$/);
    });

    it.skipIf(dialect !== 'sqlite')(
      'fails when the ingest inbox file cannot be opened, and says how to fix it',
      async () => {
        const db = await database();
        const cwd = tempDir();
        const env = { OPSDECK_DATABASE_URL: db.url };
        await main(['node', 'opsdeck', 'db', 'migrate'], { stdout: sink(), stderr: sink(), env, cwd });
        // A directory where the file should be: it cannot be opened as a database, even by root.
        mkdirSync(`${db.url.slice('sqlite:'.length)}.inbox`);
        const r = await doctor(cwd, env);
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(
          /^FAIL {2}ingest inbox: Cannot open the ingest inbox file .*opsdeck\.db\.inbox$/m,
        );
        expect(r.stdout).toContain('readable and writable by the user opsdeck runs as');
      },
    );

    it('fails on pending migrations and says how to apply them', async () => {
      const db = await database();
      const r = await doctor(tempDir(), { OPSDECK_DATABASE_URL: db.url });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        `FAIL  migrations: ${MIGRATION_NAMES.length} pending: ${MIGRATION_NAMES.join(', ')} (0 applied)`,
      );
      expect(r.stdout).toContain('fix: run `opsdeck db migrate`');
      expect(r.stdout).toContain('doctor: 1 problem found');
    });
  });
});

describe('opsdeck doctor', () => {
  it('prints every configuration error and skips the checks that need a valid configuration', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'opsdeck.yaml'), 'port: 0\nsesion_ttl_hours: 3\n');
    const r = await doctor(cwd, { OPSDECK_LOG_LEVEL: 'loud' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL  config: Configuration is invalid: 3 problems');
    expect(r.stdout).toContain('opsdeck.yaml:1:7: port: must be an integer 1-65535');
    expect(r.stdout).toContain('opsdeck.yaml:2:1: sesion_ttl_hours: unknown key');
    expect(r.stdout).toContain('OPSDECK_LOG_LEVEL=loud: must be one of');
    expect(r.stdout).toContain('skip  data dir, database, migrations: configuration is invalid');
  });

  it('fails when PostgreSQL is unreachable and says what to check', async () => {
    const r = await doctor(tempDir(), { OPSDECK_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/opsdeck' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}database: postgres postgres:\/\/postgres@127\.0\.0\.1:1\/opsdeck: /m);
    expect(r.stdout).toContain('fix: start PostgreSQL');
  });

  it('fails when data_dir is a file, not a directory', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'not-a-dir'), '');
    const r = await doctor(cwd, {
      OPSDECK_DATA_DIR: 'not-a-dir',
      OPSDECK_DATABASE_URL: `sqlite:${path.join(cwd, 'db', 'o.db')}`,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL  data dir: ${path.join(cwd, 'not-a-dir')} is not a directory`);
  });

  it('fails when the TLS files cannot be read', async () => {
    const cwd = tempDir();
    const r = await doctor(cwd, { OPSDECK_TLS_CERT_FILE: 'cert.pem', OPSDECK_TLS_KEY_FILE: 'key.pem' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `FAIL  tls: cannot read ${path.join(cwd, 'cert.pem')}, ${path.join(cwd, 'key.pem')}`,
    );
  });

  it.each([
    ['20.19.0', true],
    ['20.20.2', true],
    ['22.1.0', true],
    ['20.18.3', false],
    ['18.20.0', false],
  ])('judges Node %s as supported: %s', (version, ok) => {
    expect(checkNode(version).ok).toBe(ok);
  });
});
