/**
 * Scan benchmark: our HCL parser against tree-sitter-hcl and @cdktf/hcl2json on the same files
 * in the same run, then the full `opsdeck scan` CLI (wall time from process start).
 *
 *   npm run bench:scan [-- <dir>]      (default: the shared Terraform corpus, extracted to a temp dir)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hcl2jsonParser } from './parsers/hcl2json.js';
import { opsdeckParser } from './parsers/opsdeck.js';
import { loadTreeSitterHcl } from './parsers/tree-sitter-hcl.js';
import type { BenchParser } from './parsers/types.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const sharedData = process.env['OPSDECK_SHARED_DATA'] ?? path.resolve(repoRoot, '../shared/data');

interface Source {
  file: string;
  text: string;
  bytes: number;
}

function listTf(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) listTf(p, out);
    else if (name.endsWith('.tf')) out.push(p);
  }
  return out;
}

async function timeOnce(
  parser: BenchParser,
  sources: readonly Source[],
): Promise<{ ms: number; errors: number }> {
  let errors = 0;
  const t0 = performance.now();
  for (const s of sources) errors += await parser.parse(s.file, s.text);
  return { ms: performance.now() - t0, errors };
}

/** Best of `runs` timed runs after one warm-up run over the first files. */
async function best(
  parser: BenchParser,
  sources: readonly Source[],
  runs: number,
): Promise<{ ms: number; errors: number }> {
  await timeOnce(parser, sources.slice(0, 100));
  let bestMs = Infinity;
  let errors = 0;
  for (let r = 0; r < runs; r++) {
    const t = await timeOnce(parser, sources);
    if (t.ms < bestMs) bestMs = t.ms;
    errors = t.errors;
  }
  return { ms: bestMs, errors };
}

const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);
const fmt = (n: number, d = 1): string => n.toFixed(d);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

function ensureBuilt(): string | undefined {
  const main = path.join(repoRoot, 'dist/cli/main.js');
  const stale = !existsSync(main) || statSync(main).mtimeMs < newestMtime(path.join(repoRoot, 'src'));
  if (!stale) return undefined;
  console.log('dist/ is missing or older than src/: running npm run build:server ...');
  const r = spawnSync('npm', ['run', 'build:server'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-5).join('\n');
    if (!existsSync(main)) return `npm run build:server failed and dist/cli/main.js does not exist:\n${tail}`;
    console.log(
      `note: npm run build:server exited ${r.status} (type errors elsewhere?); using the emitted dist/.\n${tail}`,
    );
  }
  return undefined;
}

function scanCli(dir: string): void {
  console.log('\n== full CLI scan: node bin/opsdeck.js scan <dir> --format json --stats');
  const buildProblem = ensureBuilt();
  if (buildProblem !== undefined) {
    console.log(`scan step FAILED: ${buildProblem}`);
    return;
  }
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'bin/opsdeck.js'), 'scan', dir, '--format', 'json', '--stats'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    },
  );
  const wallMs = performance.now() - t0;
  const statsLine = (r.stderr ?? '')
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{') && l.includes('totalMs'));
  if (r.error !== undefined || statsLine === undefined) {
    const why =
      r.error?.message ??
      `exit ${r.status}, no --stats line on stderr: ${(r.stderr ?? '').trim().slice(-400)}`;
    console.log(`scan step FAILED: ${why}`);
    return;
  }
  const stats = JSON.parse(statsLine) as Record<string, number>;
  console.log(`exit code            ${r.status}`);
  console.log(`wall time            ${fmt(wallMs, 0)} ms (including node start-up)   target < 1500 ms`);
  console.log(
    `scan --stats         files ${stats['files']}, bytes ${stats['bytes']}, parse ${fmt(stats['parseMs'] ?? NaN, 0)} ms, eval ${fmt(stats['evalMs'] ?? NaN, 0)} ms, rules ${fmt(stats['rulesMs'] ?? NaN, 0)} ms, total ${fmt(stats['totalMs'] ?? NaN, 0)} ms`,
  );
  console.log(`findings             ${stats['findings']}`);
  console.log(`peak RSS             ${stats['maxRssMb']} MB`);
}

async function main(): Promise<void> {
  let dir = process.argv[2];
  let cleanup: string | undefined;
  if (dir === undefined) {
    const tarball = path.join(sharedData, 'terraform-corpus.tar.gz');
    if (!existsSync(tarball))
      throw new Error(`no directory given and ${tarball} not found (set OPSDECK_SHARED_DATA)`);
    dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-bench-scan-'));
    cleanup = dir;
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  }
  try {
    const sources: Source[] = listTf(dir).map((f) => {
      const text = readFileSync(f, 'utf8');
      return { file: path.relative(dir, f), text, bytes: Buffer.byteLength(text) };
    });
    const bytes = sources.reduce((n, s) => n + s.bytes, 0);
    console.log(`corpus               ${dir}`);
    console.log(`files                ${sources.length}`);
    console.log(`bytes                ${bytes} (${fmt(bytes / 1e6, 2)} MB)`);
    console.log(`node                 ${process.version}`);

    console.log('\n== parse throughput (best of N after warm-up, same process)');
    const ours = await best(opsdeckParser, sources, 7);
    const oursMbps = mbps(bytes, ours.ms);
    console.log(
      `${opsdeckParser.name.padEnd(20)} ${fmt(oursMbps)} MB/s  (${fmt(ours.ms, 0)} ms, best of 7; files with diagnostics: ${ours.errors}) [${opsdeckParser.how}]`,
    );

    const ts = loadTreeSitterHcl();
    if ('error' in ts) {
      console.log(`tree-sitter-hcl      not measured: the native binding failed to load: ${ts.error}`);
    } else {
      const t = await best(ts.parser, sources, 3);
      const m = mbps(bytes, t.ms);
      console.log(
        `${ts.parser.name.padEnd(20)} ${fmt(m)} MB/s  (${fmt(t.ms, 0)} ms, best of 3; trees with errors: ${t.errors}) [${ts.parser.how}]`,
      );
      console.log(`  ratio: opsdeck is ${fmt(oursMbps / m)}x tree-sitter-hcl   (target >= 15x)`);
    }

    const h = await best(hcl2jsonParser, sources, 3);
    const hm = mbps(bytes, h.ms);
    console.log(
      `${hcl2jsonParser.name.padEnd(20)} ${fmt(hm)} MB/s  (${fmt(h.ms, 0)} ms, best of 3; files rejected: ${h.errors}) [${hcl2jsonParser.how}]`,
    );
    console.log(`  ratio: opsdeck is ${fmt(oursMbps / hm)}x @cdktf/hcl2json`);

    console.log('\n== linearity (opsdeck parseHcl)');
    const half = sources.slice(0, Math.floor(sources.length / 2));
    const halfBytes = half.reduce((n, s) => n + s.bytes, 0);
    const halfT = await best(opsdeckParser, half, 7);
    const byteRatio = bytes / halfBytes;
    const timeRatio = ours.ms / halfT.ms;
    console.log(`first half           ${half.length} files, ${halfBytes} bytes, ${fmt(halfT.ms, 1)} ms`);
    console.log(`whole corpus         ${sources.length} files, ${bytes} bytes, ${fmt(ours.ms, 1)} ms`);
    console.log(
      `bytes ratio ${fmt(byteRatio, 2)}  time ratio ${fmt(timeRatio, 2)}  (linear when about equal)`,
    );

    scanCli(dir);
  } finally {
    if (cleanup !== undefined) rmSync(cleanup, { recursive: true, force: true });
  }
}

await main();
