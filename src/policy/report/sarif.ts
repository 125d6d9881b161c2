/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF consumers. Suppressed findings carry an
 * `inSource` suppression, baselined ones an `external` one, so they stay visible but closed.
 */
import type { Finding } from '../engine.js';
import type { RuleMeta, Severity } from '../rule.js';
import type { ScanReport } from './model.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub reads `security-severity` (0-10) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

function uri(file: string): string {
  return file
    .replace(/\\/g, '/')
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

function ruleDescriptor(meta: RuleMeta): Record<string, unknown> {
  const peers = [...meta.peers.checkov, ...meta.peers.trivy, ...meta.peers.tfsec];
  return {
    id: meta.id,
    name: meta.title
      .replace(/[^A-Za-z0-9 ]/g, ' ')
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: meta.title },
    fullDescription: { text: `${meta.title}. ${meta.remediation}` },
    help: {
      text: `${meta.remediation}${meta.references.length > 0 ? `\n\nReferences:\n${meta.references.join('\n')}` : ''}`,
      markdown: `**Fix:** ${meta.remediation}${
        meta.references.length > 0 ? `\n\n${meta.references.map((r) => `- ${r}`).join('\n')}` : ''
      }${peers.length > 0 ? `\n\nEquivalent checks: ${peers.map((p) => `\`${p}\``).join(', ')}` : ''}`,
    },
    ...(meta.references[0] !== undefined ? { helpUri: meta.references[0] } : {}),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      tags: ['security', 'terraform', meta.provider, meta.family],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[meta.severity],
      severity: meta.severity,
      resourceTypes: meta.resourceTypes,
      peers: meta.peers,
    },
  };
}

function result(f: Finding, ruleIndex: number): Record<string, unknown> {
  const r: Record<string, unknown> = {
    ruleId: f.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[f.severity],
    message: { text: `${f.address}: ${f.message}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(f.file), uriBaseId: '%SRCROOT%' },
          region: {
            startLine: Math.max(1, f.startLine),
            startColumn: Math.max(1, f.startColumn),
            endLine: Math.max(f.startLine, f.endLine, 1),
            endColumn: Math.max(1, f.endColumn),
          },
        },
        logicalLocations: [{ fullyQualifiedName: f.address, kind: 'resource' }],
      },
    ],
    partialFingerprints: { 'opsdeck/v1': f.fingerprint },
    properties: { severity: f.severity, family: f.family, resourceType: f.resourceType, status: f.status },
  };
  if (f.suppression) {
    const s: Record<string, unknown> = {
      kind: f.suppression.kind === 'baseline' ? 'external' : 'inSource',
      status: 'accepted',
    };
    const why = [
      f.suppression.reason,
      f.suppression.until ? `until ${f.suppression.until}` : undefined,
      `(${f.suppression.kind} at ${f.suppression.source})`,
    ].filter(Boolean);
    s['justification'] = why.join(' ');
    r['suppressions'] = [s];
  }
  return r;
}

export function renderSarif(report: ScanReport): string {
  const index = new Map(report.rules.map((m, i) => [m.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'opsdeck',
            semanticVersion: report.tool.version,
            version: report.tool.version,
            rules: report.rules.map(ruleDescriptor),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.diagnostics.map((d) => ({
              level: d.severity === 'error' ? 'error' : 'warning',
              message: { text: `${d.kind}: ${d.message}` },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: uri(d.file), uriBaseId: '%SRCROOT%' },
                    region: { startLine: Math.max(1, d.line), startColumn: Math.max(1, d.column) },
                  },
                },
              ],
            })),
          },
        ],
        results: report.findings.map((f) => result(f, index.get(f.ruleId) ?? -1)),
        properties: { summary: report.summary },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
