import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTROL_FAMILIES, SEVERITIES } from '../../rule.js';
import { awsRules } from './index.js';

const sharedData =
  process.env['OPSDECK_SHARED_DATA'] ?? path.resolve(import.meta.dirname, '../../../../../shared/data');
const peerDir = path.join(sharedData, 'peer-rules');
const haveData = existsSync(peerDir);
if (!haveData && process.env['CI'] !== 'true') console.log(`skipping peer id checks: ${peerDir} not found`);

/** Values of one column of a CSV file whose first field of interest holds no quoted commas before it. */
function column(file: string, name: string): Set<string> {
  const lines = readFileSync(path.join(peerDir, file), 'utf8').split('\n');
  const header = (lines[0] ?? '').split(',');
  const i = header.indexOf(name);
  return new Set(
    lines
      .slice(1)
      .map((l) => l.split(',')[i] ?? '')
      .filter((x) => x !== ''),
  );
}

describe('the AWS rule pack', () => {
  it('has at least 85 rules with unique, well-formed ids', () => {
    expect(awsRules.length).toBeGreaterThanOrEqual(85);
    const ids = awsRules.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^OPS-AWS-[A-Z][A-Z0-9]*-\d{3}$/);
  });

  it('gives every rule a known severity and family, aws resource types, a remediation and references', () => {
    for (const { meta } of awsRules) {
      expect(SEVERITIES).toContain(meta.severity);
      expect(CONTROL_FAMILIES).toContain(meta.family);
      expect(meta.provider).toBe('aws');
      expect(meta.resourceTypes.length).toBeGreaterThan(0);
      for (const t of meta.resourceTypes) expect(t).toMatch(/^aws_[a-z0-9_]+$/);
      expect(meta.remediation.length).toBeGreaterThan(10);
      expect(meta.references[0]).toMatch(/^https:\/\/registry\.terraform\.io\/providers\/hashicorp\/aws\//);
      expect(meta.peers.trivy.length).toBe(meta.peers.tfsec.length);
    }
  });

  it('covers every baseline control family', () => {
    const families = new Set(awsRules.map((r) => r.meta.family));
    for (const f of [
      'tagging',
      'encryption',
      'logging',
      'public-exposure',
      'least-privilege',
      'resilience',
      'cost',
    ]) {
      expect(families).toContain(f);
    }
  });

  it.runIf(haveData || process.env['CI'] === 'true')(
    'lists only peer ids that exist in the checkov and trivy catalogues',
    () => {
      const checkov = column('checkov-terraform.csv', 'id');
      const avd = column('trivy-checks.csv', 'avd_id');
      const longIds = column('trivy-checks.csv', 'long_id');
      for (const { meta } of awsRules) {
        for (const c of meta.peers.checkov) expect(checkov, `${meta.id} ${c}`).toContain(c);
        for (const t of meta.peers.trivy) expect(avd, `${meta.id} ${t}`).toContain(t);
        for (const t of meta.peers.tfsec) expect(longIds, `${meta.id} ${t}`).toContain(t);
      }
    },
  );
});
