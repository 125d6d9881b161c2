/** Markdown for a pull-request comment: summary table, findings by file in collapsed sections, capped length. */
import type { Finding } from '../engine.js';
import { severityRank } from '../engine.js';
import { SEVERITIES } from '../rule.js';
import type { ScanReport } from './model.js';

export interface MarkdownOptions {
  /** Longest output in characters (GitHub comments take up to 65,536). */
  maxChars?: number;
}

const ICON: Record<string, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };

/** A table cell: HTML-significant characters escaped outside code spans (inside them GitHub shows text as is). */
function cell(s: string): string {
  return s
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    )
    .join('')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

export function renderMarkdown(report: ScanReport, opts: MarkdownOptions = {}): string {
  const max = opts.maxChars ?? 60_000;
  const s = report.summary;
  const head: string[] = [];
  head.push(
    `## opsdeck scan: ${s.open === 0 ? 'no open findings ✅' : `${s.open} open finding${s.open === 1 ? '' : 's'} ❌`}`,
  );
  head.push('');
  head.push('| Severity | Open |');
  head.push('| --- | ---: |');
  for (const sev of SEVERITIES) head.push(`| ${ICON[sev] ?? ''} ${sev} | ${s.openBySeverity[sev]} |`);
  head.push('');
  head.push(
    `${s.suppressed} suppressed · ${s.baselined} baselined · ${s.inconclusive} inconclusive · ${s.files} files · ${s.resources} resources · ${s.rules} rules` +
      (s.errors > 0 ? ` · ${s.errors} errors` : ''),
  );
  head.push('');

  const open = report.findings.filter((f) => f.status === 'open');
  const byFile = new Map<string, Finding[]>();
  for (const f of open) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  const sections: string[] = [];
  for (const [file, findings] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.startLine - b.startLine);
    const lines = [
      `<details><summary><code>${file}</code>: ${findings.length} finding${findings.length === 1 ? '' : 's'}</summary>`,
      '',
      '| Severity | Rule | Resource | Line | Problem |',
      '| --- | --- | --- | ---: | --- |',
      ...findings.map(
        (f) =>
          `| ${ICON[f.severity] ?? ''} ${f.severity} | \`${f.ruleId}\` ${cell(f.title)} | \`${cell(f.address)}\` | ${f.startLine} | ${cell(f.message)}<br>**Fix:** ${cell(f.remediation)} |`,
      ),
      '',
      '</details>',
      '',
    ];
    sections.push(lines.join('\n'));
  }

  const closed = report.findings.filter((f) => f.status !== 'open');
  if (closed.length > 0) {
    sections.push(
      [
        `<details><summary>${closed.length} suppressed or baselined</summary>`,
        '',
        '| Status | Rule | Resource | Reason |',
        '| --- | --- | --- | --- |',
        ...closed.map(
          (f) =>
            `| ${f.status} | \`${f.ruleId}\` | \`${cell(f.address)}\` | ${cell(
              f.suppression ? `${f.suppression.reason ?? f.suppression.kind} (${f.suppression.source})` : '',
            )} |`,
        ),
        '',
        '</details>',
        '',
      ].join('\n'),
    );
  }

  let body = head.join('\n');
  let omitted = 0;
  for (let i = 0; i < sections.length; i++) {
    const sec = sections[i] ?? '';
    if (body.length + sec.length + 200 > max) {
      omitted = sections.length - i;
      break;
    }
    body += `\n${sec}`;
  }
  if (omitted > 0) {
    body += `\n_${omitted} more section${omitted === 1 ? '' : 's'} left out to stay within ${max} characters; see the full report (JSON or SARIF)._\n`;
  }
  return body.endsWith('\n') ? body : `${body}\n`;
}
