import type { Rule } from '../../rule.js';
import { defineRule, expect, fail, get, PASS, truthy, unknownResult } from '../../rule-kit.js';
import { awsMeta } from './helpers.js';

const T = ['aws_redshift_cluster'];

const encrypted = defineRule(
  awsMeta({
    id: 'OPS-AWS-REDSHIFT-001',
    title: 'Redshift cluster is not encrypted',
    severity: 'high',
    family: 'encryption',
    resourceTypes: T,
    remediation:
      'Set `encrypted = true` explicitly (with `kms_key_id` for a customer-managed key); before AWS provider 6.0 it defaulted to false.',
    docs: ['https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html'],
    checkov: ['CKV_AWS_64'],
  }),
  (r) => {
    const v = get(r, 'encrypted');
    if (v === undefined || v === null)
      return fail('`encrypted` is not set (false by default before AWS provider 6.0)');
    return expect(truthy(v, false), 'Cluster is not encrypted', 'encrypted');
  },
);

const publicCluster = defineRule(
  awsMeta({
    id: 'OPS-AWS-REDSHIFT-002',
    title: 'Redshift cluster is publicly accessible',
    severity: 'critical',
    family: 'public-exposure',
    resourceTypes: T,
    remediation:
      'Set `publicly_accessible = false` explicitly; before AWS provider 6.0 it defaulted to true.',
    docs: ['https://docs.aws.amazon.com/redshift/latest/mgmt/managing-clusters-vpc.html'],
    checkov: ['CKV_AWS_87'],
  }),
  (r) => {
    const v = get(r, 'publicly_accessible');
    if (v === undefined || v === null)
      return fail('`publicly_accessible` is not set (true by default before AWS provider 6.0)');
    const t = truthy(v, true);
    if (t === 'unknown') return unknownResult('publicly_accessible is known only after apply');
    return t ? fail('Cluster has a public endpoint', 'publicly_accessible') : PASS;
  },
);

export const redshiftRules: Rule[] = [encrypted, publicCluster];
