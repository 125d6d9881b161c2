import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-DOCDB-001',
    name: 'DocumentDB storage encrypted or not',
    files: {
      'main.tf':
        'resource "aws_docdb_cluster" "ok" {\n  cluster_identifier = "a"\n  storage_encrypted  = true\n}\nresource "aws_docdb_cluster" "bad" {\n  cluster_identifier = "b"\n}\n',
    },
    expect: { 'aws_docdb_cluster.ok': 'pass', 'aws_docdb_cluster.bad': 'fail:storage_encrypted' },
  },
];

describe('DocumentDB rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
