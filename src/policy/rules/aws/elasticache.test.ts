import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const rg = (name: string, body = '') =>
  `resource "aws_elasticache_replication_group" "${name}" {\n  replication_group_id = "${name}"\n  description          = "cache"\n  engine               = "redis"\n  node_type            = "cache.t3.micro"\n${body}}\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-ELASTICACHE-001',
    name: 'at-rest encryption on and off by default',
    files: { 'main.tf': rg('ok', '  at_rest_encryption_enabled = true\n') + rg('bad') },
    expect: {
      'aws_elasticache_replication_group.ok': 'pass',
      'aws_elasticache_replication_group.bad': 'fail:at_rest_encryption_enabled',
    },
  },
  {
    rule: 'OPS-AWS-ELASTICACHE-002',
    name: 'in-transit encryption on and off',
    files: { 'main.tf': rg('ok', '  transit_encryption_enabled = true\n') + rg('bad') },
    expect: {
      'aws_elasticache_replication_group.ok': 'pass',
      'aws_elasticache_replication_group.bad': 'fail:transit_encryption_enabled',
    },
  },
];

describe('ElastiCache rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
