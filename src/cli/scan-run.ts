/**
 * The work behind `opsdeck scan`: find root modules (or read a plan), evaluate, run the engine,
 * apply config and baseline, and build the report. The command in commands/scan.ts parses flags
 * and renders; this module holds no commander code so it can be called directly.
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { OpsdeckError } from '../core/errors.js';
import { nodeSourceReader } from '../iac/node-source-reader.js';
import type { IacResource } from '../iac/resource.js';
import {
  discoverRootModules,
  LoadCache,
  loadTerraform,
  readPlanJson,
  type SourceFileInfo,
} from '../iac/terraform/index.js';
import { baselineFingerprints, parseBaseline } from '../policy/baseline.js';
import { EMPTY_CONFIG, isExcluded, type ScanConfig } from '../policy/scan-config.js';
import { runEngine, selectRules, unknownSelectors, type EngineResult } from '../policy/engine.js';
import { buildReport, type ScanDiagnostic, type ScanReport } from '../policy/report/model.js';
import type { Rule, Severity } from '../policy/rule.js';
import { builtinRules } from '../policy/rules/index.js';

export interface ScanOptions {
  /** Directory to scan (absolute or relative to `cwd`). */
  dir: string;
  cwd: string;
  plan?: string;
  config?: string;
  vars: Record<string, string>;
  varFiles: string[];
  env: Record<string, string | undefined>;
  severityThreshold?: Severity;
  rules: string[];
  skipRules: string[];
  baseline?: string;
  /** Today's date, YYYY-MM-DD (suppression expiry). */
  today: string;
  onProgress?: (p: { roots: number; rootsDone: number; files: number; bytes: number }) => void;
  ruleSet?: readonly Rule[];
}

export interface ScanStats {
  files: number;
  bytes: number;
  parseMs: number;
  evalMs: number;
  rulesMs: number;
  totalMs: number;
  findings: number;
  maxRssMb: number;
}

export interface ScanOutcome {
  report: ScanReport;
  engine: EngineResult;
  stats: ScanStats;
  /** Absolute directory scanned (or the plan's directory). */
  root: string;
  /** True when nothing could be scanned because every input failed. */
  nothingScanned: boolean;
  /** Files read, for renderers that show source lines (absolute path -> text). */
  readSource(relFile: string): readonly string[] | undefined;
}

export function toolVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'opsdeck' && pkg.version) return pkg.version;
    } catch {
      // try the next location (source tree vs. built dist/)
    }
  }
  return '0.0.0';
}

function posixRel(cwd: string, file: string): string {
  if (!path.isAbsolute(file)) return file.replace(/\\/g, '/');
  const rel = path.relative(cwd, file);
  return (rel === '' ? '.' : rel).split(path.sep).join('/');
}

async function loadConfig(opts: ScanOptions, dir: string): Promise<{ config: ScanConfig; file?: string }> {
  const explicit = opts.config !== undefined ? path.resolve(opts.cwd, opts.config) : undefined;
  const candidates = explicit
    ? [explicit]
    : [path.join(dir, '.opsdeck.yaml'), path.join(dir, '.opsdeck.yml')];
  for (const file of candidates) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if (explicit) {
        throw new OpsdeckError(
          'OPSDECK_E_CONFIG_INVALID',
          `config file ${opts.config ?? file} cannot be read`,
          [{ path: file, message: e instanceof Error ? e.message : String(e) }],
        );
      }
      continue;
    }
    // Loaded only when there is a file: the schema library costs start-up time.
    const { parseConfig } = await import('../policy/config.js');
    return { config: parseConfig(text, posixRel(opts.cwd, file)), file };
  }
  return { config: EMPTY_CONFIG };
}

/**
 * Peak resident memory of this process in MB. Linux keeps getrusage's ru_maxrss across execve, so
 * a scan spawned by a large parent (a benchmark) would report the parent's peak; /proc's VmHWM
 * belongs to this process image alone.
 */
function peakRssMb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m?.[1] !== undefined) return Math.round(Number(m[1]) / 1024);
  } catch {
    // not Linux: fall back to getrusage
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export async function runScan(opts: ScanOptions): Promise<ScanOutcome> {
  const t0 = performance.now();
  const dir = path.resolve(opts.cwd, opts.dir);
  const planFile = opts.plan !== undefined ? path.resolve(opts.cwd, opts.plan) : undefined;
  const { config } = await loadConfig(opts, planFile ? opts.cwd : dir);
  const allRules = opts.ruleSet ?? builtinRules;

  const unknownCli = unknownSelectors(allRules, [...opts.rules, ...opts.skipRules]);
  if (unknownCli.length > 0) {
    throw new OpsdeckError(
      'OPSDECK_E_USAGE',
      `unknown rule id or family: ${unknownCli.join(', ')} (see \`opsdeck rules list\`)`,
      unknownCli.map((id) => ({ path: '--rule/--skip-rule', message: `no rule or family "${id}"` })),
    );
  }
  const unknownCfg = unknownSelectors(allRules, [
    ...config.enable,
    ...config.disable,
    ...Object.keys(config.severityOverrides),
  ]);
  if (unknownCfg.length > 0) {
    throw new OpsdeckError(
      'OPSDECK_E_CONFIG_INVALID',
      'configuration names rules that do not exist',
      unknownCfg.map((id) => ({ path: 'rules', message: `no rule or family "${id}"` })),
    );
  }

  let baseline: Set<string> | undefined;
  if (opts.baseline !== undefined) {
    const file = path.resolve(opts.cwd, opts.baseline);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new OpsdeckError('OPSDECK_E_USAGE', `baseline file ${opts.baseline} cannot be read`, [
        { path: opts.baseline, message: e instanceof Error ? e.message : String(e) },
      ]);
    }
    baseline = baselineFingerprints(parseBaseline(text, opts.baseline));
  }

  const diagnostics: ScanDiagnostic[] = [];
  const resources: IacResource[] = [];
  const scopes = new Map<IacResource, string>();
  const files = new Map<string, SourceFileInfo>();
  let parseMs = 0;
  let evalMs = 0;
  let nothingScanned = false;
  const cwd = opts.cwd;

  if (planFile) {
    let text: string;
    try {
      text = await readFile(planFile, 'utf8');
    } catch (e) {
      throw new OpsdeckError('OPSDECK_E_SCAN_FAILED', `plan file ${opts.plan ?? ''} cannot be read`, [
        { path: opts.plan ?? planFile, message: e instanceof Error ? e.message : String(e) },
      ]);
    }
    const p0 = performance.now();
    const plan = readPlanJson(text, planFile);
    parseMs = performance.now() - p0;
    resources.push(...plan.resources);
    for (const d of plan.diagnostics) {
      diagnostics.push({
        severity: d.severity,
        kind: 'plan',
        file: posixRel(cwd, d.range.file),
        line: d.range.start.line,
        column: d.range.start.column,
        message: `${d.summary}: ${d.detail}`,
      });
    }
    files.set(planFile, { path: planFile, bytes: Buffer.byteLength(text), comments: [] });
    nothingScanned = plan.resources.length === 0 && plan.diagnostics.some((d) => d.severity === 'error');
  } else {
    let st;
    try {
      st = await stat(dir);
    } catch (e) {
      throw new OpsdeckError('OPSDECK_E_SCAN_FAILED', `cannot read directory ${opts.dir}`, [
        { path: opts.dir, message: e instanceof Error ? e.message : String(e) },
      ]);
    }
    if (!st.isDirectory()) {
      throw new OpsdeckError('OPSDECK_E_SCAN_FAILED', `${opts.dir} is not a directory`, [
        { path: opts.dir, message: 'give a directory of Terraform files, or --plan for a plan JSON file' },
      ]);
    }
    const cache = new LoadCache();
    const d0 = performance.now();
    const discovered = await discoverRootModules(dir, nodeSourceReader, cache);
    // Discovery reads and parses every module directory once (cached for the loads below).
    parseMs += performance.now() - d0;
    const roots = discovered.filter((r) => !isExcluded(posixRel(dir, r), config.exclude) || r === dir);
    let done = 0;
    const unparsable = new Set<string>();
    for (const root of roots) {
      const result = await loadTerraform(root, {
        reader: nodeSourceReader,
        vars: opts.vars,
        varFiles: opts.varFiles.map((f) => path.resolve(opts.cwd, f)),
        env: opts.env,
        now: () => performance.now(),
        cache,
      });
      parseMs += result.stats.parseMs;
      evalMs += result.stats.evalMs;
      const scope = posixRel(dir, root);
      for (const f of result.files) {
        if (!files.has(f.path)) files.set(f.path, { path: f.path, bytes: f.bytes, comments: f.comments });
      }
      for (const d of result.diagnostics) {
        // With several root modules, a --var meant for one of them is not an error in the others.
        if (roots.length > 1 && d.summary === 'Value for undeclared variable') continue;
        if (d.severity === 'error' && d.phase === 'parse') unparsable.add(d.range.file);
        diagnostics.push({
          severity: d.severity,
          kind: d.phase,
          file: posixRel(cwd, d.range.file),
          line: d.range.start.line,
          column: d.range.start.column,
          message: `${d.summary}: ${d.detail}`,
        });
      }
      for (const r of result.resources) {
        if (isExcluded(posixRel(dir, r.range.file), config.exclude)) continue;
        resources.push(r);
        scopes.set(r, scope);
      }
      done++;
      opts.onProgress?.({
        roots: roots.length,
        rootsDone: done,
        files: files.size,
        bytes: [...files.values()].reduce((a, f) => a + f.bytes, 0),
      });
    }
    // Every file failed to parse: whatever was recovered is not a scan of the user's code.
    nothingScanned = files.size > 0 && [...files.keys()].every((f) => unparsable.has(f));
  }

  const selection = {
    enable: [...config.enable, ...opts.rules],
    disable: [...config.disable, ...opts.skipRules],
    severityOverrides: config.severityOverrides,
  };
  const threshold = opts.severityThreshold ?? config.severityThreshold ?? 'info';
  const r0 = performance.now();
  const engine = runEngine(resources, {
    rules: allRules,
    ...selection,
    tagPolicy: config.tagPolicy,
    severityThreshold: threshold,
    files: [...files.values()],
    ...(baseline ? { baseline, baselineSource: opts.baseline ?? 'baseline' } : {}),
    today: opts.today,
    scopeOf: (r) => scopes.get(r) ?? '',
  });
  const rulesMs = performance.now() - r0;

  for (const f of engine.findings) {
    f.file = posixRel(cwd, f.file);
    if (f.suppression && f.suppression.kind !== 'baseline')
      f.suppression.source = posixRel(cwd, f.suppression.source);
    if (f.note)
      f.note = f.note.replace(/at (\S+) expired/, (_m, s: string) => `at ${posixRel(cwd, s)} expired`);
  }
  for (const i of engine.inconclusive) i.file = posixRel(cwd, i.file);
  for (const w of engine.warnings) w.file = posixRel(cwd, w.file);

  const ran = selectRules(allRules, selection).map((r) => r.meta);
  const report = buildReport({
    version: toolVersion(),
    target: planFile ? (opts.plan ?? planFile) : opts.dir,
    severityThreshold: threshold,
    rules: ran,
    files: files.size,
    engine,
    diagnostics,
  });
  const bytes = [...files.values()].reduce((a, f) => a + f.bytes, 0);
  const sourceCache = new Map<string, readonly string[] | undefined>();
  return {
    report,
    engine,
    root: dir,
    nothingScanned,
    stats: {
      files: files.size,
      bytes,
      parseMs: Math.round(parseMs),
      evalMs: Math.round(evalMs),
      rulesMs: Math.round(rulesMs),
      totalMs: Math.round(performance.now() - t0),
      findings: engine.findings.length,
      maxRssMb: peakRssMb(),
    },
    readSource(relFile: string) {
      if (!sourceCache.has(relFile)) {
        try {
          sourceCache.set(relFile, readFileSync(path.resolve(cwd, relFile), 'utf8').split(/\r?\n/));
        } catch {
          sourceCache.set(relFile, undefined);
        }
      }
      return sourceCache.get(relFile);
    },
  };
}
