/**
 * `npm run bench:ingest`: alert ingestion of opsdeck against Prometheus Alertmanager, on the same
 * machine, with the same load from one load generator (autocannon, pipelining 1, N connections):
 * single-alert requests and 50-alert batches. Alertmanager gets its ingestion API
 * (`POST /api/v2/alerts`); opsdeck gets what Alertmanager's webhook sends it (version 4 payload) on
 * `POST /api/ingest/alertmanager/:integrationId`. Every alert is unique (labels and fingerprint
 * vary), so deduplication does not make it trivial. Prints requests/s, alerts/s and p50/p99
 * latency of each and the ratio opsdeck/Alertmanager, the CPU time per alert of each server and
 * of the load generator (Linux /proc), how busy opsdeck's request thread was, how long it waited
 * for SQLite's write lock (its /metrics) and how idle the machine was, then counts the alerts in
 * opsdeck's database
 * ("accepted N, committed N": every 2xx'ed alert, recorded client-side, must be there, recorded in
 * ops_alerts or in a request body still in the inbox). Then it waits for the incident processor
 * to work the inbox off, prints how fast it did, and checks again that every accepted alert is in
 * ops_alerts. SQLite, then PostgreSQL (a fresh database on OPSDECK_TEST_PG_URL, skipped with a
 * note when unreachable).
 *
 * `npm run bench:ingest -- --kill`: opsdeck only, mixed single and batch requests; in the middle of
 * the load opsdeck is SIGKILLed and restarted on the same database and port, then every alert that
 * got a 2xx is looked up in the database. Prints the count lost and exits 1 when it is not 0.
 *
 * opsdeck runs as the built CLI (`node bin/opsdeck.js serve`, a child process, so the kill is
 * real): run `npm run build:server` first (the script checks). Alertmanager is Debian's
 * `prometheus-alertmanager` (test/helpers/alertmanager.ts).
 *
 * Options: --duration <s> (per measurement, default 10), --connections <n> (default 10),
 * --dialects sqlite,postgres, --sizes 1,50 (alerts per request of each measurement), --log-level <level> (opsdeck's, default info as in production),
 * --rounds <n> (Alertmanager then opsdeck n times per size, with the median ratio; default 1),
 * --cpu-prof <dir> (opsdeck runs with `node --cpu-prof`; open the .cpuprofile in Chrome DevTools).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createStore, openDatabase } from '../src/store/index.js';
import { alertmanagerBody, nextAlerts, webhookBody } from './alert-load.js';
import { alertmanagerAvailability, freePort, startAlertmanager } from '../test/helpers/alertmanager.js';
import {
  createTestDatabase,
  dialectAvailability,
  type TestDatabase,
  type TestDialect,
} from '../test/helpers/databases.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    kill: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
    /** Alerts per request of each measurement (default both: single alerts, then 50-alert batches). */
    sizes: { type: 'string', default: '1,50' },
    /**
     * Measurements of each size: Alertmanager then opsdeck, this many times in turn; the summary
     * gives each ratio and their median (the machine's speed drifts between measurements).
     */
    rounds: { type: 'string', default: '1' },
    'log-level': { type: 'string', default: 'info' },
    /** Directory: run opsdeck with `node --cpu-prof` writing .cpuprofile files there (on SIGTERM). */
    'cpu-prof': { type: 'string' },
  },
});
const DURATION_S = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const DIALECTS = args.dialects.split(',').map((d) => d.trim()) as TestDialect[];
const BATCH = 50;
const SIZES = args.sizes.split(',').map((n) => Number(n.trim()));
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 20) {
  console.error(`--rounds: expected a whole number from 1 to 20, got ${JSON.stringify(args.rounds)}`);
  process.exit(2);
}
const ADMIN_PASSWORD = 'bench-admin-password-1';
/** How long the bench waits for opsdeck's incident processor to drain the inbox after the load. */
const DRAIN_WAIT_MS = 300_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Load

/** CPU time spent during a measurement, in µs per alert accepted (Linux /proc; absent elsewhere). */
interface CpuFigures {
  /** The server process, all its threads. */
  server: number;
  /** PostgreSQL's server processes (opsdeck on PostgreSQL only). */
  database?: number;
  /** This process: the load generator. */
  loadgen: number;
  /** Share of the measurement the server's main thread (opsdeck: the request thread) was on a CPU. */
  mainThreadBusy: number;
  /** Share of the machine's CPU time that was idle during the measurement (/proc/stat). */
  machineIdle: number;
}

interface LockWaitCount {
  waits: number;
  seconds: number;
}

/**
 * opsdeck's waits for SQLite's write lock during a measurement (its /metrics; SQLite only): the
 * server's connection (requests wait with it), and the incident processor's thread.
 */
interface LockWaitFigures {
  server: LockWaitCount;
  processor?: LockWaitCount;
}

interface LoadFigures {
  cpu?: CpuFigures;
  lockWaits?: LockWaitFigures;
  requests: number;
  ok: number;
  rps: number;
  alertsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

type Target = 'alertmanager' | 'opsdeck';

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`), or null without /proc. */
const CLOCK_TICKS = ((): number | null => {
  if (!existsSync('/proc/self/stat')) return null;
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * User + system CPU time of a process and all its threads, in ms (/proc/<pid>/stat fields 14-15);
 * of one thread with `<pid>/task/<tid>`.
 */
function processCpuMs(pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After "pid (comm) ", fields start at 3 (state): utime is field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS!;
}

/**
 * CPU time of every PostgreSQL server process on this machine (the bench's database is local):
 * the backends serving opsdeck, the WAL writer, the checkpointer.
 */
function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += processCpuMs(pid);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** The machine's idle and total CPU time so far, in clock ticks (first line of /proc/stat). */
function machineTicks(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  return { idle: idle + iowait, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

/** Who is measured: the server's pid, and whether PostgreSQL's processes count. */
interface CpuTarget {
  pid: number;
  postgres: boolean;
}

interface CpuSnapshot {
  at: number;
  server: number;
  mainThread: number;
  database: number;
  loadgen: number;
  machine: { idle: number; total: number };
}

function cpuSnapshot(target: CpuTarget): CpuSnapshot | null {
  if (CLOCK_TICKS === null) return null;
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    server: processCpuMs(target.pid),
    mainThread: processCpuMs(`${target.pid}/task/${target.pid}`),
    database: target.postgres ? postgresCpuMs() : 0,
    loadgen: (own.user + own.system) / 1000,
    machine: machineTicks(),
  };
}

function cpuPerAlert(before: CpuSnapshot | null, target: CpuTarget, alerts: number): CpuFigures | undefined {
  const after = cpuSnapshot(target);
  if (!before || !after || alerts === 0) return undefined;
  const per = (ms: number): number => (ms * 1000) / alerts;
  const machineTotal = after.machine.total - before.machine.total;
  return {
    server: per(after.server - before.server),
    ...(target.postgres && { database: per(after.database - before.database) }),
    loadgen: per(after.loadgen - before.loadgen),
    mainThreadBusy: (after.mainThread - before.mainThread) / (after.at - before.at),
    machineIdle: machineTotal > 0 ? (after.machine.idle - before.machine.idle) / machineTotal : 0,
  };
}

/**
 * opsdeck's SQLite lock-wait counters from its /metrics (opsdeck_sqlite_lock_wait*), or undefined
 * where it has none (PostgreSQL).
 */
async function lockWaits(base: string, metricsToken: string): Promise<LockWaitFigures | undefined> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /metrics: ${res.status} ${text.slice(0, 200)}`);
  const count = (connection: string): LockWaitCount | undefined => {
    const value = (name: string): number | undefined => {
      const m = new RegExp(`^${name}\\{connection="${connection}"\\} (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) : undefined;
    };
    const waits = value('opsdeck_sqlite_lock_waits_total');
    const seconds = value('opsdeck_sqlite_lock_wait_seconds_total');
    return waits === undefined || seconds === undefined ? undefined : { waits, seconds };
  };
  const server = count('server');
  const processor = count('incident-processor');
  return server ? { server, ...(processor && { processor }) } : undefined;
}

/** autocannon's per-connection context: the fingerprints of the request in flight. */
interface PerConnection {
  fingerprints: string[];
}

/**
 * Drives `url` for `seconds` with requests of `sizes` alerts (cycled per connection). 2xx'ed
 * fingerprints are added to `accepted` (pipelining 1: the response on a connection answers the
 * request that connection's context last built).
 */
async function drive(
  target: Target,
  url: string,
  headers: Record<string, string>,
  sizes: number[],
  seconds: number,
  cpuTarget: CpuTarget,
  accepted?: Set<string>,
  readLockWaits?: () => Promise<LockWaitFigures | undefined>,
): Promise<LoadFigures> {
  let okAlerts = 0;
  const requests = sizes.map((size): autocannon.Request => ({
    method: 'POST',
    setupRequest: (req, context) => {
      const { group, alerts } = nextAlerts(size);
      (context as PerConnection).fingerprints = alerts.map((a) => a.fingerprint);
      const body = target === 'alertmanager' ? alertmanagerBody(alerts) : webhookBody(group, alerts);
      return { ...req, body };
    },
    onResponse: (status, _body, context) => {
      if (status < 200 || status >= 300) return;
      const fps = (context as PerConnection).fingerprints;
      okAlerts += fps.length;
      if (accepted) for (const fp of fps) accepted.add(fp);
    },
  }));
  const waitsBefore = await readLockWaits?.();
  const cpuBefore = cpuSnapshot(cpuTarget);
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    headers: { 'content-type': 'application/json', ...headers },
    requests,
  });
  const cpu = cpuPerAlert(cpuBefore, cpuTarget, okAlerts);
  const waitsAfter = await readLockWaits?.();
  const delta = (a: LockWaitCount, b: LockWaitCount): LockWaitCount => ({
    waits: b.waits - a.waits,
    seconds: b.seconds - a.seconds,
  });
  const lockWaitFigures: LockWaitFigures | undefined =
    waitsBefore && waitsAfter
      ? {
          server: delta(waitsBefore.server, waitsAfter.server),
          ...(waitsBefore.processor &&
            waitsAfter.processor && { processor: delta(waitsBefore.processor, waitsAfter.processor) }),
        }
      : undefined;
  return {
    ...(cpu && { cpu }),
    ...(lockWaitFigures && { lockWaits: lockWaitFigures }),
    requests: r.requests.total,
    ok: r['2xx'],
    rps: r['2xx'] / r.duration,
    alertsPerSec: okAlerts / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    seconds: r.duration,
  };
}

// ---------------------------------------------------------------------------------------------
// opsdeck as a child process

interface Opsdeck {
  base: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

async function spawnOpsdeck(database: TestDatabase, dataDir: string, port: number): Promise<Opsdeck> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPSDECK_DATA_DIR: dataDir,
    OPSDECK_DATABASE_URL: database.url,
    OPSDECK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    OPSDECK_LOG_LEVEL: args['log-level'],
  };
  delete env['OPSDECK_CONFIG'];
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] : []),
      path.join(root, 'bin/opsdeck.js'),
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`opsdeck serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error('opsdeck not ready within 30 s');
    }
    await sleep(20);
  }
  return { base, child, exited };
}

/** SIGTERM (graceful: lets the inbox processor finish its batch), SIGKILL after 10 s. */
async function stopOpsdeck(ops: Opsdeck): Promise<void> {
  if (ops.child.exitCode !== null || ops.child.signalCode !== null) return;
  ops.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    console.log(' opsdeck still stopping after 10 s: SIGKILL');
    ops.child.kill('SIGKILL');
  }, 10_000);
  await ops.exited;
  clearTimeout(timer);
}

/**
 * Logs in as admin and creates an Alertmanager integration and an API token that may only read
 * /metrics (least privilege for the bench's metric reads); returns the ingest URL and key, and the
 * token.
 */
async function createIntegration(
  base: string,
): Promise<{ id: string; url: string; key: string; metricsToken: string }> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  const cookie = login.headers
    .getSetCookie()
    .find((c) => c.startsWith('opsdeck_session='))!
    .split(';')[0]!;
  const res = await fetch(`${base}/api/integrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, cookie },
    body: JSON.stringify({ name: 'bench Alertmanager', source: 'alertmanager' }),
  });
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`POST /api/integrations: ${res.status} ${text}`);
  const body = JSON.parse(text) as { integration: { id: string; ingestUrl: string }; key: string };
  const token = await fetch(`${base}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, cookie },
    body: JSON.stringify({ name: 'bench metrics', scopes: ['metrics:read'], expiresInDays: 1 }),
  });
  const tokenText = await token.text();
  if (token.status !== 201) throw new Error(`POST /api/tokens: ${token.status} ${tokenText}`);
  const metricsToken = (JSON.parse(tokenText) as { secret: string }).secret;
  return { id: body.integration.id, url: body.integration.ingestUrl, key: body.key, metricsToken };
}

interface StoredCount {
  /** Accepted alerts found, in ops_alerts or in an inbox body. */
  stored: number;
  lost: string[];
  extra: number;
  /** Requests in the inbox, and the alerts they hold. */
  inbox: number;
  inboxAlerts: number;
}

/**
 * Looks every accepted fingerprint up in opsdeck's database: ops_alerts of the integration, and
 * (unless `recordedOnly`) the request bodies still in the inbox, which a 2xx also commits.
 */
async function verifyStored(
  database: TestDatabase,
  integrationId: string,
  accepted: Set<string>,
  recordedOnly = false,
): Promise<StoredCount> {
  const handle = openDatabase(database.url, { poolSize: 1 });
  try {
    // The processor moves alerts from the inbox to ops_alerts meanwhile (in one transaction):
    // reading ops_alerts first, an alert moved between the two reads was in neither. The inbox
    // first (the ops_inbox table, or SQLite's inbox file: a request is pruned from the file only
    // after it was processed), then ops_alerts, finds it in one of them (also under PostgreSQL's
    // READ COMMITTED, where each statement has its own snapshot).
    const inbox = (await createStore(handle).ops.inbox.take(Number.MAX_SAFE_INTEGER)).filter(
      (i) => i.integrationId === integrationId,
    );
    const rows = await handle.db
      .selectFrom('ops_alerts')
      .select('fingerprint')
      .where('integration_id', '=', integrationId)
      .execute();
    const stored = new Set(rows.map((r) => r.fingerprint));
    let inboxAlerts = 0;
    for (const r of inbox) {
      if (r.body === undefined) continue;
      const body = JSON.parse(r.body.text) as { alerts: { fingerprint: string }[] };
      inboxAlerts += body.alerts.length;
      if (!recordedOnly) for (const a of body.alerts) stored.add(a.fingerprint);
    }
    const lost = [...accepted].filter((fp) => !stored.has(fp));
    return {
      stored: stored.size,
      lost,
      extra: stored.size - (accepted.size - lost.length),
      inbox: inbox.length,
      inboxAlerts,
    };
  } finally {
    await handle.close();
  }
}

async function inboxRequests(database: TestDatabase): Promise<number> {
  const handle = openDatabase(database.url, { poolSize: 1 });
  try {
    return await createStore(handle).ops.inbox.count();
  } finally {
    await handle.close();
  }
}

/** Waits for the processor to empty the inbox; prints how long it took. Returns the requests left. */
async function awaitDrain(database: TestDatabase, from: StoredCount): Promise<number> {
  if (from.inbox === 0) return 0;
  const started = Date.now();
  let backlog = from.inbox;
  while (backlog > 0 && Date.now() - started < DRAIN_WAIT_MS) {
    await sleep(500);
    backlog = await inboxRequests(database);
  }
  const s = (Date.now() - started) / 1000;
  console.log(
    backlog === 0
      ? ` processor worked off ${fmt(from.inbox)} requests (${fmt(from.inboxAlerts)} alerts) in ${fmt(s, 1)} s: ` +
          `${fmt(from.inboxAlerts / s)} alerts/s with ingestion idle`
      : ` processor backlog still ${fmt(backlog)} requests after ${DRAIN_WAIT_MS / 1000} s`,
  );
  return backlog;
}

// ---------------------------------------------------------------------------------------------
// Printing

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function row(label: string, f: LoadFigures): string {
  return (
    `  ${label.padEnd(34)} ${fmt(f.rps).padStart(8)} req/s ${fmt(f.alertsPerSec).padStart(9)} alerts/s` +
    `   p50 ${fmt(f.p50, 1).padStart(6)} ms  p99 ${fmt(f.p99, 1).padStart(6)} ms` +
    `   (${fmt(f.ok)} 2xx, ${f.non2xx} non-2xx, ${f.errors} errors)`
  );
}

/**
 * CPU per accepted alert of each server during its measurement: what the throughput ratio costs
 * on a machine the load generator shares (the opsdeck figure includes its incident processor and
 * checkpoint threads working during the load; PostgreSQL's processes are counted apart).
 */
function cpuComparison(
  am: CpuFigures | undefined,
  ops: CpuFigures | undefined,
  dialect: TestDialect,
): string {
  if (!am || !ops) return '';
  const us = (n: number): string => `${fmt(n, 1)} µs`;
  return (
    `  CPU per alert: Alertmanager ${us(am.server)}; opsdeck ${us(ops.server)}` +
    (ops.database !== undefined ? ` + PostgreSQL ${us(ops.database)}` : '') +
    ` (${dialect}); load generator ${us(am.loadgen)} and ${us(ops.loadgen)}`
  );
}

/**
 * Where opsdeck's time went during its measurement: how busy its request thread was (one thread
 * serves every request), how long that thread waited for SQLite's write lock (held by the incident
 * processor's thread), and how idle the machine was, against Alertmanager's measurement.
 */
function busyComparison(am: LoadFigures, ops: LoadFigures): string {
  if (!ops.cpu || !am.cpu) return '';
  const pct = (n: number): string => `${fmt(n * 100)}%`;
  const waited = (w: LockWaitCount): string =>
    `${fmt(w.seconds, 2)} s in ${fmt(w.waits)} waits (${pct(w.seconds / ops.seconds)} of the measurement)`;
  const waits = ops.lockWaits
    ? `, waited for SQLite's write lock ${waited(ops.lockWaits.server)}` +
      (ops.lockWaits.processor
        ? ` (the incident processor's thread: ${waited(ops.lockWaits.processor)})`
        : '')
    : '';
  return (
    `  opsdeck's request thread on a CPU ${pct(ops.cpu.mainThreadBusy)} of the measurement${waits}; ` +
    `machine idle ${pct(ops.cpu.machineIdle)} (during Alertmanager's: ${pct(am.cpu.machineIdle)})`
  );
}

// ---------------------------------------------------------------------------------------------

interface CaseResult {
  dialect: TestDialect;
  kind: string;
  am: LoadFigures;
  ops: LoadFigures;
}

async function benchDialect(dialect: TestDialect, results: CaseResult[]): Promise<number> {
  const database = await createTestDatabase(dialect);
  const dataDir = database.dir ?? mkdtempSync(path.join(tmpdir(), 'opsdeck-bench-'));
  const am = await startAlertmanager({
    groupBy: ['alertname', 'group'],
    groupWait: '30s',
    groupInterval: '5m',
  });
  let ops: Opsdeck | undefined;
  let lostTotal = 0;
  try {
    ops = await spawnOpsdeck(database, dataDir, await freePort());
    const integration = await createIntegration(ops.base);
    const opsBase = ops.base;
    const auth = { authorization: `Bearer ${integration.key}` };
    const accepted = new Set<string>();
    console.log(
      `\n${dialect}: opsdeck ${ops.base} (${database.url.replace(/:[^:@/]*@/, ':***@')}), Alertmanager ${am.url}`,
    );

    // Warm-up: JIT, connection pools, SQLite page cache (alerts counted like the others).
    const amCpu: CpuTarget = { pid: am.pid, postgres: false };
    const opsCpu: CpuTarget = { pid: ops.child.pid!, postgres: dialect === 'postgres' };
    await drive('alertmanager', `${am.url}/api/v2/alerts`, {}, [1, BATCH], 1, amCpu);
    await drive('opsdeck', integration.url, auth, [1, BATCH], 1, opsCpu, accepted);

    for (const [kind, size, round] of SIZES.flatMap((n) =>
      Array.from(
        { length: ROUNDS },
        (_, r) => [n === 1 ? 'single alert per request' : `${n}-alert batches`, n, r + 1] as const,
      ),
    )) {
      const amFigures = await drive('alertmanager', `${am.url}/api/v2/alerts`, {}, [size], DURATION_S, amCpu);
      const opsFigures = await drive(
        'opsdeck',
        integration.url,
        auth,
        [size],
        DURATION_S,
        opsCpu,
        accepted,
        () => lockWaits(opsBase, integration.metricsToken),
      );
      results.push({ dialect, kind, am: amFigures, ops: opsFigures });
      console.log(
        ` ${kind}, ${CONNECTIONS} connections, ${DURATION_S} s each${ROUNDS > 1 ? ` (round ${round} of ${ROUNDS})` : ''}:`,
      );
      console.log(row('Alertmanager POST /api/v2/alerts', amFigures));
      console.log(row(`opsdeck (${dialect}) ingest webhook`, opsFigures));
      console.log(
        `  ratio opsdeck/Alertmanager: alerts/s ${fmt(opsFigures.alertsPerSec / amFigures.alertsPerSec, 2)}` +
          `, p99 ${fmt(opsFigures.p99 / Math.max(amFigures.p99, 0.001), 2)}`,
      );
      const cpuLine = cpuComparison(amFigures.cpu, opsFigures.cpu, dialect);
      if (cpuLine) console.log(cpuLine);
      const busyLine = busyComparison(amFigures, opsFigures);
      if (busyLine) console.log(busyLine);
    }
    const count = await verifyStored(database, integration.id, accepted);
    lostTotal = count.lost.length;
    console.log(
      ` durability: accepted ${fmt(accepted.size)}, committed ${fmt(count.stored)}, lost ${count.lost.length}` +
        (count.extra > 0
          ? ` (${count.extra} committed whose 2xx the load generator never read: in flight at the end)`
          : '') +
        `; inbox ${fmt(count.inbox)} requests (${fmt(count.inboxAlerts)} alerts) awaiting the incident processor`,
    );
    if ((await awaitDrain(database, count)) === 0) {
      const recorded = await verifyStored(database, integration.id, accepted, true);
      console.log(
        ` after processing: ${fmt(recorded.stored)} alerts in ops_alerts, ${recorded.lost.length} accepted missing`,
      );
      lostTotal = Math.max(lostTotal, recorded.lost.length);
    }
  } finally {
    if (ops) await stopOpsdeck(ops);
    await am.stop();
    await database.drop();
    if (!database.dir) rmSync(dataDir, { recursive: true, force: true });
  }
  return lostTotal;
}

// ---------------------------------------------------------------------------------------------
// --kill: a load generator that survives the server going away (autocannon reconnects in a tight
// loop while the port is closed, starving the restart on a small machine): CONNECTIONS workers,
// each one request at a time over a keep-alive agent, 50 ms pause after a connection error.

interface KillLoad {
  ok: number;
  non2xx: number;
  errors: number;
  /** Alerts accepted (2xx) while no kill had happened yet. */
  acceptedBeforeKill: number;
  stop(): Promise<void>;
}

function startKillLoad(
  url: string,
  headers: Record<string, string>,
  sizes: number[],
  accepted: Set<string>,
  killed: () => boolean,
): KillLoad {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const target = new URL(url);
  let stopped = false;
  const figures = { ok: 0, non2xx: 0, errors: 0, acceptedBeforeKill: 0 };
  const post = (body: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: 'POST',
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          timeout: 10_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  const worker = async (w: number): Promise<void> => {
    for (let i = w; !stopped; i++) {
      const { group, alerts } = nextAlerts(sizes[i % sizes.length]!);
      try {
        const status = await post(webhookBody(group, alerts));
        if (status >= 200 && status < 300) {
          figures.ok++;
          for (const a of alerts) accepted.add(a.fingerprint);
          if (!killed()) figures.acceptedBeforeKill += alerts.length;
        } else {
          figures.non2xx++;
        }
      } catch {
        figures.errors++;
        await sleep(50);
      }
    }
  };
  const workers = Array.from({ length: CONNECTIONS }, (_, w) => worker(w));
  return Object.assign(figures, {
    async stop() {
      stopped = true;
      await Promise.all(workers);
      agent.destroy();
    },
  });
}

async function killDialect(dialect: TestDialect): Promise<number> {
  const database = await createTestDatabase(dialect);
  const dataDir = database.dir ?? mkdtempSync(path.join(tmpdir(), 'opsdeck-bench-'));
  const port = await freePort();
  let ops: Opsdeck | undefined;
  try {
    ops = await spawnOpsdeck(database, dataDir, port);
    const integration = await createIntegration(ops.base);
    const auth = { authorization: `Bearer ${integration.key}` };
    const accepted = new Set<string>();
    const seconds = Math.max(DURATION_S, 6);
    console.log(
      `\n${dialect}: opsdeck ${ops.base}, ${CONNECTIONS} connections, single and ${BATCH}-alert requests alternating; ` +
        `SIGKILL after ${fmt(seconds / 3, 1)} s, restart, then ${fmt((seconds * 2) / 3, 1)} s more`,
    );
    let killed = false;
    const started = Date.now();
    const load = startKillLoad(integration.url, auth, [1, BATCH], accepted, () => killed);
    let afterRestart = 0;
    try {
      await sleep((seconds * 1000) / 3);
      killed = true;
      const killedAt = Date.now();
      ops.child.kill('SIGKILL');
      const code = await ops.exited;
      console.log(
        ` SIGKILL at ${fmt((killedAt - started) / 1000, 1)} s (exit ${code ?? 'by signal'}), ` +
          `${fmt(load.acceptedBeforeKill)} alerts accepted before it`,
      );
      ops = await spawnOpsdeck(database, dataDir, port);
      console.log(
        ` restarted on the same database and port, ready ${fmt(Date.now() - killedAt)} ms after the kill`,
      );
      const restartedWith = accepted.size;
      await sleep((seconds * 2000) / 3);
      afterRestart = accepted.size - restartedWith;
    } finally {
      await load.stop();
    }
    console.log(
      `  opsdeck across the kill: ${fmt(load.ok)} requests 2xx, ${load.non2xx} non-2xx, ` +
        `${fmt(load.errors)} connection errors/timeouts (the kill and the restart window)`,
    );
    const count = await verifyStored(database, integration.id, accepted);
    console.log(
      ` accepted ${fmt(accepted.size)} (${fmt(afterRestart)} after the restart), committed ${fmt(count.stored)}, ` +
        `lost ${count.lost.length}` +
        (count.extra > 0
          ? ` (${count.extra} committed whose 2xx never reached the client: in flight at the kill)`
          : '') +
        `; inbox ${fmt(count.inbox)} requests awaiting the restarted processor`,
    );
    if (count.lost.length > 0)
      console.log(`  lost fingerprints (first 10): ${count.lost.slice(0, 10).join(', ')}`);
    let lost = count.lost.length;
    if ((await awaitDrain(database, count)) === 0) {
      const recorded = await verifyStored(database, integration.id, accepted, true);
      console.log(
        ` after processing: ${fmt(recorded.stored)} alerts in ops_alerts, ${recorded.lost.length} accepted missing`,
      );
      lost = Math.max(lost, recorded.lost.length);
    }
    if (load.acceptedBeforeKill === 0 || afterRestart === 0) {
      console.log(' the load did not run on both sides of the kill: the measurement proves nothing');
      return lost + 1;
    }
    return lost;
  } finally {
    if (ops) await stopOpsdeck(ops);
    await database.drop();
    if (!database.dir) rmSync(dataDir, { recursive: true, force: true });
  }
}

function checkBuilt(): void {
  const cli = path.join(root, 'dist/cli/main.js');
  if (!existsSync(cli)) {
    console.error(
      'dist/ is missing: run `npm run build:server` first (the bench runs the built `opsdeck serve`).',
    );
    process.exit(2);
  }
  const routes = path.join(root, 'src/server/routes/ops');
  const built = path.join(root, 'dist/server/routes/ops');
  if (!existsSync(built) || statSync(routes).mtimeMs > statSync(built).mtimeMs + 1000) {
    console.warn(
      'warning: dist/ may be older than src/ (src/server/routes/ops changed): run `npm run build:server`.',
    );
  }
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  checkBuilt();
  const am = alertmanagerAvailability();
  if (!am.available && !args.kill) {
    console.error(am.reason);
    process.exit(2);
  }
  console.log(
    `bench:ingest${args.kill ? ' --kill' : ''}: node ${process.version}, ${CONNECTIONS} connections, pipelining 1, ` +
      `${DURATION_S} s per measurement, opsdeck log level ${args['log-level']}; ` +
      `load average before ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} CPUs`,
  );
  const results: CaseResult[] = [];
  let lost = 0;
  for (const dialect of DIALECTS) {
    const availability = await dialectAvailability(dialect);
    if (!availability.available) {
      console.log(`\n${dialect}: skipped (${availability.reason})`);
      continue;
    }
    lost += args.kill ? await killDialect(dialect) : await benchDialect(dialect, results);
  }
  if (results.length > 0) {
    console.log('\nsummary (alerts/s opsdeck / Alertmanager, p99 opsdeck):');
    for (const r of results) {
      console.log(
        `  ${r.dialect.padEnd(9)} ${r.kind.padEnd(26)} ${fmt(r.ops.alertsPerSec).padStart(8)} / ${fmt(r.am.alertsPerSec).padStart(8)}` +
          ` = ${fmt(r.ops.alertsPerSec / r.am.alertsPerSec, 2)}x   p99 ${fmt(r.ops.p99, 1)} ms`,
      );
    }
    if (ROUNDS > 1) {
      console.log(`
median of ${ROUNDS} rounds (ratio alerts/s, opsdeck p99):`);
      const cases = new Map<string, CaseResult[]>();
      for (const r of results)
        cases.set(`${r.dialect} ${r.kind}`, [...(cases.get(`${r.dialect} ${r.kind}`) ?? []), r]);
      for (const [name, rs] of cases) {
        const ratios = rs.map((r) => r.ops.alertsPerSec / r.am.alertsPerSec);
        console.log(
          `  ${name.padEnd(36)} ${fmt(median(ratios), 2)}x (${ratios.map((x) => fmt(x, 2)).join(', ')})` +
            `   p99 ${fmt(median(rs.map((r) => r.ops.p99)), 1)} ms`,
        );
      }
    }
  }
  console.log(
    `\nload average after ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`lost: ${lost}`);
  if (lost > 0) process.exit(1);
}

await main();
