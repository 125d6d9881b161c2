/**
 * `npm run bench:ingest-path`: what ingesting alerts costs one thread, without HTTP and without a
 * load generator sharing the CPU (bench:ingest measures the whole server against Alertmanager; on
 * a small shared machine its figures move by a third between runs, which hides changes of a few
 * microseconds per alert). The same Alertmanager webhook bodies bench:ingest sends, in groups of
 * 10 requests (what its 10 connections give the group commit), go through the path a request
 * takes after authentication: the source's normalizer (the 400 for a bad body), then
 * `ops.accept` (one inbox row per request, one transaction per group). Then the incident
 * processor works the inbox off (`processInbox`, as the server's processor thread does when
 * ingestion is idle: normalize again, record in ops_alerts, route, group, open incidents),
 * timed apart: it bounds how many alerts a second opsdeck can sustain, not accept.
 *
 * Baseline, in the same run: the floor of "a 2xx means committed", each body JSON-parsed and
 * inserted as one text row, one transaction per group (SQLite: in a file of its own, as ingestion
 * commits to the inbox file; PostgreSQL: in the same database). The ratio says how
 * many times that floor opsdeck's path costs.
 *
 * SQLite's WALs (database, inbox file, floor) are checkpointed every 5 groups outside the
 * timings (the server's checkpoint thread and incident processor do that work off the request
 * thread). PostgreSQL runs when OPSDECK_TEST_PG_URL (or
 * the default test URL) answers.
 *
 * Options: --dialects sqlite,postgres, --sizes 1,50 (alerts per request), --alerts <n> (per size
 * and dialect, default 100000).
 */
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { normalize } from '../src/ops/sources/alertmanager.js';
import { createStore, openDatabase, type DatabaseHandle } from '../src/store/index.js';
import { POSTGRES_PREPARED } from '../src/store/dialect.js';
import { systemClock } from '../src/core/clock.js';
import { processInbox } from '../src/server/ops/processor.js';
import type { AcceptInput } from '../src/store/ops/index.js';
import { createTestDatabase, dialectAvailability, type TestDialect } from '../test/helpers/databases.js';
import { nextAlerts, webhookBody } from './alert-load.js';

const { values: args } = parseArgs({
  options: {
    dialects: { type: 'string', default: 'sqlite,postgres' },
    sizes: { type: 'string', default: '1,50' },
    alerts: { type: 'string', default: '100000' },
  },
});
const DIALECTS = args.dialects.split(',').map((d) => d.trim()) as TestDialect[];
const SIZES = args.sizes.split(',').map((n) => Number(n.trim()));
const ALERTS = Number(args.alerts);
/** Requests per group commit: bench:ingest drives 10 connections, pipelining 1. */
const GROUP = 10;
/** Groups not timed at the start (JIT, page cache). */
const WARMUP = 0.1;

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface Timing {
  normalize: number;
  store: number;
  floor: number;
  alerts: number;
  /** The processor working off everything accepted (warm-up included). */
  process: number;
  processed: number;
}

/** SQLite: the database, the inbox file and the floor's file, checkpointed outside the timings. */
function checkpoint(handle: DatabaseHandle, files: readonly BetterSqlite3.Database[]): void {
  handle.sqlite?.prepare('pragma wal_checkpoint(TRUNCATE)').get();
  for (const f of files) f.pragma('wal_checkpoint(PASSIVE)'); // as the processor does after a prune
}

/**
 * The baseline: each body parsed and committed as one row, one transaction per group. On SQLite
 * in a file of its own on its own connection, as ops.accept commits to the inbox file.
 */
async function storeFloor(
  handle: DatabaseHandle,
  floorFile: BetterSqlite3.Database | undefined,
  bodies: readonly string[],
): Promise<void> {
  const parsed = bodies.map((b) => JSON.parse(b) as unknown);
  if (parsed.length === 0) return;
  if (floorFile) {
    floorFile.exec('begin immediate');
    const insert = floorFile.prepare('insert into bench_floor (body) values (?)');
    for (const b of bodies) insert.run(b);
    floorFile.exec('commit');
  } else {
    // As ops.accept does: one JSON parameter (pg escapes a text[] parameter slowly), a statement
    // prepared once per connection.
    await sql`${sql.raw(POSTGRES_PREPARED)}insert into bench_floor (body) select json_array_elements_text(${JSON.stringify(bodies)}::json)`.execute(
      handle.db,
    );
  }
}

async function timed(f: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await f();
  return performance.now() - start;
}

async function run(dialect: TestDialect, size: number): Promise<Timing> {
  const database = await createTestDatabase(dialect);
  const handle = openDatabase(database.url);
  let floorFile: BetterSqlite3.Database | undefined;
  const files: BetterSqlite3.Database[] = [];
  try {
    const store = createStore(handle);
    await store.migrate();
    if (dialect === 'sqlite') {
      floorFile = new BetterSqlite3(path.join(database.dir!, 'floor.db'));
      floorFile.pragma('journal_mode = WAL');
      floorFile.pragma('synchronous = NORMAL');
      floorFile.exec('create table bench_floor (id integer primary key, body text not null)');
      files.push(floorFile);
    } else {
      await sql`create table bench_floor (id bigserial primary key, body text not null)`.execute(handle.db);
    }
    const { integration } = await store.ops.integrations.create({
      name: 'bench',
      source: 'alertmanager',
      createdBy: 'bench',
    });
    const groups = Math.max(10, Math.ceil(ALERTS / (size * GROUP)));
    const t: Timing = { normalize: 0, store: 0, floor: 0, alerts: 0, process: 0, processed: 0 };
    for (let g = 0; g < groups; g++) {
      const bodies = Array.from({ length: GROUP }, () => {
        const { group, alerts } = nextAlerts(size);
        return webhookBody(group, alerts);
      });
      // The floor goes first in every other group, so neither always finds the other's pages.
      let floorMs = 0;
      if (g % 2 === 0) floorMs = await timed(() => storeFloor(handle, floorFile, bodies));
      const t0 = performance.now();
      const inputs = bodies.map((body): AcceptInput => {
        const r = normalize(body);
        if (!r.ok) throw new Error(r.error.message);
        return {
          integrationId: integration.id,
          receivedAt: new Date().toISOString(),
          source: 'alertmanager',
          body,
          count: r.value.alerts.length,
        };
      });
      const t1 = performance.now();
      await store.ops.accept(inputs);
      const t2 = performance.now();
      // The inbox file exists from the first accept (the processor's thread checkpoints it).
      if (g === 0 && handle.inboxFile) files.push(new BetterSqlite3(handle.inboxFile.file));
      if (g % 2 === 1) floorMs = await timed(() => storeFloor(handle, floorFile, bodies));
      if (g % 5 === 4) checkpoint(handle, files);
      if (g >= groups * WARMUP) {
        t.normalize += t1 - t0;
        t.store += t2 - t1;
        t.floor += floorMs;
        t.alerts += size * GROUP;
      }
    }
    checkpoint(handle, files);
    const p0 = performance.now();
    await processInbox({ store, clock: systemClock });
    t.process = performance.now() - p0;
    t.processed = groups * GROUP * size;
    if ((await store.ops.inbox.count()) !== 0) throw new Error('the processor left accepted requests behind');
    return t;
  } finally {
    for (const f of files) f.close();
    await handle.close();
    await database.drop();
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:ingest-path: node ${process.version}, ${availableParallelism()} CPUs, load average ` +
      `${loadavg()
        .map((l) => fmt(l, 1))
        .join(' ')}; ${fmt(ALERTS)} alerts per case, ${GROUP} requests per transaction`,
  );
  console.log(
    '  µs per alert on one thread: normalize + accept = the request path; floor = parse + commit the body',
  );
  for (const dialect of DIALECTS) {
    const available = await dialectAvailability(dialect);
    if (!available.available) {
      console.log(`${dialect}: skipped (${available.reason})`);
      continue;
    }
    for (const size of SIZES) {
      const t = await run(dialect, size);
      const us = (ms: number): number => (ms * 1000) / t.alerts;
      const opsdeck = us(t.normalize + t.store);
      console.log(
        `  ${dialect.padEnd(8)} ${String(size).padStart(2)} alert${size === 1 ? ' ' : 's'}/request: ` +
          `normalize ${fmt(us(t.normalize), 2)} + accept ${fmt(us(t.store), 2)} = ${fmt(opsdeck, 2)} µs ` +
          `(${fmt(1e6 / opsdeck)} alerts/s); floor ${fmt(us(t.floor), 2)} µs; ratio ${fmt(opsdeck / us(t.floor), 2)}x`,
      );
      const processUs = (t.process * 1000) / t.processed;
      console.log(
        `  ${''.padEnd(8)} ${''.padStart(2)}                then the processor: ${fmt(processUs, 2)} µs per alert ` +
          `(${fmt(1e6 / processUs)} alerts/s sustained on one thread)`,
      );
    }
  }
}

await main();
