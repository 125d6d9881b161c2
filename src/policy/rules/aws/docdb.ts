import type { Rule } from '../../rule.js';
import { defineRule, expect, get, truthy } from '../../rule-kit.js';
import { awsMeta } from './helpers.js';

const docdbEncrypted = defineRule(
  awsMeta({
    id: 'OPS-AWS-DOCDB-001',
    title: 'DocumentDB cluster storage is not encrypted',
    severity: 'high',
    family: 'encryption',
    resourceTypes: ['aws_docdb_cluster'],
    remediation: 'Set `storage_encrypted = true` (optionally with `kms_key_id`).',
    docs: ['https://docs.aws.amazon.com/documentdb/latest/developerguide/encryption-at-rest.html'],
    checkov: ['CKV_AWS_74'],
    trivy: [['AVD-AWS-0021', 'aws-documentdb-enable-storage-encryption']],
  }),
  (r) =>
    expect(
      truthy(get(r, 'storage_encrypted'), false),
      'Cluster storage is not encrypted',
      'storage_encrypted',
    ),
);

export const docdbRules: Rule[] = [docdbEncrypted];
