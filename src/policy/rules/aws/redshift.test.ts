import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const cluster = (name: string, body = '') =>
  `resource "aws_redshift_cluster" "${name}" {\n  cluster_identifier = "${name}"\n  node_type          = "ra3.xlplus"\n${body}}\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-REDSHIFT-001',
    name: 'encrypted, explicitly unencrypted, and not set',
    files: {
      'main.tf':
        cluster('ok', '  encrypted = true\n') + cluster('bad', '  encrypted = false\n') + cluster('absent'),
    },
    expect: {
      'aws_redshift_cluster.ok': 'pass',
      'aws_redshift_cluster.bad': 'fail:encrypted',
      'aws_redshift_cluster.absent': 'fail:',
    },
  },
  {
    rule: 'OPS-AWS-REDSHIFT-002',
    name: 'private, public, and not set',
    files: {
      'main.tf':
        cluster('ok', '  publicly_accessible = false\n') +
        cluster('bad', '  publicly_accessible = true\n') +
        cluster('absent'),
    },
    expect: {
      'aws_redshift_cluster.ok': 'pass',
      'aws_redshift_cluster.bad': 'fail:publicly_accessible',
      'aws_redshift_cluster.absent': 'fail:',
    },
  },
];

describe('Redshift rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
