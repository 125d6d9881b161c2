import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const domain = (name: string, body = '') =>
  `resource "aws_opensearch_domain" "${name}" {\n  domain_name = "${name}"\n${body}}\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-OPENSEARCH-001',
    name: 'encryption at rest on and absent',
    files: { 'main.tf': domain('ok', '  encrypt_at_rest {\n    enabled = true\n  }\n') + domain('bad') },
    expect: { 'aws_opensearch_domain.ok': 'pass', 'aws_opensearch_domain.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-OPENSEARCH-002',
    name: 'node-to-node encryption on and off, on an Elasticsearch domain',
    files: {
      'main.tf':
        'resource "aws_elasticsearch_domain" "ok" {\n  domain_name = "a"\n  node_to_node_encryption {\n    enabled = true\n  }\n}\nresource "aws_elasticsearch_domain" "bad" {\n  domain_name = "b"\n  node_to_node_encryption {\n    enabled = false\n  }\n}\n',
    },
    expect: {
      'aws_elasticsearch_domain.ok': 'pass',
      'aws_elasticsearch_domain.bad': 'fail:node_to_node_encryption.0.enabled',
    },
  },
  {
    rule: 'OPS-AWS-OPENSEARCH-003',
    name: 'HTTPS enforced by the endpoint block default, disabled, and no block',
    files: {
      'main.tf':
        domain(
          'ok',
          '  domain_endpoint_options {\n    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"\n  }\n',
        ) +
        domain('off', '  domain_endpoint_options {\n    enforce_https = false\n  }\n') +
        domain('none'),
    },
    expect: {
      'aws_opensearch_domain.ok': 'pass',
      'aws_opensearch_domain.off': 'fail:domain_endpoint_options.0.enforce_https',
      'aws_opensearch_domain.none': 'fail:',
    },
  },
  {
    rule: 'OPS-AWS-OPENSEARCH-004',
    name: 'TLS 1.2 policy versus the TLS 1.0 policy',
    files: {
      'main.tf':
        domain(
          'ok',
          '  domain_endpoint_options {\n    tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10"\n  }\n',
        ) +
        domain(
          'bad',
          '  domain_endpoint_options {\n    tls_security_policy = "Policy-Min-TLS-1-0-2019-07"\n  }\n',
        ),
    },
    expect: {
      'aws_opensearch_domain.ok': 'pass',
      'aws_opensearch_domain.bad': 'fail:domain_endpoint_options.0.tls_security_policy',
    },
  },
  {
    rule: 'OPS-AWS-OPENSEARCH-005',
    name: 'audit logs published or no logging',
    files: {
      'main.tf':
        domain(
          'ok',
          '  log_publishing_options {\n    log_type                 = "AUDIT_LOGS"\n    cloudwatch_log_group_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:os"\n  }\n',
        ) + domain('bad'),
    },
    expect: { 'aws_opensearch_domain.ok': 'pass', 'aws_opensearch_domain.bad': 'fail:' },
  },
];

describe('OpenSearch rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
