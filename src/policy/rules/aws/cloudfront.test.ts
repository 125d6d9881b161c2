import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

/** A distribution with one custom origin; `extra` goes inside the resource. */
const dist = (
  name: string,
  opts: { viewer?: string; originPolicy?: string; cert?: string; extra?: string },
) => `
resource "aws_cloudfront_distribution" "${name}" {
  enabled = true
  origin {
    domain_name = "app.example.com"
    origin_id   = "app"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "${opts.originPolicy ?? 'https-only'}"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    target_origin_id       = "app"
    viewer_protocol_policy = "${opts.viewer ?? 'redirect-to-https'}"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
  restrictions {
    geo_restriction { restriction_type = "none" }
  }
  viewer_certificate {
${opts.cert ?? '    acm_certificate_arn      = "arn:aws:acm:us-east-1:111122223333:certificate/c"\n    ssl_support_method       = "sni-only"\n    minimum_protocol_version = "TLSv1.2_2021"'}
  }
${opts.extra ?? ''}}
`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-CLOUDFRONT-001',
    name: 'redirect-to-https versus allow-all',
    files: { 'main.tf': dist('ok', {}) + dist('bad', { viewer: 'allow-all' }) },
    expect: {
      'aws_cloudfront_distribution.ok': 'pass',
      'aws_cloudfront_distribution.bad': 'fail:default_cache_behavior.0.viewer_protocol_policy',
    },
  },
  {
    rule: 'OPS-AWS-CLOUDFRONT-002',
    name: 'TLSv1.2_2021 with a custom certificate, TLSv1, and the default certificate',
    files: {
      'main.tf':
        dist('ok', {}) +
        dist('old', {
          cert: '    acm_certificate_arn      = "arn:c"\n    ssl_support_method       = "sni-only"\n    minimum_protocol_version = "TLSv1"',
        }) +
        dist('default', { cert: '    cloudfront_default_certificate = true' }),
    },
    expect: {
      'aws_cloudfront_distribution.ok': 'pass',
      'aws_cloudfront_distribution.old': 'fail:viewer_certificate.0.minimum_protocol_version',
      'aws_cloudfront_distribution.default': 'fail:viewer_certificate.0.cloudfront_default_certificate',
    },
  },
  {
    rule: 'OPS-AWS-CLOUDFRONT-003',
    name: 'logging configured or not',
    files: {
      'main.tf':
        dist('ok', { extra: '  logging_config {\n    bucket = "logs.s3.amazonaws.com"\n  }\n' }) +
        dist('bad', {}),
    },
    expect: { 'aws_cloudfront_distribution.ok': 'pass', 'aws_cloudfront_distribution.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-CLOUDFRONT-004',
    name: 'a WAF web ACL from a resource versus none',
    files: {
      'main.tf':
        'resource "aws_wafv2_web_acl" "w" {\n  name  = "w"\n  scope = "CLOUDFRONT"\n}\n' +
        dist('ok', { extra: '  web_acl_id = aws_wafv2_web_acl.w.arn\n' }) +
        dist('bad', {}),
    },
    expect: {
      'aws_cloudfront_distribution.ok': 'pass',
      'aws_cloudfront_distribution.bad': 'fail:web_acl_id',
    },
  },
  {
    rule: 'OPS-AWS-CLOUDFRONT-005',
    name: 'origin over HTTPS only versus match-viewer',
    files: { 'main.tf': dist('ok', {}) + dist('bad', { originPolicy: 'match-viewer' }) },
    expect: {
      'aws_cloudfront_distribution.ok': 'pass',
      'aws_cloudfront_distribution.bad': 'fail:origin.0.custom_origin_config.0.origin_protocol_policy',
    },
  },
];

describe('CloudFront rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
