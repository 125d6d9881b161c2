import type { CheckResult, Rule } from '../../rule.js';
import { all, defineRule, expect, fail, get, PASS, truthy, unknownResult } from '../../rule-kit.js';
import { awsMeta, blockList, str, isConfigured } from './helpers.js';

const T = ['aws_cloudfront_distribution'];

const viewerHttps = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDFRONT-001',
    title: 'CloudFront cache behavior allows plain HTTP viewers',
    severity: 'high',
    family: 'encryption',
    resourceTypes: T,
    remediation:
      'Set `viewer_protocol_policy = "redirect-to-https"` or `"https-only"` in the default and every ordered cache behavior.',
    docs: [
      'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-viewers-to-cloudfront.html',
    ],
    checkov: ['CKV_AWS_34'],
    trivy: [['AVD-AWS-0012', 'aws-cloudfront-enforce-https']],
  }),
  (r) => {
    const results: CheckResult[] = [PASS];
    for (const kind of ['default_cache_behavior', 'ordered_cache_behavior']) {
      const list = blockList(r, kind);
      if (list === 'unknown') {
        results.push(unknownResult(`${kind} is known only after apply`));
        continue;
      }
      list.forEach((b, i) => {
        const p = str(b['viewer_protocol_policy']);
        if (p === 'unknown') results.push(unknownResult('viewer_protocol_policy is known only after apply'));
        else if (p === 'allow-all')
          results.push(fail(`${kind} ${i} allows HTTP`, `${kind}.${i}.viewer_protocol_policy`));
      });
    }
    return all(...results);
  },
);

const tls = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDFRONT-002',
    title: 'CloudFront distribution accepts TLS versions older than 1.2',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: T,
    remediation:
      'Use a custom certificate (`acm_certificate_arn`) with `minimum_protocol_version = "TLSv1.2_2021"` in `viewer_certificate`; the default CloudFront certificate always allows TLSv1.',
    docs: [
      'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html',
    ],
    checkov: ['CKV_AWS_174'],
    trivy: [['AVD-AWS-0013', 'aws-cloudfront-use-secure-tls-policy']],
  }),
  (r) => {
    const dflt = truthy(get(r, 'viewer_certificate.0.cloudfront_default_certificate'), false);
    if (dflt === 'unknown') return unknownResult('viewer_certificate is known only after apply');
    if (dflt)
      return fail(
        'The default CloudFront certificate allows TLSv1',
        'viewer_certificate.0.cloudfront_default_certificate',
      );
    const v = str(get(r, 'viewer_certificate.0.minimum_protocol_version'));
    if (v === 'unknown') return unknownResult('minimum_protocol_version is known only after apply');
    if (v !== undefined && /^TLSv1\.2_20(19|21)$|^TLSv1\.3/.test(v)) return PASS;
    return fail(
      `Minimum protocol version is ${v ?? 'TLSv1 (default)'}`,
      v === undefined ? 'viewer_certificate' : 'viewer_certificate.0.minimum_protocol_version',
    );
  },
);

const logging = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDFRONT-003',
    title: 'CloudFront distribution access logging is not configured',
    severity: 'medium',
    family: 'logging',
    resourceTypes: T,
    remediation:
      'Add a `logging_config { bucket = "<bucket>.s3.amazonaws.com" }` block (or standard logging v2 via CloudWatch log delivery).',
    docs: ['https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html'],
    checkov: ['CKV_AWS_86'],
    trivy: [['AVD-AWS-0010', 'aws-cloudfront-enable-logging']],
  }),
  (r) => {
    const l = blockList(r, 'logging_config');
    if (l === 'unknown') return unknownResult('logging_config is known only after apply');
    return l.length > 0 ? PASS : fail('No logging_config block');
  },
);

const waf = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDFRONT-004',
    title: 'CloudFront distribution has no WAF web ACL',
    severity: 'medium',
    family: 'public-exposure',
    resourceTypes: T,
    remediation: 'Set `web_acl_id` to the ARN of an `aws_wafv2_web_acl` with `scope = "CLOUDFRONT"`.',
    docs: ['https://docs.aws.amazon.com/waf/latest/developerguide/cloudfront-features.html'],
    checkov: ['CKV_AWS_68'],
    trivy: [['AVD-AWS-0011', 'aws-cloudfront-enable-waf']],
  }),
  (r) => expect(isConfigured(get(r, 'web_acl_id')), 'No WAF protects the distribution', 'web_acl_id'),
);

const originHttps = defineRule(
  awsMeta({
    id: 'OPS-AWS-CLOUDFRONT-005',
    title: 'CloudFront custom origin is reached over plain HTTP',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: T,
    remediation: 'Set `origin_protocol_policy = "https-only"` in every `custom_origin_config`.',
    docs: [
      'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-cloudfront-to-custom-origin.html',
    ],
    checkov: ['CKV2_AWS_72'],
  }),
  (r) => {
    const origins = blockList(r, 'origin');
    if (origins === 'unknown') return unknownResult('origins are known only after apply');
    const results: CheckResult[] = [PASS];
    origins.forEach((o, i) => {
      const c = blockList(o, 'custom_origin_config');
      if (c === 'unknown') {
        results.push(unknownResult('custom_origin_config is known only after apply'));
        return;
      }
      c.forEach((cfg, j) => {
        const p = str(cfg['origin_protocol_policy']);
        if (p === 'unknown') results.push(unknownResult('origin_protocol_policy is known only after apply'));
        else if (p !== 'https-only') {
          results.push(
            fail(
              `Origin ${i} uses "${p ?? 'unset'}"`,
              `origin.${i}.custom_origin_config.${j}.origin_protocol_policy`,
            ),
          );
        }
      });
    });
    return all(...results);
  },
);

export const cloudfrontRules: Rule[] = [viewerHttps, tls, logging, waf, originHttps];
