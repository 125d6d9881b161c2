import type { Rule } from '../../rule.js';
import { defineRule, expect, get } from '../../rule-kit.js';
import { awsMeta, publicPolicyResult, readPolicy, isConfigured } from './helpers.js';

const encryption = defineRule(
  awsMeta({
    id: 'OPS-AWS-SNS-001',
    title: 'SNS topic is not encrypted with KMS',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: ['aws_sns_topic'],
    remediation: 'Set `kms_master_key_id` (a customer-managed key, or `alias/aws/sns`).',
    docs: ['https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html'],
    checkov: ['CKV_AWS_26'],
    trivy: [['AVD-AWS-0095', 'aws-sns-enable-topic-encryption']],
  }),
  (r) =>
    expect(
      isConfigured(get(r, 'kms_master_key_id')),
      'Topic messages are stored unencrypted',
      'kms_master_key_id',
    ),
);

const publicPolicy = defineRule(
  awsMeta({
    id: 'OPS-AWS-SNS-002',
    title: 'SNS topic policy allows any principal without a condition',
    severity: 'high',
    family: 'public-exposure',
    resourceTypes: ['aws_sns_topic_policy', 'aws_sns_topic'],
    remediation:
      'Name the publishing accounts or services in the topic `policy`, or add an `aws:SourceArn` / `aws:SourceAccount` / `aws:PrincipalOrgID` condition.',
    docs: ['https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html'],
    checkov: ['CKV_AWS_169'],
  }),
  (r, ctx) => publicPolicyResult(readPolicy(r, 'policy', ctx), 'policy', 'Topic policy'),
);

export const snsRules: Rule[] = [encryption, publicPolicy];
