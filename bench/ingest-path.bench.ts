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
 * Baseline, in the same run on the same database: the floor of "a 2xx means committed", each
 * body JSON-parsed and inserted as one text row, one transaction per group. The ratio says how
 * many times that floor opsdeck's path costs.
 *
 * SQLite's WAL is checkpointed every 5 groups outside the timings (the server's checkpoint
 * thread does that work off the request thread). PostgreSQL runs when OPSDECK_TEST_PG_URL (or
 * the default test URL) answers.
 *
 * Options: --dialects sqlite,postgres, --sizes 1,50 (alerts per request), --alerts <n> (per size
 * and dialect, default 100000).
 */
import { availableParallelism, loadavg } from 'node:os';
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

function checkpoint(handle: DatabaseHandle): void {
  handle.sqlite?.prepare('pragma wal_checkpoint(TRUNCATE)').get();
}

/** The baseline: each body parsed and committed as one row, one transaction per group. */
async function storeFloor(handle: DatabaseHandle, bodies: readonly string[]): Promise<void> {
  const parsed = bodies.map((b) => JSON.parse(b) as unknown);
  if (parsed.length === 0) return;
  if (handle.dialect === 'sqlite') {
    // As ops.accept does: prepared statements on the connection inside a Kysely transaction.
    await handle.db.transaction().execute(() => {
      const insert = handle.sqlite!.prepare('insert into bench_floor (body) values (?)');
      for (const b of bodies) insert.run(b);
      return Promise.resolve();
    });
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
  try {
    const store = createStore(handle);
    await store.migrate();
    await sql`create table bench_floor (id ${sql.raw(dialect === 'sqlite' ? 'integer primary key' : 'bigserial primary key')}, body text not null)`.execute(
      handle.db,
    );
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
      if (g % 2 === 0) floorMs = await timed(() => storeFloor(handle, bodies));
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
      if (g % 2 === 1) floorMs = await timed(() => storeFloor(handle, bodies));
      if (g % 5 === 4) checkpoint(handle);
      if (g >= groups * WARMUP) {
        t.normalize += t1 - t0;
        t.store += t2 - t1;
        t.floor += floorMs;
        t.alerts += size * GROUP;
      }
    }
    checkpoint(handle);
    const p0 = performance.now();
    await processInbox({ store, clock: systemClock });
    t.process = performance.now() - p0;
    t.processed = groups * GROUP * size;
    if ((await store.ops.inbox.count()) !== 0) throw new Error('the processor left accepted requests behind');
    return t;
  } finally {
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
