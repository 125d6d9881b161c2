/**
 * `npm run bench:serve`: start-up time to ready, idle memory, and authenticated API throughput
 * against the unauthenticated /healthz baseline measured in the same run, on SQLite and (when
 * reachable) PostgreSQL. Spawns the built CLI (`node bin/opsdeck.js serve`); run
 * `npm run build:server` first.
 *
 * Targets: ready < 1 s, idle RSS < 150 MB, authenticated reads >= 50% of the /healthz rate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createTestDatabase, dialectAvailability, type TestDialect } from '../test/helpers/databases.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DURATION_S = Number(process.env['BENCH_DURATION'] ?? 5);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 10);
const ADMIN_PASSWORD = 'bench-admin-password-1';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

interface LoadResult {
  rps: number;
  p99: number;
  errors: number;
}

async function load(url: string, headers: Record<string, string> = {}): Promise<LoadResult> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
}

/** Time for `node bin/opsdeck.js --version`: the CLI's own boot, the floor under start-up. */
async function cliBootMs(): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/opsdeck.js'), '--version'], {
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
  return performance.now() - started;
}

interface DialectFigures {
  dialect: TestDialect;
  readyMs: number;
  idleRssMb: number;
  healthz: LoadResult;
  me: LoadResult;
  users: LoadResult;
  stopMs: number;
  exitCode: number | null;
}

async function measure(dialect: TestDialect): Promise<DialectFigures> {
  const database = await createTestDatabase(dialect);
  const port = await freePort();
  const dataDir = database.dir ?? mkdtempSync(path.join(tmpdir(), 'opsdeck-bench-'));
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPSDECK_DATA_DIR: dataDir,
    OPSDECK_DATABASE_URL: database.url,
    OPSDECK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    OPSDECK_LOG_LEVEL: 'info',
  };
  delete env['OPSDECK_CONFIG'];
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(root, 'bin/opsdeck.js'), 'serve', '--host', '127.0.0.1', '--port', String(port)],
    { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    let readyMs = NaN;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`opsdeck serve exited with ${child.exitCode}`);
      try {
        const res = await fetch(`${base}/readyz`);
        if (res.status === 200) {
          readyMs = performance.now() - started;
          break;
        }
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 30_000) throw new Error('not ready within 30 s');
      await sleep(5);
    }
    await sleep(1000);
    const idleRssMb = rssMb(child.pid!);

    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('opsdeck_session='))!
      .split(';')[0]!;
    const created = await fetch(`${base}/api/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: base },
      body: JSON.stringify({ name: 'bench', scopes: ['users:read', 'tokens:read'], expiresInDays: 1 }),
    });
    const { secret } = (await created.json()) as { secret: string };
    const auth = { authorization: `Bearer ${secret}` };

    // Warm-up, then the baseline and the authenticated reads back to back in the same process.
    await autocannon({ url: `${base}/healthz`, connections: CONNECTIONS, duration: 1 });
    const healthz = await load(`${base}/healthz`);
    const me = await load(`${base}/api/me`, auth);
    const users = await load(`${base}/api/users`, auth);

    const stopping = performance.now();
    child.kill('SIGTERM');
    const exitCode = await exited;
    return {
      dialect,
      readyMs,
      idleRssMb,
      healthz,
      me,
      users,
      stopMs: performance.now() - stopping,
      exitCode,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function row(cells: Array<string | number>, widths: number[]): string {
  return cells.map((c, i) => String(c).padEnd(widths[i] ?? 10)).join(' | ');
}

async function main(): Promise<void> {
  if (!existsSync(path.join(root, 'dist/cli/main.js'))) {
    console.error(
      'dist/ is missing: run `npm run build:server` first (the benchmark spawns bin/opsdeck.js).',
    );
    process.exitCode = 1;
    return;
  }
  const boot = await cliBootMs();
  const figures: DialectFigures[] = [];
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const availability = await dialectAvailability(dialect);
    if (!availability.available) {
      console.log(`${dialect}: skipped (${availability.reason})`);
      continue;
    }
    console.log(`${dialect}: measuring (${DURATION_S} s per case, ${CONNECTIONS} connections)...`);
    figures.push(await measure(dialect));
  }

  const w = [10, 22, 10, 12, 12, 10];
  console.log('\nopsdeck serve benchmark (node bin/opsdeck.js serve, log level info)\n');
  console.log(row(['database', 'measure', 'value', 'p99 ms', 'vs healthz', 'target'], w));
  console.log(w.map((n) => '-'.repeat(n)).join('-|-'));
  console.log(row(['-', 'CLI boot (--version)', `${boot.toFixed(0)} ms`, '', '', 'baseline'], w));
  let failed = false;
  for (const f of figures) {
    const mark = (ok: boolean) => {
      if (!ok) failed = true;
      return ok ? 'ok' : 'MISSED';
    };
    const ratioMe = f.me.rps / f.healthz.rps;
    const ratioUsers = f.users.rps / f.healthz.rps;
    console.log(
      row(
        [
          f.dialect,
          'start-up to ready',
          `${f.readyMs.toFixed(0)} ms`,
          '',
          '',
          `<1000 ${mark(f.readyMs < 1000)}`,
        ],
        w,
      ),
    );
    console.log(
      row(
        [f.dialect, 'idle RSS', `${f.idleRssMb.toFixed(1)} MB`, '', '', `<150 ${mark(f.idleRssMb < 150)}`],
        w,
      ),
    );
    console.log(
      row(
        [f.dialect, 'GET /healthz (base)', `${f.healthz.rps.toFixed(0)} rps`, f.healthz.p99, '1.00', ''],
        w,
      ),
    );
    console.log(
      row(
        [
          f.dialect,
          'GET /api/me (bearer)',
          `${f.me.rps.toFixed(0)} rps`,
          f.me.p99,
          ratioMe.toFixed(2),
          `>=0.5 ${mark(ratioMe >= 0.5)}`,
        ],
        w,
      ),
    );
    console.log(
      row(
        [
          f.dialect,
          'GET /api/users (bearer)',
          `${f.users.rps.toFixed(0)} rps`,
          f.users.p99,
          ratioUsers.toFixed(2),
          `>=0.5 ${mark(ratioUsers >= 0.5)}`,
        ],
        w,
      ),
    );
    console.log(
      row([f.dialect, 'SIGTERM to exit', `${f.stopMs.toFixed(0)} ms`, '', '', `exit ${f.exitCode}`], w),
    );
    const errors = f.healthz.errors + f.me.errors + f.users.errors;
    if (errors > 0) {
      failed = true;
      console.log(`${f.dialect}: ${errors} failed or non-2xx responses during load`);
    }
  }
  if (failed) console.log('\nat least one target was missed');
}

await main();
