import type { Rule } from '../../rule.js';
import { defineRule, expect, get, truthy } from '../../rule-kit.js';
import { awsMeta, isConfigured } from './helpers.js';

const CT_DOCS = 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html';

const multiRegion = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDTRAIL-001',
    title: 'CloudTrail trail is not multi-region',
    severity: 'medium',
    family: 'logging',
    resourceTypes: ['aws_cloudtrail'],
    remediation: 'Set `is_multi_region_trail = true` so API activity in every region is recorded.',
    docs: [CT_DOCS],
    checkov: ['CKV_AWS_67'],
    trivy: [['AVD-AWS-0014', 'aws-cloudtrail-enable-all-regions']],
  }),
  (r) =>
    expect(
      truthy(get(r, 'is_multi_region_trail'), false),
      'Trail records only its home region',
      'is_multi_region_trail',
    ),
);

const validation = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDTRAIL-002',
    title: 'CloudTrail log file validation is off',
    severity: 'medium',
    family: 'logging',
    resourceTypes: ['aws_cloudtrail'],
    remediation:
      'Set `enable_log_file_validation = true` so tampering with delivered log files can be detected.',
    docs: [
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html',
    ],
    checkov: ['CKV_AWS_36'],
    trivy: [['AVD-AWS-0016', 'aws-cloudtrail-enable-log-validation']],
  }),
  (r) =>
    expect(
      truthy(get(r, 'enable_log_file_validation'), false),
      'Log file validation is not enabled',
      'enable_log_file_validation',
    ),
);

const kms = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDTRAIL-003',
    title: 'CloudTrail logs are not encrypted with a KMS key',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: ['aws_cloudtrail'],
    remediation:
      'Set `kms_key_id` to the ARN of a customer-managed KMS key whose policy lets CloudTrail use it.',
    docs: [
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html',
    ],
    checkov: ['CKV_AWS_35'],
    trivy: [['AVD-AWS-0015', 'aws-cloudtrail-encryption-customer-managed-key']],
  }),
  (r) =>
    expect(isConfigured(get(r, 'kms_key_id')), 'Trail logs use only S3-managed encryption', 'kms_key_id'),
);

const cloudwatch = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDTRAIL-004',
    title: 'CloudTrail trail does not send events to CloudWatch Logs',
    severity: 'low',
    family: 'logging',
    resourceTypes: ['aws_cloudtrail'],
    remediation:
      'Set `cloud_watch_logs_group_arn` (ending in `:*`) and `cloud_watch_logs_role_arn` so metric filters and alarms can watch API activity.',
    docs: [
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html',
    ],
    checkov: ['CKV2_AWS_10'],
    trivy: [['AVD-AWS-0162', 'aws-cloudtrail-ensure-cloudwatch-integration']],
  }),
  (r) =>
    expect(
      isConfigured(get(r, 'cloud_watch_logs_group_arn')),
      'Trail is not integrated with CloudWatch Logs',
      'cloud_watch_logs_group_arn',
    ),
);

const enabled = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDTRAIL-005',
    title: 'CloudTrail trail logging is switched off',
    severity: 'high',
    family: 'logging',
    resourceTypes: ['aws_cloudtrail'],
    remediation: 'Set `enable_logging = true` (the default).',
    docs: [CT_DOCS],
    checkov: ['CKV_AWS_251'],
  }),
  (r) => expect(truthy(get(r, 'enable_logging'), true), 'Trail does not log', 'enable_logging'),
);

export const cloudtrailRules: Rule[] = [multiRegion, validation, kms, cloudwatch, enabled];
