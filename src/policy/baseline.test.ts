import { describe, expect, it } from 'vitest';
import { OpsdeckError } from '../core/errors.js';
import { baselineFingerprints, createBaseline, parseBaseline, serializeBaseline } from './baseline.js';
import { runEngine } from './engine.js';
import { defineRule, fail } from './rule-kit.js';
import { makeResource } from './testing.js';

const rule = defineRule(
  {
    id: 'OPS-TEST-X-001',
    title: 't',
    severity: 'high',
    family: 'encryption',
    provider: 'aws',
    resourceTypes: ['aws_ebs_volume'],
    remediation: 'r',
    references: [],
    peers: { checkov: [], trivy: [], tfsec: [] },
  },
  () => fail('not encrypted', 'encrypted'),
);

describe('baseline', () => {
  it('round-trips: findings baselined today are baselined tomorrow, new ones stay open', () => {
    const today = [makeResource({ type: 'aws_ebs_volume', name: 'a' })];
    const first = runEngine(today, { rules: [rule], today: '2026-01-01' });
    const text = serializeBaseline(createBaseline(first.findings));
    const baseline = parseBaseline(text, '.opsdeck-baseline.json');
    expect(baseline.entries).toEqual([
      {
        fingerprint: first.findings[0]!.fingerprint,
        ruleId: 'OPS-TEST-X-001',
        address: 'aws_ebs_volume.a',
        file: 'main.tf',
      },
    ]);
    const tomorrow = [
      makeResource({ type: 'aws_ebs_volume', name: 'a', lines: [30, 33] }),
      makeResource({ type: 'aws_ebs_volume', name: 'b' }),
    ];
    const second = runEngine(tomorrow, {
      rules: [rule],
      today: '2026-01-02',
      baseline: baselineFingerprints(baseline),
    });
    expect(second.findings.map((f) => [f.address, f.status])).toEqual([
      ['aws_ebs_volume.b', 'open'],
      ['aws_ebs_volume.a', 'baselined'],
    ]);
  });

  it.each([
    { text: '{', key: '.opsdeck-baseline.json' },
    { text: '{"version":2,"entries":[]}', key: '.opsdeck-baseline.json#/version' },
    {
      text: '{"version":1,"entries":[{"ruleId":"x"}]}',
      key: '.opsdeck-baseline.json#/entries/0/fingerprint',
    },
  ])('rejects a malformed baseline naming where: $key', ({ text, key }) => {
    try {
      parseBaseline(text, '.opsdeck-baseline.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OpsdeckError);
      expect((e as OpsdeckError).details[0]?.path).toBe(key);
    }
  });
});
