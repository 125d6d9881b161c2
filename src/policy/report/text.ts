/** Terminal report: findings grouped by file and severity, with the offending source lines. */
import pc from 'picocolors';
import type { Finding } from '../engine.js';
import { severityRank } from '../engine.js';
import { SEVERITIES, type Severity } from '../rule.js';
import type { ScanReport, SourceLines } from './model.js';

export interface TextOptions {
  color: boolean;
  sourceLines?: SourceLines;
  /** Lines of context shown above the finding's first line. */
  context?: number;
  /** Most source lines shown per finding. */
  maxLines?: number;
  durationMs?: number;
}

type Colors = ReturnType<typeof pc.createColors>;

function paintSeverity(c: Colors, s: Severity): string {
  const label = s.toUpperCase().padEnd(8);
  switch (s) {
    case 'critical':
      return c.bold(c.red(label));
    case 'high':
      return c.red(label);
    case 'medium':
      return c.yellow(label);
    case 'low':
      return c.cyan(label);
    case 'info':
      return c.dim(label);
  }
}

function snippet(
  c: Colors,
  f: Finding,
  lines: readonly string[],
  context: number,
  maxLines: number,
): string[] {
  const out: string[] = [];
  const first = Math.max(1, f.startLine - context);
  // A whole block (the resource itself, a long nested block) is shown by its first line only.
  const span = f.endLine - f.startLine + 1 > maxLines ? 1 : maxLines;
  const last = Math.min(lines.length, f.endLine, f.startLine + span - 1);
  const width = String(last).length;
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? '').replace(/\t/g, '  ');
    const hit = n >= f.startLine && n <= f.endLine;
    const gutter = `${hit ? c.red('>') : ' '} ${String(n).padStart(width)} | `;
    out.push(`    ${hit ? gutter : c.dim(gutter)}${hit ? text : c.dim(text)}`);
    if (n === f.startLine && f.endLine === f.startLine) {
      const start = Math.max(1, f.startColumn);
      const end = f.endColumn > start ? f.endColumn : text.length + 1;
      out.push(
        `    ${' '.repeat(width + 2)} | ${' '.repeat(start - 1)}${c.red('^'.repeat(Math.max(1, end - start)))}`,
      );
    }
  }
  if (f.endLine > last) out.push(`    ${' '.repeat(width + 2)} | ${c.dim('...')}`);
  return out;
}

export function renderText(report: ScanReport, opts: TextOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];
  for (const d of report.diagnostics) {
    const tag = d.severity === 'error' ? c.red('error') : c.yellow('warning');
    out.push(`${d.file}:${d.line}:${d.column}: ${tag} [${d.kind}] ${d.message}`);
  }
  if (report.diagnostics.length > 0) out.push('');

  const open = report.findings.filter((f) => f.status === 'open');
  const byFile = new Map<string, Finding[]>();
  for (const f of open) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  for (const [file, findings] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(c.bold(c.underline(file)));
    findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.startLine - b.startLine);
    const lines = opts.sourceLines?.(file);
    for (const f of findings) {
      out.push(`  ${paintSeverity(c, f.severity)} ${c.bold(f.ruleId)} ${f.title}`);
      out.push(`    ${c.dim(`${f.file}:${f.startLine}:${f.startColumn}`)}  ${f.address}: ${f.message}`);
      if (f.note) out.push(`    ${c.yellow(`note: ${f.note}`)}`);
      if (lines) out.push(...snippet(c, f, lines, opts.context ?? 0, opts.maxLines ?? 6));
      out.push(`    ${c.green('fix:')} ${f.remediation}`);
      out.push('');
    }
  }

  const closed = report.findings.filter((f) => f.status !== 'open');
  if (closed.length > 0) {
    out.push(c.bold('Suppressed and baselined'));
    for (const f of closed) {
      const s = f.suppression;
      const why = s
        ? `${s.kind}${s.reason ? `: ${s.reason}` : ''}${s.until ? ` (until ${s.until})` : ''} at ${s.source}`
        : '';
      out.push(c.dim(`  ${f.status.padEnd(10)} ${f.ruleId} ${f.address} (${f.file}:${f.startLine}) ${why}`));
    }
    out.push('');
  }

  if (report.inconclusive.length > 0) {
    const perRule = new Map<string, number>();
    for (const i of report.inconclusive) perRule.set(i.ruleId, (perRule.get(i.ruleId) ?? 0) + 1);
    const list = [...perRule]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([id, n]) => `${id} x${n}`)
      .join(', ');
    out.push(c.dim(`Inconclusive (values known only after apply; reasons in --format json): ${list}`));
    out.push('');
  }

  out.push(summaryLine(report, c, opts.durationMs));
  return `${out.join('\n')}\n`;
}

export function summaryLine(
  report: ScanReport,
  c: Colors = pc.createColors(false),
  durationMs?: number,
): string {
  const s = report.summary;
  const sev = SEVERITIES.filter((x) => s.openBySeverity[x] > 0)
    .map((x) => `${s.openBySeverity[x]} ${x}`)
    .join(', ');
  const head =
    s.open === 0
      ? c.green('No open findings')
      : c.red(`${s.open} open finding${s.open === 1 ? '' : 's'}${sev ? ` (${sev})` : ''}`);
  const parts = [
    head,
    `${s.suppressed} suppressed`,
    `${s.baselined} baselined`,
    `${s.inconclusive} inconclusive`,
    `${s.files} files`,
    `${s.resources} resources`,
    `${s.rules} rules`,
  ];
  if (s.belowThreshold > 0) parts.push(`${s.belowThreshold} below ${report.severityThreshold}`);
  if (s.errors > 0) parts.push(c.red(`${s.errors} errors`));
  if (s.warnings > 0) parts.push(c.yellow(`${s.warnings} warnings`));
  if (durationMs !== undefined) parts.push(`${(durationMs / 1000).toFixed(2)}s`);
  return parts.join(' · ');
}
