/**
 * `npm run bench:estate`: a synthetic but realistic estate of 100,000 live resources (5 accounts x
 * 2 regions; instances, EBS volumes, snapshots, Elastic IPs as the AWS CLI prints them), Terraform
 * state covering about 70% of them (with drift and a few missing), CloudWatch get-metric-data
 * series for a quarter of them, and FOCUS cost rows. It times each stage of what `opsdeck estate
 * push` and the server do (import, JSON round trip + validation, analysis, database insert through
 * the estate store on SQLite and, when reachable, PostgreSQL), with wall and CPU time per stage.
 * As in real use, the CLI side (import + JSON.stringify) and the server side (JSON.parse +
 * validation, analysis, insert) are two processes: the body goes to a child process through a
 * file, and each process prints its own peak RSS (VmHWM).
 *
 * In the same run it inserts the same rows with a raw better-sqlite3 prepared statement in one
 * transaction (the floor) and prints our insert throughput as a ratio of it.
 *
 * Targets: import + analysis < 20 s, store insert >= 40% of the raw insert rate, peak RSS < 1 GB.
 * `BENCH_RESOURCES=20000 npm run bench:estate` runs a smaller estate.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { importFiles, type ImportInput } from '../src/estate/importers/index.js';
import { buildCatalog } from '../src/estate/pricing.js';
import type { Json, Snapshot } from '../src/estate/model.js';
import { DEFAULT_TAG_POLICY } from '../src/policy/tag-policy.js';
import { analyseSnapshot } from '../src/server/routes/estate/analyse.js';
import { ensureValidSnapshot } from '../src/server/routes/estate/validate-snapshot.js';
import { findingRow, resourceRow } from '../src/store/estate/records.js';
import { createStore, openDatabase } from '../src/store/index.js';
import { createTestDatabase, dialectAvailability } from '../test/helpers/databases.js';

const TOTAL = Number(process.env['BENCH_RESOURCES'] ?? 100_000);
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const TEAMS = [
  'payments',
  'search',
  'platform',
  'data',
  'ml',
  'web',
  'mobile',
  'identity',
  'ads',
  'infra',
  'sre',
  'growth',
];
const TYPES = [
  'm5.large',
  'm5.xlarge',
  't3.medium',
  'c5.2xlarge',
  'r5.large',
  'm5.2xlarge',
  't2.micro',
  'm4.large',
];
const NOW = new Date('2026-11-27T00:00:00Z');
const DAY = 86_400_000;

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same estate. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const iso = (ms: number) => new Date(ms).toISOString();

function tags(): Array<{ Key: string; Value: string }> {
  const t: Array<{ Key: string; Value: string }> = [
    { Key: 'Name', Value: `svc-${Math.floor(rand() * 5000)}` },
  ];
  if (rand() > 0.12) t.push({ Key: 'Owner', Value: pick(TEAMS) });
  if (rand() > 0.08) t.push({ Key: 'Environment', Value: pick(['prod', 'staging', 'dev']) });
  if (rand() > 0.5) t.push({ Key: 'CostCenter', Value: `cc-${Math.floor(rand() * 40)}` });
  return t;
}

interface Generated {
  inputs: ImportInput[];
  bytes: number;
  live: number;
}

/** The estate as the files the import reads: AWS CLI JSON, Terraform state v4, FOCUS CSV. */
function generate(): Generated {
  const inputs: ImportInput[] = [];
  const perCombo = Math.floor(TOTAL / (ACCOUNTS.length * REGIONS.length));
  const focus: string[] = [
    'BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ProviderName,ServiceName,BillingAccountId,SubAccountId,ResourceId,Tags',
  ];
  let seq = 0;
  let live = 0;
  for (const account of ACCOUNTS) {
    for (const region of REGIONS) {
      const nInst = Math.round(perCombo * 0.4);
      const nVol = Math.round(perCombo * 0.45);
      const nSnap = Math.round(perCombo * 0.1);
      const nEip = perCombo - nInst - nVol - nSnap;
      const az = `${region}a`;
      const instances = [];
      const stateResources: Array<{ type: string; name: string; instances: unknown[] }> = [];
      const stateOf = (type: string) => {
        let r = stateResources.find((x) => x.type === type);
        if (!r) {
          r = { type, name: 'fleet', instances: [] };
          stateResources.push(r);
        }
        return r.instances;
      };
      const instIds: string[] = [];
      for (let i = 0; i < nInst; i++) {
        const id = `i-${hex(seq++, 17)}`;
        instIds.push(id);
        const type = pick(TYPES);
        const stopped = rand() < 0.1;
        const t = tags();
        instances.push({
          InstanceId: id,
          InstanceType: type,
          ImageId: 'ami-0abcdef1234567890',
          LaunchTime: iso(NOW.getTime() - Math.floor(rand() * 700) * DAY),
          Placement: { AvailabilityZone: az, Tenancy: 'default' },
          State: { Code: stopped ? 80 : 16, Name: stopped ? 'stopped' : 'running' },
          StateTransitionReason: stopped
            ? `User initiated (2026-0${1 + Math.floor(rand() * 8)}-15 12:00:00 GMT)`
            : '',
          PrivateIpAddress: `10.${i % 250}.${Math.floor(i / 250) % 250}.${seq % 250}`,
          SubnetId: `subnet-${hex(i % 40, 8)}`,
          VpcId: 'vpc-0a1b2c3d',
          Tags: t,
        });
        if (rand() < 0.7) {
          const drift = rand() < 0.02;
          stateOf('aws_instance').push({
            index_key: id,
            schema_version: 1,
            attributes: {
              id,
              instance_type: drift ? 'm5.4xlarge' : type,
              tags: Object.fromEntries(t.map((x) => [x.Key, x.Value])),
            },
          });
        }
        if (rand() < 0.5) {
          focus.push(
            `${(20 + rand() * 300).toFixed(6)},${(18 + rand() * 280).toFixed(6)},USD,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,Usage,AWS,Amazon Elastic Compute Cloud,${ACCOUNTS[0]},${account},${id},"${JSON.stringify(Object.fromEntries(t.map((x) => [x.Key.toLowerCase(), x.Value]))).replace(/"/g, '""')}"`,
          );
        }
      }
      live += nInst;
      inputs.push({
        path: `${account}/${region}/ec2-describe-instances.json`,
        text: JSON.stringify({
          Reservations: [{ ReservationId: `r-${hex(seq, 17)}`, OwnerId: account, Instances: instances }],
        }),
      });

      const volumes = [];
      const volIds: string[] = [];
      for (let i = 0; i < nVol; i++) {
        const id = `vol-${hex(seq++, 17)}`;
        volIds.push(id);
        const size = pick([8, 20, 50, 100, 200, 500]);
        const vtype = rand() < 0.6 ? 'gp2' : 'gp3';
        const attached = rand() > 0.1;
        const t = tags();
        volumes.push({
          VolumeId: id,
          Size: size,
          VolumeType: vtype,
          Iops: vtype === 'gp3' ? 3000 : Math.max(100, size * 3),
          Encrypted: rand() > 0.2,
          AvailabilityZone: az,
          CreateTime: iso(NOW.getTime() - Math.floor(rand() * 700) * DAY),
          State: attached ? 'in-use' : 'available',
          Attachments: attached
            ? [
                {
                  VolumeId: id,
                  InstanceId: pick(instIds),
                  Device: '/dev/xvda',
                  State: 'attached',
                  DeleteOnTermination: true,
                },
              ]
            : [],
          Tags: t,
        });
        if (rand() < 0.7)
          stateOf('aws_ebs_volume').push({
            index_key: id,
            schema_version: 0,
            attributes: {
              id,
              size,
              type: vtype,
              encrypted: true,
              tags: Object.fromEntries(t.map((x) => [x.Key, x.Value])),
            },
          });
      }
      live += nVol;
      inputs.push({
        path: `${account}/${region}/ec2-describe-volumes.json`,
        text: JSON.stringify({ Volumes: volumes }),
      });

      const snapshots = [];
      for (let i = 0; i < nSnap; i++) {
        snapshots.push({
          SnapshotId: `snap-${hex(seq++, 17)}`,
          VolumeId: rand() < 0.8 ? pick(volIds) : `vol-${hex(9_000_000 + seq, 17)}`,
          VolumeSize: pick([8, 20, 50, 100]),
          StartTime: iso(NOW.getTime() - Math.floor(rand() * 400) * DAY),
          State: 'completed',
          OwnerId: account,
          Encrypted: true,
          Description: 'nightly backup',
          Tags: tags(),
        });
      }
      live += nSnap;
      inputs.push({
        path: `${account}/${region}/ec2-describe-snapshots.json`,
        text: JSON.stringify({ Snapshots: snapshots }),
      });

      const addresses = [];
      for (let i = 0; i < nEip; i++) {
        const id = `eipalloc-${hex(seq++, 17)}`;
        const associated = rand() > 0.2;
        const ip = `52.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}`;
        addresses.push({
          AllocationId: id,
          PublicIp: ip,
          Domain: 'vpc',
          ...(associated
            ? {
                AssociationId: `eipassoc-${hex(seq, 17)}`,
                InstanceId: pick(instIds),
                NetworkInterfaceOwnerId: account,
              }
            : {}),
          Tags: tags(),
        });
        if (rand() < 0.7)
          stateOf('aws_eip').push({
            index_key: id,
            schema_version: 0,
            attributes: { id, allocation_id: id, public_ip: ip },
          });
      }
      live += nEip;
      inputs.push({
        path: `${account}/${region}/ec2-describe-addresses.json`,
        text: JSON.stringify({ Addresses: addresses }),
      });

      // About 1% of state points at resources that no longer exist (missing).
      for (let i = 0; i < Math.round(perCombo * 0.01); i++)
        stateOf('aws_ebs_volume').push({
          index_key: `gone-${i}`,
          schema_version: 0,
          attributes: { id: `vol-${hex(8_000_000 + seq++, 17)}`, size: 10, type: 'gp3', encrypted: true },
        });
      inputs.push({
        path: `${account}/${region}/terraform.tfstate`,
        text: JSON.stringify({
          version: 4,
          terraform_version: '1.9.5',
          serial: 7,
          lineage: `lineage-${account}-${region}`,
          outputs: {},
          resources: stateResources.map((r) => ({
            mode: 'managed',
            type: r.type,
            name: r.name,
            provider: 'provider["registry.terraform.io/hashicorp/aws"]',
            instances: r.instances,
          })),
        }),
      });

      // CloudWatch get-metric-data: CPU and NetworkIn, 14 daily points, for a quarter of the estate; 500 queries per call.
      const watched = instIds.slice(0, Math.min(instIds.length, Math.round(perCombo * 0.25)));
      const days = Array.from({ length: 14 }, (_, d) => iso(NOW.getTime() - (14 - d) * DAY));
      for (let start = 0; start < watched.length; start += 250) {
        const results = [];
        for (const id of watched.slice(start, start + 250)) {
          const idle = rand() < 0.15;
          const base = idle ? 2 : 10 + rand() * 60;
          results.push(
            {
              Id: `c${results.length}`,
              Label: `${id} CPUUtilization`,
              Timestamps: days,
              Values: days.map(() => Math.round((base + rand() * 5) * 100) / 100),
              StatusCode: 'Complete',
            },
            {
              Id: `n${results.length}`,
              Label: `${id} NetworkIn`,
              Timestamps: days,
              Values: days.map(() => Math.round(idle ? rand() * 1e6 : 1e8 + rand() * 1e9)),
              StatusCode: 'Complete',
            },
          );
        }
        inputs.push({
          path: `${account}/${region}/cloudwatch-get-metric-data-${start / 250}.json`,
          text: JSON.stringify({ MetricDataResults: results, Messages: [] }),
        });
      }
      // Daily service totals for two months: month-over-month and anomaly detection.
      for (let d = 0; d < 60; d++)
        for (const svc of [
          'Amazon Elastic Compute Cloud',
          'Amazon Simple Storage Service',
          'Amazon Relational Database Service',
        ])
          focus.push(
            `${(100 + rand() * 20 + (d === 50 ? 400 : 0)).toFixed(6)},${(95 + rand() * 20).toFixed(6)},USD,${iso(NOW.getTime() - (60 - d) * DAY)},${iso(NOW.getTime() - (59 - d) * DAY)},Usage,AWS,${svc},${ACCOUNTS[0]},${account},,NULL`,
          );
    }
  }
  inputs.push({ path: 'billing/focus-2026-10.csv', text: `${focus.join('\n')}\n` });
  return { inputs, bytes: inputs.reduce((a, i) => a + Buffer.byteLength(i.text), 0), live };
}

function peakRssMb(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/**
 * A stage: label, wall ms, CPU ms (user + system, all threads). On a shared, loaded machine the
 * CPU time moves far less than the wall time: compare runs by it.
 */
type Timing = [string, number, number];

async function time<T>(label: string, fn: () => T | Promise<T>, timings: Timing[]): Promise<T> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  timings.push([label, ms, (cpu.user + cpu.system) / 1000]);
  console.log(
    `  ${label.padEnd(50)} ${(ms / 1000).toFixed(2).padStart(7)} s  cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2).padStart(6)} s  peak RSS ${peakRssMb().toFixed(0)} MB`,
  );
  return out;
}

function loadCatalog() {
  const dir = path.resolve(import.meta.dirname, '../../shared/data/prices');
  try {
    const docs = ['aws-ec2-ondemand-us-east-1.json', 'aws-storage-us-east-1.json'].map((f) => ({
      file: f,
      doc: JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Json,
    }));
    return buildCatalog(docs).catalog;
  } catch {
    console.log(`  (no price catalog at ${dir}: $ figures are n/a)`);
    return buildCatalog([]).catalog;
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:estate: ${TOTAL.toLocaleString('en-US')} live resources, ${ACCOUNTS.length} accounts x ${REGIONS.length} regions\n`,
  );
  const timings: Timing[] = [];
  const gen = await time('generate inputs (not counted)', generate, []);
  console.log(
    `    ${gen.inputs.length} files, ${(gen.bytes / 1e6).toFixed(1)} MB, ${gen.live} live resources`,
  );

  // Each stage drops what it no longer needs, as the CLI and the server (two processes) would.
  let snap: Snapshot | undefined = await time(
    'import: detect + parse + link (importFiles)',
    () => importFiles(gen.inputs, NOW.toISOString()),
    timings,
  );
  gen.inputs.length = 0;
  console.log(
    `    ${snap.resources.length} resources, ${snap.managed.length} state instances, ${snap.metrics.length} metric series, ${snap.costs.length} cost rows, ${snap.diagnostics.length} diagnostics`,
  );
  let body: string | undefined = await time(
    'push: JSON.stringify of the snapshot',
    () => JSON.stringify(snap),
    timings,
  );
  snap = undefined;
  console.log(`    ${(body.length / 1e6).toFixed(1)} MB of JSON`);
  const cliPeak = peakRssMb();
  console.log(`  CLI process peak RSS (VmHWM): ${cliPeak.toFixed(0)} MB`);

  // The server is another process (as `opsdeck estate push` and `opsdeck serve` are): the body
  // goes over a file instead of HTTP, and the server side runs in a child process with its own peak RSS.
  const work = mkdtempSync(path.join(tmpdir(), 'opsdeck-bench-estate-push-'));
  try {
    const bodyFile = path.join(work, 'body.json');
    const resultFile = path.join(work, 'result.json');
    writeFileSync(bodyFile, body);
    body = undefined;
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_SERVER_BODY: bodyFile, BENCH_SERVER_RESULT: resultFile },
    });
    if (child.status !== 0)
      throw new Error(`the server process failed (exit ${child.status ?? child.signal})`);
    const server = JSON.parse(readFileSync(resultFile, 'utf8')) as ServerResult;
    report([...timings, ...server.timings], server, cliPeak);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface ServerResult {
  timings: Timing[];
  rows: number;
  ourSqliteMs: number;
  ourSqliteCpuMs: number;
  rawMs: number;
  rawCpuMs: number;
  peak: number;
}

/** The server side of a push: parse + validate the body, analyse, store; then the raw floor and PostgreSQL. */
async function serverSide(bodyFile: string, resultFile: string): Promise<void> {
  const timings: Timing[] = [];
  let body: string | undefined = readFileSync(bodyFile, 'utf8');
  let received: Snapshot | undefined = await time(
    'server: JSON.parse + ensureValidSnapshot',
    () => {
      const text = body ?? '';
      body = undefined;
      return ensureValidSnapshot(JSON.parse(text));
    },
    timings,
  );
  const catalog = loadCatalog();
  const analysed = await time(
    'server: analysis (report + resource/finding rows)',
    () =>
      analyseSnapshot(
        received as Snapshot,
        { policy: DEFAULT_TAG_POLICY, catalog, ignore: [] },
        { importedBy: 'user:bench', source: 'bench' },
      ),
    timings,
  );
  received = undefined;
  const s = analysed.snapshot;
  console.log(
    `    coverage ${s.coverage.pct}% (managed ${s.coverage.managed}, unmanaged ${s.coverage.unmanaged}, missing ${s.coverage.missing}, drifted ${s.coverage.drifted}); tag compliance ${s.tags.compliancePct}%; ` +
      `waste ${s.waste.findings} findings $${s.waste.monthlySaving}/month; right-sizing ${s.rightsizing.findings}; cost ${s.cost?.total ?? 'n/a'}`,
  );
  const rows = analysed.resources.length + analysed.findings.length;

  const dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-bench-estate-'));
  let ourSqliteMs = 0;
  let ourSqliteCpuMs = 0;
  let rawMs = 0;
  let rawCpuMs = 0;
  try {
    const handle = openDatabase(`sqlite:${path.join(dir, 'ours.db')}`);
    const store = createStore(handle);
    await store.migrate();
    await time(
      `SQLite: store insert of ${rows} rows (1 transaction)`,
      async () => {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        await store.estate.snapshots.insert(analysed.snapshot, analysed.resources, analysed.findings);
        const c = process.cpuUsage(c0);
        ourSqliteMs = performance.now() - t0;
        ourSqliteCpuMs = (c.user + c.system) / 1000;
      },
      timings,
    );
    await handle.close();

    // The floor: the same rows (already mapped), one prepared INSERT per row, one transaction, same schema.
    const rawHandle = openDatabase(`sqlite:${path.join(dir, 'raw.db')}`);
    await createStore(rawHandle).migrate();
    await rawHandle.close();
    const raw = new BetterSqlite3(path.join(dir, 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    const snapId = 'raw-snapshot';
    const { snapshotRow } = await import('../src/store/estate/records.js');
    const srow = snapshotRow(snapId, NOW.toISOString(), analysed.snapshot);
    raw
      .prepare(
        `insert into estate_snapshots (${Object.keys(srow).join(',')}) values (${Object.keys(srow)
          .map(() => '?')
          .join(',')})`,
      )
      .run(...Object.values(srow));
    // Rows are mapped 1,000 at a time outside the timed part (mapping them all first would add a
    // full copy of the rows to the peak RSS); only the prepared statements' runs are timed.
    const rcols = Object.keys(analysed.resources[0] ? resourceRow(snapId, analysed.resources[0]) : {});
    const fcols = Object.keys(analysed.findings[0] ? findingRow('f', snapId, analysed.findings[0]) : {});
    const insR = raw.prepare(
      `insert into estate_resources (${rcols.join(',')}) values (${rcols.map(() => '?').join(',')})`,
    );
    const insF = raw.prepare(
      `insert into estate_findings (${fcols.join(',')}) values (${fcols.map(() => '?').join(',')})`,
    );
    const timed = (run: () => void) => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      run();
      const c = process.cpuUsage(c0);
      rawMs += performance.now() - t0;
      rawCpuMs += (c.user + c.system) / 1000;
    };
    raw.exec('begin');
    for (let i = 0; i < analysed.resources.length; i += 1000) {
      const chunk = analysed.resources
        .slice(i, i + 1000)
        .map((r): unknown[] => Object.values(resourceRow(snapId, r)));
      timed(() => {
        for (const values of chunk) insR.run(...values);
      });
    }
    for (let i = 0; i < analysed.findings.length; i += 1000) {
      const chunk = analysed.findings
        .slice(i, i + 1000)
        .map((f, j): unknown[] => Object.values(findingRow(`f-${i + j}`, snapId, f)));
      timed(() => {
        for (const values of chunk) insF.run(...values);
      });
    }
    timed(() => raw.exec('commit'));
    console.log(
      `  ${'raw better-sqlite3 prepared insert (floor)'.padEnd(50)} ${(rawMs / 1000).toFixed(2).padStart(7)} s  cpu ${(rawCpuMs / 1000).toFixed(2).padStart(6)} s  (rows mapped outside the timing; not counted)`,
    );
    raw.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const pg = await dialectAvailability('postgres').catch(() => ({ available: false }));
  if (pg.available) {
    const db = await createTestDatabase('postgres');
    const handle = openDatabase(db.url, { poolSize: 2 });
    try {
      const store = createStore(handle);
      await store.migrate();
      await time(
        `PostgreSQL: store insert of ${rows} rows`,
        () => store.estate.snapshots.insert(analysed.snapshot, analysed.resources, analysed.findings),
        [],
      );
    } finally {
      await handle.close();
      await db.drop();
    }
  } else console.log('  PostgreSQL: not reachable (set OPSDECK_TEST_PG_URL); skipped');

  const result: ServerResult = {
    timings,
    rows,
    ourSqliteMs,
    ourSqliteCpuMs,
    rawMs,
    rawCpuMs,
    peak: peakRssMb(),
  };
  writeFileSync(resultFile, JSON.stringify(result));
}

function report(timings: Timing[], r: ServerResult, cliPeak: number): void {
  const pipeline = timings.reduce((a, [, ms]) => a + ms, 0);
  const pipelineCpu = timings.reduce((a, [, , cpu]) => a + cpu, 0);
  const ratio = r.rawMs / r.ourSqliteMs;
  const cpuRatio = r.rawCpuMs / r.ourSqliteCpuMs;
  const peak = Math.max(cliPeak, r.peak);
  console.log('');
  console.log(
    `import + push round trip + analysis + SQLite insert: ${(pipeline / 1000).toFixed(2)} s (cpu ${(pipelineCpu / 1000).toFixed(2)} s) (target < 20 s) ${pipeline < 20_000 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `store insert: ${Math.round(r.rows / (r.ourSqliteMs / 1000)).toLocaleString('en-US')} rows/s; raw floor ${Math.round(r.rows / (r.rawMs / 1000)).toLocaleString('en-US')} rows/s; ratio ${(ratio * 100).toFixed(0)}% (by cpu time ${(cpuRatio * 100).toFixed(0)}%) (target >= 40%) ${ratio >= 0.4 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `peak RSS (VmHWM): CLI process ${cliPeak.toFixed(0)} MB, server process ${r.peak.toFixed(0)} MB (target < 1024 MB each) ${peak < 1024 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `load average during the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (wall times on a shared machine; cpu = user + system of the process)`,
  );
}

const serverBody = process.env['BENCH_SERVER_BODY'];
const serverResult = process.env['BENCH_SERVER_RESULT'];
if (serverBody && serverResult) await serverSide(serverBody, serverResult);
else await main();
