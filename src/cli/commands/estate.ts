/**
 * `opsdeck estate import <paths...>`: read cloud exports, Terraform state and FOCUS CSV into a
 * dated snapshot JSON. `opsdeck estate report`: coverage, drift, tags, waste, right-sizing, cost
 * and certificates from a snapshot or from paths.
 *
 * Exit codes: 0 ok, 1 a --min-* threshold is not met, 2 usage or configuration error, 3 an input
 * could not be read (missing path, unreadable or invalid snapshot / price file).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { OpsdeckError } from '../../core/errors.js';
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
}
