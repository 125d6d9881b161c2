import type { EngineResult, EngineWarning, Finding, Inconclusive } from '../engine.js';
import { SEVERITIES, type RuleMeta, type Severity } from '../rule.js';

/** A problem that is not a finding: a file that did not parse, a malformed suppression, ... */
export interface ScanDiagnostic {
  severity: 'error' | 'warning';
  /** e.g. `parse`, `evaluate`, `malformed-suppression`, `expired-suppression`, `rule-error`. */
  kind: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface ScanSummary {
  files: number;
  resources: number;
  rules: number;
  checks: number;
  passed: number;
  failed: number;
  inconclusive: number;
  findings: number;
  open: number;
  suppressed: number;
  baselined: number;
  belowThreshold: number;
  /** Open findings per severity. */
  openBySeverity: Record<Severity, number>;
  errors: number;
  warnings: number;
}

/** Everything a report renders. JSON output is this object (documented by docs/scan-report.schema.json). */
export interface ScanReport {
  schemaVersion: 1;
  tool: { name: 'opsdeck'; version: string };
  /** The scanned directory or plan file, as given. */
  target: string;
  /** Findings at or above this severity fail the scan. */
  severityThreshold: Severity;
  /** Metadata of the rules that ran. */
  rules: RuleMeta[];
  findings: Finding[];
  inconclusive: Inconclusive[];
  diagnostics: ScanDiagnostic[];
  summary: ScanSummary;
}

export function warningToDiagnostic(w: EngineWarning): ScanDiagnostic {
  return {
    severity: w.kind === 'rule-error' ? 'error' : 'warning',
    kind: w.kind,
    file: w.file,
    line: w.line,
    column: w.column,
    message: w.message,
  };
}

export function buildReport(input: {
  version: string;
  target: string;
  severityThreshold: Severity;
  rules: readonly RuleMeta[];
  files: number;
  engine: EngineResult;
  diagnostics: readonly ScanDiagnostic[];
}): ScanReport {
  const { engine } = input;
  const diagnostics = [...input.diagnostics, ...engine.warnings.map(warningToDiagnostic)];
  const openBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let open = 0;
  let suppressed = 0;
  let baselined = 0;
  for (const f of engine.findings) {
    if (f.status === 'open') {
      open++;
      openBySeverity[f.severity]++;
    } else if (f.status === 'suppressed') suppressed++;
    else baselined++;
  }
  return {
    schemaVersion: 1,
    tool: { name: 'opsdeck', version: input.version },
    target: input.target,
    severityThreshold: input.severityThreshold,
    rules: [...input.rules],
    findings: engine.findings,
    inconclusive: engine.inconclusive,
    diagnostics,
    summary: {
      files: input.files,
      resources: engine.stats.resources,
      rules: engine.stats.rules,
      checks: engine.stats.checks,
      passed: engine.stats.passed,
      failed: engine.stats.failed,
      inconclusive: engine.stats.inconclusive,
      findings: engine.findings.length,
      open,
      suppressed,
      baselined,
      belowThreshold: engine.stats.belowThreshold,
      openBySeverity,
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    },
  };
}

/** Source text lookup for renderers that show code (text, markdown). */
export type SourceLines = (file: string) => readonly string[] | undefined;
