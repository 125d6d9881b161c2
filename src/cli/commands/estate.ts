/**
 * `opsdeck estate import <paths...>`: read cloud exports, Terraform state and FOCUS CSV into a
 * dated snapshot JSON. `opsdeck estate report`: coverage, drift, tags, waste, right-sizing, cost
 * and certificates from a snapshot or from paths. `opsdeck estate push`: send a snapshot to a
 * server with an API token.
 *
 * Exit codes: 0 ok, 1 a --min-* threshold is not met, 2 usage or configuration error, 3 an input
 * could not be read (missing path, unreadable or invalid snapshot / price file) or the server
 * could not be reached, 4 the server refused the token.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { ERROR_CODES, OpsdeckError, type ErrorCode, type ErrorDetail } from '../../core/errors.js';
import { parseIgnore } from '../../estate/ignore.js';
import { importFiles } from '../../estate/importers/index.js';
import type { Snapshot } from '../../estate/model.js';
import {
  buildEstateReport,
  renderEstateCsv,
  renderEstateJson,
  renderEstateMarkdown,
  renderEstateText,
  type EstateReport,
} from '../../estate/report.js';
import { DEFAULT_WASTE_OPTIONS } from '../../estate/waste.js';
import { parseConfig } from '../../policy/config.js';
import type { TagPolicy } from '../../policy/rule.js';
import { DEFAULT_TAG_POLICY } from '../../policy/tag-policy.js';
import type { CliContext } from '../cli-context.js';
import { loadCatalog, readInputs } from '../estate-input.js';

export const ESTATE_FORMATS = ['text', 'json', 'csv', 'markdown'] as const;
type EstateFormat = (typeof ESTATE_FORMATS)[number];

function usage(message: string, where: string): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_USAGE', message, [{ path: where, message }]);
}

function parseNow(value: string | undefined, env: NodeJS.ProcessEnv): Date {
  const v = value ?? env['OPSDECK_NOW'];
  if (v === undefined) return new Date();
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw usage(`--now expects an ISO-8601 time, got "${v}"`, '--now');
  return new Date(t);
}

function parsePercent(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 100)
    throw usage(`${flag} expects a number from 0 to 100, got "${v}"`, flag);
  return n;
}

function parseDays(v: string | undefined, flag: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw usage(`${flag} expects a whole number of days, got "${v}"`, flag);
  return n;
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

function printDiagnostics(ctx: CliContext, snap: Snapshot): void {
  for (const d of snap.diagnostics) ctx.stderr.write(`${d.severity} ${d.file} ${d.path}: ${d.message}\n`);
}

interface ImportFlags {
  out?: string;
  now?: string;
}

async function importAction(ctx: CliContext, paths: string[], flags: ImportFlags): Promise<void> {
  const now = parseNow(flags.now, ctx.env);
  const inputs = await readInputs(paths, ctx.cwd);
  const snap = importFiles(inputs, now.toISOString());
  printDiagnostics(ctx, snap);
  const out = path.resolve(ctx.cwd, flags.out ?? `estate-snapshot-${stamp(now)}.json`);
  try {
    await writeFile(out, `${JSON.stringify(snap, null, 2)}\n`);
  } catch (e) {
    throw new OpsdeckError('OPSDECK_E_IO', `cannot write ${out}`, [
      { path: out, message: e instanceof Error ? e.message : String(e) },
    ]);
  }
  const kinds = new Map<string, number>();
  for (const f of snap.files) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  ctx.stdout.write(
    `imported ${snap.files.length} files (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}): ` +
      `${snap.resources.length} live resources, ${snap.managed.length} state instances, ${snap.metrics.length} metric series, ${snap.costs.length} cost rows; ` +
      `${snap.diagnostics.filter((d) => d.severity === 'error').length} errors, ${snap.diagnostics.filter((d) => d.severity === 'warning').length} warnings\n` +
      `snapshot written to ${path.relative(ctx.cwd, out) || out}\n`,
  );
}

interface ReportFlags {
  snapshot?: string;
  policy?: string;
  prices?: string;
  ignore?: string;
  format: EstateFormat;
  minTagCompliance?: string;
  minCoverage?: string;
  now?: string;
  snapshotMaxAgeDays?: string;
  stoppedDays?: string;
}

async function loadPolicy(ctx: CliContext, file: string | undefined): Promise<TagPolicy> {
  const candidates = file
    ? [path.resolve(ctx.cwd, file)]
    : [path.join(ctx.cwd, '.opsdeck.yaml'), path.join(ctx.cwd, '.opsdeck.yml')];
  for (const c of candidates) {
    let text: string;
    try {
      text = await readFile(c, 'utf8');
    } catch (e) {
      if (file)
        throw new OpsdeckError('OPSDECK_E_CONFIG_INVALID', `policy file ${file} cannot be read`, [
          { path: c, message: e instanceof Error ? e.message : String(e) },
        ]);
      continue;
    }
    return parseConfig(text, path.relative(ctx.cwd, c) || c).tagPolicy;
  }
  return DEFAULT_TAG_POLICY;
}

async function loadSnapshot(ctx: CliContext, file: string): Promise<Snapshot> {
  const abs = path.resolve(ctx.cwd, file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    throw new OpsdeckError('OPSDECK_E_IO', `cannot read snapshot ${file}`, [
      { path: file, message: e instanceof Error ? e.message : String(e) },
    ]);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new OpsdeckError('OPSDECK_E_IO', `snapshot ${file} is not valid JSON`, [
      { path: file, message: e instanceof Error ? e.message : String(e) },
    ]);
  }
  const o = doc as Partial<Snapshot> | null;
  if (!o || o.version !== 1 || !Array.isArray(o.resources) || !Array.isArray(o.managed)) {
    throw new OpsdeckError(
      'OPSDECK_E_IO',
      `${file} is not an estate snapshot (expected version 1 with resources and managed)`,
      [{ path: `${file}: $.version`, message: 'not an opsdeck estate snapshot' }],
    );
  }
  return {
    version: 1,
    takenAt: o.takenAt ?? '',
    resources: o.resources,
    managed: o.managed,
    scannedTypes: o.scannedTypes ?? [],
    metrics: o.metrics ?? [],
    costs: o.costs ?? [],
    diagnostics: o.diagnostics ?? [],
    files: o.files ?? [],
  };
}

export function renderEstate(format: EstateFormat, r: EstateReport): string {
  switch (format) {
    case 'json':
      return renderEstateJson(r);
    case 'csv':
      return renderEstateCsv(r);
    case 'markdown':
      return renderEstateMarkdown(r);
    default:
      return renderEstateText(r);
  }
}

async function reportAction(ctx: CliContext, paths: string[], flags: ReportFlags): Promise<void> {
  if (flags.snapshot && paths.length) throw usage('give either --snapshot or paths, not both', '--snapshot');
  if (!flags.snapshot && paths.length === 0)
    throw usage('give --snapshot <file> or paths to import', '<paths...>');
  const minTags = parsePercent(flags.minTagCompliance, '--min-tag-compliance');
  const minCoverage = parsePercent(flags.minCoverage, '--min-coverage');
  const now = parseNow(flags.now, ctx.env);
  const waste = {
    ...DEFAULT_WASTE_OPTIONS,
    snapshotMaxAgeDays: parseDays(
      flags.snapshotMaxAgeDays,
      '--snapshot-max-age-days',
      DEFAULT_WASTE_OPTIONS.snapshotMaxAgeDays,
    ),
    stoppedInstanceDays: parseDays(
      flags.stoppedDays,
      '--stopped-days',
      DEFAULT_WASTE_OPTIONS.stoppedInstanceDays,
    ),
  };
  const policy = await loadPolicy(ctx, flags.policy);
  let ignoreText = '';
  const ignoreFile = flags.ignore ?? '.driftignore';
  try {
    ignoreText = await readFile(path.resolve(ctx.cwd, ignoreFile), 'utf8');
  } catch (e) {
    if (flags.ignore)
      throw new OpsdeckError('OPSDECK_E_IO', `cannot read ignore file ${flags.ignore}`, [
        { path: flags.ignore, message: e instanceof Error ? e.message : String(e) },
      ]);
  }
  const snap = flags.snapshot
    ? await loadSnapshot(ctx, flags.snapshot)
    : importFiles(await readInputs(paths, ctx.cwd), now.toISOString());
  if (!flags.snapshot) printDiagnostics(ctx, snap);
  const { catalog, diagnostics: priceDiags } = await loadCatalog(flags.prices, ctx.cwd, ctx.env);
  for (const d of priceDiags) ctx.stderr.write(`${d.severity} ${d.file} ${d.path}: ${d.message}\n`);
  const report = buildEstateReport(snap, { policy, catalog, now, ignore: parseIgnore(ignoreText), waste });
  ctx.stdout.write(renderEstate(flags.format, report));
  const failures: string[] = [];
  if (minTags !== undefined && report.tags.compliancePct < minTags)
    failures.push(`tag compliance ${report.tags.compliancePct}% is below --min-tag-compliance ${minTags}%`);
  if (minCoverage !== undefined && (report.coverage.coveragePct ?? 0) < minCoverage)
    failures.push(
      `IaC coverage ${report.coverage.coveragePct ?? 'n/a'}% is below --min-coverage ${minCoverage}%`,
    );
  for (const f of failures) ctx.stderr.write(`threshold not met: ${f}\n`);
  ctx.exitCode = failures.length ? 1 : 0;
}

interface PushFlags {
  server: string;
  tokenEnv: string;
  snapshot?: string;
  source?: string;
  now?: string;
  minTagCompliance?: string;
  minCoverage?: string;
}

interface PushedSnapshot {
  id: string;
  takenAt: string;
  counts: { resources: number };
  coverage: { pct: number | null; managed: number; unmanaged: number; missing: number };
  tags: { compliancePct: number; nonCompliant: number };
  waste: { findings: number; monthlySaving: number };
  cost: { total: number; currency: string } | null;
}

const isErrorBody = (
  x: unknown,
): x is { error: { code: string; message: string; details?: ErrorDetail[] } } =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as { error?: { code?: unknown } }).error?.code === 'string';

/** The server's answer to a refused push, as the error the CLI reports (with a hint for the usual causes). */
function pushError(status: number, body: unknown, url: string, tokenEnv: string): OpsdeckError {
  const remote = isErrorBody(body) ? body.error : undefined;
  const details = remote?.details ?? [];
  const said = remote ? `${remote.code}: ${remote.message}` : `HTTP ${status}`;
  if (status === 401)
    return new OpsdeckError(
      'OPSDECK_E_UNAUTHENTICATED',
      `the server refused the token in ${tokenEnv} (${said})`,
      [
        {
          path: tokenEnv,
          message: 'unknown, revoked or expired token: create one with `opsdeck token create`',
        },
      ],
    );
  if (status === 403)
    return new OpsdeckError(
      'OPSDECK_E_FORBIDDEN',
      `the token in ${tokenEnv} may not push snapshots (${said})`,
      [
        {
          path: tokenEnv,
          message: 'needs the estate:write scope and a user role that has it (engineer or above)',
        },
      ],
    );
  if (status === 413)
    return new OpsdeckError(
      'OPSDECK_E_BODY_TOO_LARGE',
      `the snapshot is larger than the server accepts (${said})`,
      [{ path: url, message: 'the server takes up to 256 MiB per snapshot; split the import by account' }],
    );
  if (remote && remote.code in ERROR_CODES)
    return new OpsdeckError(
      remote.code as ErrorCode,
      `the server refused the snapshot: ${remote.message}`,
      details,
    );
  return new OpsdeckError('OPSDECK_E_SERVER_UNREACHABLE', `unexpected answer from ${url}: HTTP ${status}`, [
    { path: url, message: typeof body === 'string' ? body.slice(0, 200) : said },
  ]);
}

async function pushAction(ctx: CliContext, paths: string[], flags: PushFlags): Promise<void> {
  if (flags.snapshot && paths.length) throw usage('give either --snapshot or paths, not both', '--snapshot');
  if (!flags.snapshot && paths.length === 0)
    throw usage('give --snapshot <file> or paths to import', '<paths...>');
  const minTags = parsePercent(flags.minTagCompliance, '--min-tag-compliance');
  const minCoverage = parsePercent(flags.minCoverage, '--min-coverage');
  let base: URL;
  try {
    base = new URL(flags.server);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw usage(`--server expects the http(s) URL of an opsdeck server, got "${flags.server}"`, '--server');
  }
  const token = ctx.env[flags.tokenEnv];
  if (!token)
    throw usage(
      `set ${flags.tokenEnv} to an API token with the estate:write scope (opsdeck token create --user <you> --name push --scope estate:write --expires-in-days 90)`,
      '--token-env',
    );
  const snap = flags.snapshot
    ? await loadSnapshot(ctx, flags.snapshot)
    : importFiles(await readInputs(paths, ctx.cwd), parseNow(flags.now, ctx.env).toISOString());
  if (!flags.snapshot) printDiagnostics(ctx, snap);
  const url = new URL('api/estate/snapshots', base.href.endsWith('/') ? base.href : `${base.href}/`);
  if (flags.source) url.searchParams.set('source', flags.source);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(snap),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new OpsdeckError('OPSDECK_E_SERVER_UNREACHABLE', `cannot reach ${base.origin}`, [
      {
        path: url.href,
        message: cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e)),
      },
    ]);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: reported below with the start of the text.
  }
  if (res.status !== 201) throw pushError(res.status, body, url.href, flags.tokenEnv);
  const s = (body as { snapshot: PushedSnapshot }).snapshot;
  const pct = (n: number | null) => (n === null ? 'n/a' : `${n}%`);
  ctx.stdout.write(
    `pushed snapshot ${s.id} taken ${s.takenAt}: ${s.counts.resources} resources; ` +
      `IaC coverage ${pct(s.coverage.pct)} (managed ${s.coverage.managed}, unmanaged ${s.coverage.unmanaged}, missing ${s.coverage.missing}); ` +
      `tag compliance ${pct(s.tags.compliancePct)} (${s.tags.nonCompliant} non-compliant); ` +
      `waste ${s.waste.findings} findings, $${s.waste.monthlySaving.toFixed(2)}/month` +
      `${s.cost ? `; cost ${s.cost.total.toFixed(2)} ${s.cost.currency}` : ''}\n`,
  );
  const failures: string[] = [];
  if (minTags !== undefined && s.tags.compliancePct < minTags)
    failures.push(`tag compliance ${s.tags.compliancePct}% is below --min-tag-compliance ${minTags}%`);
  if (minCoverage !== undefined && (s.coverage.pct ?? 0) < minCoverage)
    failures.push(`IaC coverage ${pct(s.coverage.pct)} is below --min-coverage ${minCoverage}%`);
  for (const f of failures) ctx.stderr.write(`threshold not met: ${f}\n`);
  ctx.exitCode = failures.length ? 1 : 0;
}

export function registerEstate(program: Command, ctx: CliContext): void {
  const estate = program
    .command('estate')
    .description(
      'Estate hygiene: inventory, IaC coverage and drift, tags, waste, right-sizing, cost, certificates',
    );
  estate
    .command('import')
    .description(
      'Read cloud exports, Terraform state and FOCUS CSV (files or directories) into a dated snapshot JSON',
    )
    .argument('<paths...>', 'files or directories to import')
    .option('--out <file>', 'snapshot file to write (default: estate-snapshot-<UTC time>.json)')
    .option('--now <time>', 'the snapshot time (ISO-8601; default: now, or OPSDECK_NOW)')
    .action(async (paths: string[], flags: ImportFlags) => {
      await importAction(ctx, paths, flags);
    });
  estate
    .command('report')
    .description('Report on a snapshot (or on paths imported on the fly)')
    .argument('[paths...]', 'files or directories to import instead of --snapshot')
    .option('--snapshot <file>', 'snapshot written by `opsdeck estate import`')
    .option(
      '--policy <file>',
      'configuration with tag_policy (default: .opsdeck.yaml in the current directory)',
    )
    .option(
      '--prices <path>',
      'price directory or file (default: ../shared/data/prices beside the repository)',
    )
    .option('--ignore <file>', 'ignore list of type.id patterns (default: .driftignore if present)')
    .addOption(new Option('--format <format>', 'output format').choices(ESTATE_FORMATS).default('text'))
    .option('--min-tag-compliance <pct>', 'exit 1 when tag compliance by count is below this percentage')
    .option('--min-coverage <pct>', 'exit 1 when IaC coverage is below this percentage')
    .option(
      '--now <time>',
      'evaluate ages and look-back windows at this time (ISO-8601; default: now, or OPSDECK_NOW)',
    )
    .option(
      '--snapshot-max-age-days <n>',
      `report EBS snapshots older than this (default ${DEFAULT_WASTE_OPTIONS.snapshotMaxAgeDays})`,
    )
    .option(
      '--stopped-days <n>',
      `report volumes on instances stopped longer than this (default ${DEFAULT_WASTE_OPTIONS.stoppedInstanceDays})`,
    )
    .action(async (paths: string[], flags: ReportFlags) => {
      await reportAction(ctx, paths, flags);
    });
  estate
    .command('push')
    .description(
      'Send a snapshot (or paths imported on the fly) to an opsdeck server, which analyses and keeps it for trends',
    )
    .argument('[paths...]', 'files or directories to import instead of --snapshot')
    .requiredOption('--server <url>', 'URL of the opsdeck server (e.g. https://ops.example.com)')
    .option(
      '--token-env <name>',
      'environment variable holding an API token with estate:write',
      'OPSDECK_TOKEN',
    )
    .option('--snapshot <file>', 'snapshot written by `opsdeck estate import`')
    .option('--source <text>', 'where the snapshot comes from, shown in the history')
    .option('--now <time>', 'the snapshot time when importing paths (ISO-8601; default: now, or OPSDECK_NOW)')
    .option(
      '--min-tag-compliance <pct>',
      "exit 1 when the server's tag compliance figure is below this percentage",
    )
    .option('--min-coverage <pct>', "exit 1 when the server's IaC coverage figure is below this percentage")
    .action(async (paths: string[], flags: PushFlags) => {
      await pushAction(ctx, paths, flags);
    });
}
