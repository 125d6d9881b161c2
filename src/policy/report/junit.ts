/**
 * JUnit XML: one `<testsuite>` per rule that ran; each finding is a `<testcase>` (open findings
 * fail, suppressed/baselined ones are skipped); a rule without findings has one passing case.
 */
import type { ScanReport } from './model.js';

export function xmlEscape(s: string): string {
  return (
    s
      // XML 1.0 forbids most control characters even when escaped.
      .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

export function renderJunit(report: ScanReport): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let skipped = 0;
  for (const rule of report.rules) {
    const findings = report.findings.filter((f) => f.ruleId === rule.id);
    const cases: string[] = [];
    let f1 = 0;
    let s1 = 0;
    for (const f of findings) {
      const name = xmlEscape(`${f.address} (${f.file}:${f.startLine})`);
      const head = `    <testcase name="${name}" classname="${xmlEscape(rule.id)}" file="${xmlEscape(f.file)}" line="${f.startLine}">`;
      if (f.status === 'open') {
        f1++;
        cases.push(
          head,
          `      <failure type="${f.severity}" message="${xmlEscape(f.message)}">${xmlEscape(
            `${f.severity.toUpperCase()} ${rule.id} ${rule.title}\n${f.file}:${f.startLine}:${f.startColumn} ${f.address}\n${f.message}\nFix: ${f.remediation}`,
          )}</failure>`,
          '    </testcase>',
        );
      } else {
        s1++;
        const why = f.suppression
          ? `${f.status} (${f.suppression.kind}${f.suppression.reason ? `: ${f.suppression.reason}` : ''})`
          : f.status;
        cases.push(head, `      <skipped message="${xmlEscape(why)}"/>`, '    </testcase>');
      }
    }
    if (findings.length === 0) {
      cases.push(`    <testcase name="no findings" classname="${xmlEscape(rule.id)}"/>`);
    }
    const n = Math.max(1, findings.length);
    total += n;
    failures += f1;
    skipped += s1;
    suites.push(
      `  <testsuite name="${xmlEscape(`${rule.id} ${rule.title}`)}" tests="${n}" failures="${f1}" errors="0" skipped="${s1}">`,
      ...cases,
      '  </testsuite>',
    );
  }
  out.push(
    `<testsuites name="opsdeck scan" tests="${total}" failures="${failures}" errors="0" skipped="${skipped}">`,
  );
  out.push(...suites, '</testsuites>');
  return `${out.join('\n')}\n`;
}
