import type { Rule } from '../../rule.js';
import { defineRule, expect, get, truthy, unknownResult } from '../../rule-kit.js';
import { awsMeta, str } from './helpers.js';

const T = ['aws_elasticache_replication_group'];

const atRest = defineRule(
  awsMeta({
    id: 'OPS-AWS-ELASTICACHE-001',
    title: 'ElastiCache replication group is not encrypted at rest',
    severity: 'high',
    family: 'encryption',
    resourceTypes: T,
    remediation:
      'Set `at_rest_encryption_enabled = true` (optionally with `kms_key_id`); it defaults to false for Redis OSS.',
    docs: ['https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html'],
    checkov: ['CKV_AWS_29'],
    trivy: [['AVD-AWS-0045', 'aws-elasticache-enable-at-rest-encryption']],
  }),
  (r) => {
    const engine = str(get(r, 'engine'));
    if (engine === 'unknown') return unknownResult('engine is known only after apply');
    // Valkey replication groups are encrypted at rest by default.
    return expect(
      truthy(get(r, 'at_rest_encryption_enabled'), engine === 'valkey'),
      'Data is stored unencrypted',
      'at_rest_encryption_enabled',
    );
  },
);

const inTransit = defineRule(
  awsMeta({
    id: 'OPS-AWS-ELASTICACHE-002',
    title: 'ElastiCache replication group does not encrypt traffic in transit',
    severity: 'high',
    family: 'encryption',
    resourceTypes: T,
    remediation: 'Set `transit_encryption_enabled = true` (and use an `auth_token` or RBAC user group).',
    docs: ['https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html'],
    checkov: ['CKV_AWS_30'],
    trivy: [['AVD-AWS-0051', 'aws-elasticache-enable-in-transit-encryption']],
  }),
  (r) =>
    expect(
      truthy(get(r, 'transit_encryption_enabled'), false),
      'Traffic is unencrypted',
      'transit_encryption_enabled',
    ),
);

export const elasticacheRules: Rule[] = [atRest, inTransit];
