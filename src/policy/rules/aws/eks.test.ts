import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const eks = (name: string, body = '', vpc = '') =>
  `resource "aws_eks_cluster" "${name}" {\n  name     = "${name}"\n  role_arn = "arn:aws:iam::111122223333:role/eks"\n  vpc_config {\n    subnet_ids = ["subnet-1"]\n${vpc}  }\n${body}}\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-EKS-001',
    name: 'private endpoint, public with restricted CIDRs, public by default, and public to the world',
    files: {
      'main.tf':
        eks('private', '', '    endpoint_private_access = true\n    endpoint_public_access  = false\n') +
        eks('restricted', '', '    public_access_cidrs = ["203.0.113.0/24"]\n') +
        eks('default') +
        eks('world', '', '    public_access_cidrs = ["0.0.0.0/0"]\n'),
    },
    expect: {
      'aws_eks_cluster.private': 'pass',
      'aws_eks_cluster.restricted': 'pass',
      'aws_eks_cluster.default': 'fail:vpc_config.0.endpoint_public_access',
      'aws_eks_cluster.world': 'fail:vpc_config.0.public_access_cidrs',
    },
  },
  {
    rule: 'OPS-AWS-EKS-002',
    name: 'secrets encryption configured or not',
    files: {
      'main.tf':
        eks(
          'ok',
          '  encryption_config {\n    resources = ["secrets"]\n    provider {\n      key_arn = "arn:aws:kms:eu-west-1:111122223333:key/k"\n    }\n  }\n',
        ) + eks('bad'),
    },
    expect: { 'aws_eks_cluster.ok': 'pass', 'aws_eks_cluster.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-EKS-003',
    name: 'all control plane log types, some, and none',
    files: {
      'main.tf':
        eks(
          'ok',
          '  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]\n',
        ) +
        eks('some', '  enabled_cluster_log_types = ["api", "audit"]\n') +
        eks('none'),
    },
    expect: {
      'aws_eks_cluster.ok': 'pass',
      'aws_eks_cluster.some': 'fail:enabled_cluster_log_types',
      'aws_eks_cluster.none': 'fail:',
    },
  },
];

describe('EKS rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
