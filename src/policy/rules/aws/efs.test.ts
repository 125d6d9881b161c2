import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-EFS-001',
    name: 'encrypted and unencrypted file systems',
    files: {
      'main.tf':
        'resource "aws_efs_file_system" "ok" { encrypted = true }\nresource "aws_efs_file_system" "bad" {}\n',
    },
    expect: { 'aws_efs_file_system.ok': 'pass', 'aws_efs_file_system.bad': 'fail:encrypted' },
  },
];

describe('EFS rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
