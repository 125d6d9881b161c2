import type { Rule } from '../../rule.js';
import { defineRule, fail, get, PASS, truthy, unknownResult } from '../../rule-kit.js';
import { awsMeta, publicPolicyResult, readPolicy, isConfigured } from './helpers.js';

const encryption = defineRule(
  awsMeta({
    id: 'OPS-AWS-SQS-001',
    title: 'SQS queue server-side encryption is disabled',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: ['aws_sqs_queue'],
    remediation:
      'Set `kms_master_key_id`, or leave `sqs_managed_sse_enabled` at its default (SSE-SQS is on for new queues); never set it to false without a KMS key.',
    docs: [
      'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html',
    ],
    checkov: ['CKV_AWS_27'],
    trivy: [['AVD-AWS-0096', 'aws-sqs-enable-queue-encryption']],
  }),
  (r) => {
    const kms = isConfigured(get(r, 'kms_master_key_id'));
    if (kms === true) return PASS;
    // SQS enables SSE-SQS on new queues unless it is explicitly switched off.
    const sse = truthy(get(r, 'sqs_managed_sse_enabled'), true);
    if (sse === true) return PASS;
    if (sse === 'unknown') return unknownResult('encryption settings are known only after apply');
    return fail('sqs_managed_sse_enabled = false and no kms_master_key_id', 'sqs_managed_sse_enabled');
  },
);

const publicPolicy = defineRule(
  awsMeta({
    id: 'OPS-AWS-SQS-002',
    title: 'SQS queue policy allows any principal without a condition',
    severity: 'high',
    family: 'public-exposure',
    resourceTypes: ['aws_sqs_queue_policy', 'aws_sqs_queue'],
    remediation:
      'Name the sending accounts or services in the queue `policy`, or add an `aws:SourceArn` / `aws:SourceAccount` / `aws:PrincipalOrgID` condition.',
    docs: [
      'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html',
    ],
    checkov: ['CKV_AWS_168'],
  }),
  (r, ctx) => publicPolicyResult(readPolicy(r, 'policy', ctx), 'policy', 'Queue policy'),
);

export const sqsRules: Rule[] = [encryption, publicPolicy];
