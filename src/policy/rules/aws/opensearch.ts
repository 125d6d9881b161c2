import type { Rule } from '../../rule.js';
import { defineRule, expect, fail, get, PASS, truthy, unknownResult } from '../../rule-kit.js';
import { awsMeta, blockList, str } from './helpers.js';

const T = ['aws_opensearch_domain', 'aws_elasticsearch_domain'];
const DOCS = 'https://docs.aws.amazon.com/opensearch-service/latest/developerguide/security.html';

function flag(path: string, absent: boolean, message: string) {
  return (r: Parameters<Parameters<typeof defineRule>[1]>[0]) =>
    expect(truthy(get(r, path), absent), message, get(r, path) === undefined ? undefined : path);
}

const atRest = defineRule(
  awsMeta({
    id: 'OPS-AWS-OPENSEARCH-001',
    title: 'OpenSearch domain is not encrypted at rest',
    severity: 'high',
    family: 'encryption',
    resourceTypes: T,
    remediation: 'Add `encrypt_at_rest { enabled = true }` (optionally with `kms_key_id`).',
    docs: ['https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html'],
    checkov: ['CKV_AWS_5'],
    trivy: [['AVD-AWS-0048', 'aws-elasticsearch-enable-domain-encryption']],
  }),
  flag('encrypt_at_rest.0.enabled', false, 'Domain data is stored unencrypted'),
);

const nodeToNode = defineRule(
  awsMeta({
    id: 'OPS-AWS-OPENSEARCH-002',
    title: 'OpenSearch node-to-node encryption is off',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: T,
    remediation: 'Add `node_to_node_encryption { enabled = true }`.',
    docs: ['https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ntn.html'],
    checkov: ['CKV_AWS_6'],
    trivy: [['AVD-AWS-0043', 'aws-elasticsearch-enable-in-transit-encryption']],
  }),
  flag('node_to_node_encryption.0.enabled', false, 'Traffic between nodes is unencrypted'),
);

const https = defineRule(
  awsMeta({
    id: 'OPS-AWS-OPENSEARCH-003',
    title: 'OpenSearch domain does not enforce HTTPS',
    severity: 'high',
    family: 'encryption',
    resourceTypes: T,
    remediation:
      'Add `domain_endpoint_options { enforce_https = true, tls_security_policy = "Policy-Min-TLS-1-2-2019-07" }`.',
    docs: [DOCS],
    checkov: ['CKV_AWS_83'],
    trivy: [['AVD-AWS-0046', 'aws-elasticsearch-enforce-https']],
  }),
  (r) => {
    const opts = blockList(r, 'domain_endpoint_options');
    if (opts === 'unknown') return unknownResult('domain_endpoint_options is known only after apply');
    const first = opts[0];
    if (!first) return fail('No domain_endpoint_options: HTTPS is not enforced');
    // Inside the block, enforce_https defaults to true.
    return expect(
      truthy(first['enforce_https'], true),
      'HTTP requests are accepted',
      'domain_endpoint_options.0.enforce_https',
    );
  },
);

const tls = defineRule(
  awsMeta({
    id: 'OPS-AWS-OPENSEARCH-004',
    title: 'OpenSearch domain endpoint accepts TLS older than 1.2',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: T,
    remediation:
      'Set `domain_endpoint_options { tls_security_policy = "Policy-Min-TLS-1-2-2019-07" }` (or the PFS 2023 policy).',
    docs: [DOCS],
    checkov: ['CKV_AWS_228'],
    trivy: [['AVD-AWS-0126', 'aws-elasticsearch-use-secure-tls-policy']],
  }),
  (r) => {
    const p = str(get(r, 'domain_endpoint_options.0.tls_security_policy'));
    if (p === 'unknown') return unknownResult('tls_security_policy is known only after apply');
    if (p !== undefined && /^Policy-Min-TLS-1-2/.test(p)) return PASS;
    return fail(
      `TLS policy is ${p ?? 'Policy-Min-TLS-1-0-2019-07 (default)'}`,
      p === undefined ? undefined : 'domain_endpoint_options.0.tls_security_policy',
    );
  },
);

const logging = defineRule(
  awsMeta({
    id: 'OPS-AWS-OPENSEARCH-005',
    title: 'OpenSearch domain publishes no logs',
    severity: 'medium',
    family: 'logging',
    resourceTypes: T,
    remediation:
      'Add `log_publishing_options` blocks (e.g. `AUDIT_LOGS`, `ES_APPLICATION_LOGS`) with a `cloudwatch_log_group_arn`.',
    docs: [
      'https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createdomain-configure-slow-logs.html',
    ],
    checkov: ['CKV_AWS_84'],
  }),
  (r) => {
    const opts = blockList(r, 'log_publishing_options');
    if (opts === 'unknown') return unknownResult('log_publishing_options is known only after apply');
    if (opts.some((o) => truthy(o['enabled'], true) === true)) return PASS;
    if (opts.some((o) => truthy(o['enabled'], true) === 'unknown'))
      return unknownResult('log publishing is known only after apply');
    return fail('No log type is published to CloudWatch Logs');
  },
);

export const opensearchRules: Rule[] = [atRest, nodeToNode, https, tls, logging];
