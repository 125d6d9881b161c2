import type { Rule } from '../../rule.js';
import { defineRule, expect, get, truthy } from '../../rule-kit.js';
import { awsMeta } from './helpers.js';

const encrypted = defineRule(
  awsMeta({
    id: 'OPS-AWS-EFS-001',
    title: 'EFS file system is not encrypted',
    severity: 'high',
    family: 'encryption',
    resourceTypes: ['aws_efs_file_system'],
    remediation:
      'Set `encrypted = true` (optionally with `kms_key_id`); encryption cannot be added to an existing file system.',
    docs: ['https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html'],
    checkov: ['CKV_AWS_42'],
    trivy: [['AVD-AWS-0037', 'aws-efs-enable-at-rest-encryption']],
  }),
  (r) => expect(truthy(get(r, 'encrypted'), false), 'File system is not encrypted', 'encrypted'),
);

export const efsRules: Rule[] = [encrypted];
