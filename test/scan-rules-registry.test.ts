import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTROL_FAMILIES, SEVERITIES } from '../src/policy/rule.js';
import { builtinRules } from '../src/policy/rules/index.js';

const root = path.resolve(import.meta.dirname, '..');
const shared = process.env['OPSDECK_SHARED_DATA'] ?? path.resolve(root, '../shared/data');
const peerDir = path.join(shared, 'peer-rules');
const havePeers = existsSync(peerDir);
if (!havePeers && process.env['CI'] === 'true') throw new Error(`shared data missing: ${peerDir}`);
if (!havePeers) console.warn(`skipping peer id checks: ${peerDir} not found (set OPSDECK_SHARED_DATA)`);

/** Values of one column of a simple CSV (no quoted commas in the id columns we read). */
function column(file: string, name: string): Set<string> {
  const [header, ...rows] = readFileSync(file, 'utf8').split(/\r?\n/).filter(Boolean);
  const i = (header ?? '').split(',').indexOf(name);
  return new Set(rows.map((r) => r.split(',')[i] ?? ''));
}

describe('built-in rule registry', () => {
  const metas = builtinRules.map((r) => r.meta);

  it('has unique, well-formed ids', () => {
    const ids = metas.map((m) => m.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids.filter((id) => !/^OPS-(AWS|AZ|GCP)-[A-Z0-9]+-\d{3}$/.test(id))).toEqual([]);
  });

  it('gives every rule a title, a valid severity and family, resource types and a remediation', () => {
    const bad = metas.filter(
      (m) =>
        m.title.length === 0 ||
        !SEVERITIES.includes(m.severity) ||
        !CONTROL_FAMILIES.includes(m.family) ||
        m.resourceTypes.length === 0 ||
        m.remediation.length < 10,
    );
    expect(bad.map((m) => m.id)).toEqual([]);
  });

  it('covers the five baseline families for AWS', () => {
    const families = new Set(metas.filter((m) => m.provider === 'aws').map((m) => m.family));
    for (const f of ['tagging', 'encryption', 'logging', 'public-exposure', 'least-privilege'])
      expect(families).toContain(f);
  });

  it.skipIf(!havePeers)('names only peer ids that exist in Checkov and Trivy', () => {
    const checkov = column(path.join(peerDir, 'checkov-terraform.csv'), 'id');
    const avd = column(path.join(peerDir, 'trivy-checks.csv'), 'avd_id');
    const longIds = column(path.join(peerDir, 'trivy-checks.csv'), 'long_id');
    const missing: string[] = [];
    for (const m of metas) {
      for (const id of m.peers.checkov) if (!checkov.has(id)) missing.push(`${m.id}: checkov ${id}`);
      for (const id of m.peers.trivy) if (!avd.has(id)) missing.push(`${m.id}: trivy ${id}`);
      for (const id of m.peers.tfsec) if (!longIds.has(id)) missing.push(`${m.id}: tfsec ${id}`);
    }
    expect(missing).toEqual([]);
  });
});
