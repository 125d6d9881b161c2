/**
 * `opsdeck scan [dir]`: scan Terraform (or a plan JSON) against the built-in rules, and
 * `opsdeck rules list`: list those rules.
 *
 * Exit codes: 0 no open findings at/above the threshold, 1 open findings at/above the threshold,
 * 2 usage or configuration error, 3 the scan could not run (unreadable directory or plan, every
 * root module failed to parse; with --strict also any parse/evaluation error). --soft-fail turns
 * 1 into 0 and keeps 2 and 3.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { OpsdeckError } from '../../core/errors.js';
import { createBaseline, DEFAULT_BASELINE_FILE, serializeBaseline } from '../../policy/baseline.js';
import { atOrAbove } from '../../policy/engine.js';
import { renderJson } from '../../policy/report/json.js';
import { renderJunit } from '../../policy/report/junit.js';
import { renderMarkdown } from '../../policy/report/markdown.js';
import type { ScanReport } from '../../policy/report/model.js';
import { renderSarif } from '../../policy/report/sarif.js';
import { renderText } from '../../policy/report/text.js';
import { SEVERITIES, type Severity } from '../../policy/rule.js';
import { builtinRules } from '../../policy/rules/index.js';
import type { CliContext } from '../cli-context.js';
import { runScan, type ScanOutcome } from '../scan-run.js';

export const FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown'] as const;
export type ReportFormat = (typeof FORMATS)[number];

interface ScanFlags {
  plan?: string;
  format: ReportFormat;
  outputFile: string[];
  config?: string;
  var: string[];
  varFile: string[];
  severityThreshold?: Severity;
  softFail?: boolean;
  strict?: boolean;
  createBaseline?: string | boolean;
  baseline?: string;
  rule: string[];
  skipRule: string[];
  stats?: boolean;
  progress: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function usage(message: string, where: string): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_USAGE', message, [{ path: where, message }]);
}

function parseVars(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (i <= 0) throw usage(`--var expects name=value, got "${kv}"`, '--var');
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

function parseOutputFiles(list: string[]): Array<{ format: ReportFormat; file: string }> {
  return list.map((spec) => {
    const i = spec.indexOf('=');
    const format = spec.slice(0, Math.max(0, i));
    if (i <= 0 || !(FORMATS as readonly string[]).includes(format) || spec.length === i + 1) {
      throw usage(
        `--output-file expects format=path with format one of ${FORMATS.join(', ')}, got "${spec}"`,
        '--output-file',
      );
    }
    return { format: format as ReportFormat, file: spec.slice(i + 1) };
  });
}

export function render(format: ReportFormat, outcome: ScanOutcome, color: boolean): string {
  const report: ScanReport = outcome.report;
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report);
    case 'junit':
      return renderJunit(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'text':
      return renderText(report, {
        color,
        sourceLines: (f) => outcome.readSource(f),
        durationMs: outcome.stats.totalMs,
      });
  }
}

async function scanAction(ctx: CliContext, dirArg: string | undefined, flags: ScanFlags): Promise<void> {
  const outputs = parseOutputFiles(flags.outputFile);
  const vars = parseVars(flags.var);
  if (flags.plan !== undefined && dirArg !== undefined) {
    throw usage('give either a directory or --plan, not both', '--plan');
  }
  const interactive = ctx.stderr.isTTY === true && ctx.env['CI'] !== 'true' && flags.progress;
  let lastDraw = 0;
  const started = performance.now();
  const outcome = await runScan({
    dir: dirArg ?? '.',
    cwd: ctx.cwd,
    ...(flags.plan !== undefined ? { plan: flags.plan } : {}),
    ...(flags.config !== undefined ? { config: flags.config } : {}),
    vars,
    varFiles: flags.varFile,
    env: ctx.env,
    ...(flags.severityThreshold !== undefined ? { severityThreshold: flags.severityThreshold } : {}),
    rules: flags.rule,
    skipRules: flags.skipRule,
    ...(flags.baseline !== undefined ? { baseline: flags.baseline } : {}),
    today: new Date().toISOString().slice(0, 10),
    ...(interactive
      ? {
          onProgress: (p: { roots: number; rootsDone: number; files: number }) => {
            const t = performance.now();
            if (t - lastDraw < 100 && p.rootsDone < p.roots) return;
            lastDraw = t;
            const rate = p.files / Math.max(0.001, (t - started) / 1000);
            ctx.stderr.write(
              `\r\u001b[2Kscanning: ${p.rootsDone}/${p.roots} root modules, ${p.files} files (${rate.toFixed(0)} files/s)`,
            );
          },
        }
      : {}),
  });
  if (interactive) ctx.stderr.write('\r\u001b[2K');
  if (outcome.report.summary.files === 0) {
    ctx.stderr.write(`warning: no Terraform files (.tf, .tf.json) found under ${dirArg ?? '.'}\n`);
  }

  const color = ctx.stdout.isTTY === true && ctx.env['NO_COLOR'] === undefined;
  ctx.stdout.write(render(flags.format, outcome, color));
  for (const o of outputs) {
    const file = path.resolve(ctx.cwd, o.file);
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, render(o.format, outcome, false));
    } catch (e) {
      throw new OpsdeckError('OPSDECK_E_IO', `cannot write ${o.file}`, [
        { path: o.file, message: e instanceof Error ? e.message : String(e) },
      ]);
    }
  }

  if (flags.createBaseline !== undefined && flags.createBaseline !== false) {
    const target =
      typeof flags.createBaseline === 'string'
        ? path.resolve(ctx.cwd, flags.createBaseline)
        : path.join(flags.plan !== undefined ? ctx.cwd : outcome.root, DEFAULT_BASELINE_FILE);
    const baseline = createBaseline(outcome.report.findings);
    try {
      await writeFile(target, serializeBaseline(baseline));
    } catch (e) {
      throw new OpsdeckError('OPSDECK_E_IO', `cannot write baseline ${target}`, [
        { path: target, message: e instanceof Error ? e.message : String(e) },
      ]);
    }
    ctx.stderr.write(
      `baseline of ${baseline.entries.length} finding(s) written to ${path.relative(ctx.cwd, target) || target}\n`,
    );
  }

  if (flags.stats) {
    ctx.stderr.write(`${JSON.stringify(outcome.stats)}\n`);
  }

  const s = outcome.report.summary;
  if (outcome.nothingScanned || (flags.strict === true && s.errors > 0)) {
    ctx.stderr.write(
      `error OPSDECK_E_SCAN_FAILED: ${outcome.nothingScanned ? 'nothing could be scanned' : `${s.errors} error(s) while reading the Terraform files`} (see the diagnostics above)\n`,
    );
    ctx.exitCode = 3;
    return;
  }
  const threshold = outcome.report.severityThreshold;
  const failing = outcome.report.findings.some(
    (f) => f.status === 'open' && atOrAbove(f.severity, threshold),
  );
  const creating = flags.createBaseline !== undefined && flags.createBaseline !== false;
  ctx.exitCode = failing && !flags.softFail && !creating ? 1 : 0;
}

export function registerScan(program: Command, ctx: CliContext): void {
  program
    .command('scan')
    .description('Scan Terraform (a directory tree or a plan JSON) for misconfigurations')
    .argument('[dir]', 'directory to scan (default: the current directory)')
    .option('--plan <file>', 'scan `terraform show -json` output instead of source')
    .addOption(new Option('--format <format>', 'report on stdout').choices(FORMATS).default('text'))
    .option('--output-file <format=path>', 'also write a report to a file (repeatable)', collect, [])
    .option('--config <file>', 'configuration file (default: .opsdeck.yaml in the scanned directory)')
    .option('--var <name=value>', 'set a root module variable (repeatable)', collect, [])
    .option('--var-file <file>', 'load variables from a .tfvars(.json) file (repeatable)', collect, [])
    .addOption(
      new Option(
        '--severity-threshold <severity>',
        'report and fail only on findings at or above this severity',
      ).choices(SEVERITIES),
    )
    .option('--soft-fail', 'exit 0 even when there are open findings (errors still exit 2/3)')
    .option('--strict', 'exit 3 when any file fails to parse or evaluate')
    .option(
      '--create-baseline [file]',
      `write the current findings to a baseline file (default: ${DEFAULT_BASELINE_FILE} in the scanned directory)`,
    )
    .option('--baseline <file>', 'findings in this baseline are reported as baselined and do not fail')
    .option('--rule <id>', 'run only these rules, families or providers (repeatable)', collect, [])
    .option('--skip-rule <id>', 'do not run these rules, families or providers (repeatable)', collect, [])
    .option('--stats', 'print one JSON line of timing and size figures to stderr')
    .option('--no-progress', 'no progress line on stderr')
    .action(async (dir: string | undefined, flags: ScanFlags) => {
      await scanAction(ctx, dir, flags);
    });

  const rules = program.command('rules').description('Built-in policy rules');
  rules
    .command('list')
    .description('List the built-in rules')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: { format: 'text' | 'json' }) => {
      const metas = builtinRules.map((r) => r.meta);
      if (flags.format === 'json') {
        ctx.stdout.write(`${JSON.stringify(metas, null, 2)}\n`);
        return;
      }
      const width = Math.max(...metas.map((m) => m.id.length), 2);
      for (const m of metas) {
        ctx.stdout.write(
          `${m.id.padEnd(width)}  ${m.severity.padEnd(8)}  ${m.family.padEnd(15)}  ${m.title}\n`,
        );
      }
      ctx.stdout.write(`${metas.length} rules\n`);
    });
}
