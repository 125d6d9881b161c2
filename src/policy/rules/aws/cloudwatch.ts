import type { Rule } from '../../rule.js';
import { defineRule, expect, fail, get, PASS, SKIP, unknownResult } from '../../rule-kit.js';
import { awsMeta, num, str, isConfigured } from './helpers.js';

const CW_DOCS =
  'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html';

const kms = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDWATCH-001',
    title: 'CloudWatch log group is not encrypted with a KMS key',
    severity: 'low',
    family: 'encryption',
    resourceTypes: ['aws_cloudwatch_log_group'],
    remediation:
      'Set `kms_key_id` to a customer-managed KMS key that allows the CloudWatch Logs service principal.',
    docs: ['https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html'],
    checkov: ['CKV_AWS_158'],
    trivy: [['AVD-AWS-0017', 'aws-cloudwatch-log-group-customer-key']],
  }),
  (r) =>
    expect(
      isConfigured(get(r, 'kms_key_id')),
      'Log group uses only service-managed encryption',
      'kms_key_id',
    ),
);

const retention = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDWATCH-002',
    title: 'CloudWatch log group keeps logs forever',
    severity: 'low',
    family: 'cost',
    resourceTypes: ['aws_cloudwatch_log_group'],
    remediation:
      'Set `retention_in_days` (e.g. 30, 90, 365); when absent or 0 the logs never expire and storage grows without bound.',
    docs: [CW_DOCS],
    checkov: ['CKV_AWS_66'],
  }),
  (r) => {
    const d = num(get(r, 'retention_in_days'));
    if (d === 'unknown') return unknownResult('retention_in_days is known only after apply');
    if (d !== undefined && d > 0) return PASS;
    return fail('Logs never expire', d === undefined ? undefined : 'retention_in_days');
  },
);

const AUDIT_NAME = /(audit|cloudtrail|trail|flow[-_]?log|vpc[-_]?flow|security|guardduty|waf)/i;

const auditRetention = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDWATCH-003',
    title: 'Audit log group keeps logs for less than a year',
    severity: 'info',
    family: 'logging',
    resourceTypes: ['aws_cloudwatch_log_group'],
    remediation:
      'For audit, CloudTrail, flow-log and security log groups set `retention_in_days` to 365 or more (or 0 and archive to S3).',
    docs: [CW_DOCS],
    checkov: ['CKV_AWS_338'],
  }),
  (r) => {
    const name = str(get(r, 'name')) ?? str(get(r, 'name_prefix'));
    if (name === 'unknown') return unknownResult('name is known only after apply');
    if (name === undefined || !AUDIT_NAME.test(name)) return SKIP;
    const d = num(get(r, 'retention_in_days'));
    if (d === 'unknown') return unknownResult('retention_in_days is known only after apply');
    if (d === undefined || d === 0 || d >= 365) return PASS;
    return fail(`Audit log group "${name}" keeps logs ${d} days`, 'retention_in_days');
  },
);

export const cloudwatchRules: Rule[] = [kms, retention, auditRetention];
