import type { Rule } from '../../rule.js';
import { defineRule, expect, fail, get, PASS, strings, truthy, unknownResult } from '../../rule-kit.js';
import { awsMeta, blockList, isOpenCidr } from './helpers.js';

const T = ['aws_eks_cluster'];

const publicEndpoint = defineRule(
  awsMeta({
    id: 'OPS-AWS-EKS-001',
    title: 'EKS API endpoint is public to the whole internet',
    severity: 'high',
    family: 'public-exposure',
    resourceTypes: T,
    remediation:
      'Set `vpc_config { endpoint_public_access = false, endpoint_private_access = true }`, or restrict `public_access_cidrs` to known ranges (it defaults to 0.0.0.0/0).',
    docs: ['https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html'],
    checkov: ['CKV_AWS_38'],
    trivy: [
      ['AVD-AWS-0040', 'aws-eks-no-public-cluster-access'],
      ['AVD-AWS-0041', 'aws-eks-no-public-cluster-access-to-cidr'],
    ],
  }),
  (r) => {
    const pub = truthy(get(r, 'vpc_config.0.endpoint_public_access'), true);
    if (pub === 'unknown') return unknownResult('endpoint_public_access is known only after apply');
    if (!pub) return PASS;
    const c = get(r, 'vpc_config.0.public_access_cidrs');
    const s = strings(c);
    if (s.values.some(isOpenCidr))
      return fail('Public endpoint open to 0.0.0.0/0', 'vpc_config.0.public_access_cidrs');
    if (s.unknown) return unknownResult('public_access_cidrs is known only after apply');
    if (c === undefined || c === null) {
      return fail(
        'Public endpoint with no public_access_cidrs (defaults to 0.0.0.0/0)',
        'vpc_config.0.endpoint_public_access',
      );
    }
    return PASS;
  },
);

const secrets = defineRule(
  awsMeta({
    id: 'OPS-AWS-EKS-002',
    title: 'EKS secrets are not envelope-encrypted with KMS',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: T,
    remediation:
      'Add `encryption_config { resources = ["secrets"] provider { key_arn = aws_kms_key.eks.arn } }`.',
    docs: ['https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html'],
    checkov: ['CKV_AWS_58'],
    trivy: [['AVD-AWS-0039', 'aws-eks-encrypt-secrets']],
  }),
  (r) => {
    const cfg = blockList(r, 'encryption_config');
    if (cfg === 'unknown') return unknownResult('encryption_config is known only after apply');
    let unknown = false;
    for (const c of cfg) {
      const s = strings(c['resources']);
      if (s.values.includes('secrets')) return PASS;
      if (s.unknown) unknown = true;
    }
    if (unknown) return unknownResult('encryption_config resources are known only after apply');
    return fail(
      'Kubernetes secrets are not encrypted with a KMS key',
      cfg.length > 0 ? 'encryption_config' : undefined,
    );
  },
);

const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

const logging = defineRule(
  awsMeta({
    id: 'OPS-AWS-EKS-003',
    title: 'EKS control plane logging is not enabled for all log types',
    severity: 'medium',
    family: 'logging',
    resourceTypes: T,
    remediation: `Set \`enabled_cluster_log_types = ${JSON.stringify(LOG_TYPES)}\`.`,
    docs: ['https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html'],
    checkov: ['CKV_AWS_37'],
    trivy: [['AVD-AWS-0038', 'aws-eks-enable-control-plane-logging']],
  }),
  (r) => {
    const v = get(r, 'enabled_cluster_log_types');
    const s = strings(v);
    const missing = LOG_TYPES.filter((t) => !s.values.includes(t));
    if (missing.length === 0) return PASS;
    if (s.unknown) return unknownResult('enabled_cluster_log_types is known only after apply');
    return expect(
      false,
      `Control plane logs missing: ${missing.join(', ')}`,
      v === undefined ? undefined : 'enabled_cluster_log_types',
    );
  },
);

export const eksRules: Rule[] = [publicEndpoint, secrets, logging];
