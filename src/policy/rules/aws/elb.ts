import type { IacResource } from '../../../iac/resource.js';
import type { Rule, RuleContext } from '../../rule.js';
import { all, defineRule, expect, fail, get, PASS, SKIP, truthy, unknownResult } from '../../rule-kit.js';
import { awsMeta, blockList, str } from './helpers.js';

const LISTENERS = ['aws_lb_listener', 'aws_alb_listener'];
const LBS = ['aws_lb', 'aws_alb'];

/** `application`, `network` or `gateway`; 'unknown' when Unknown. */
function lbType(r: IacResource): string {
  const t = str(get(r, 'load_balancer_type'));
  return t === 'unknown' ? 'unknown' : (t ?? 'application');
}

/** A listener's protocol: its own, else the default for its load balancer's type. */
function listenerProtocol(r: IacResource, ctx: RuleContext): string {
  const p = str(get(r, 'protocol'));
  if (p !== undefined) return p === 'unknown' ? 'unknown' : p.toUpperCase();
  const lbs = ctx.graph.referencedBy(r, 'load_balancer_arn').filter((x) => LBS.includes(x.type));
  const first = lbs[0];
  if (!first) return 'unknown';
  const t = lbType(first);
  if (t === 'unknown') return 'unknown';
  return t === 'application' ? 'HTTP' : 'TCP';
}

const httpListener = defineRule(
  awsMeta({
    id: 'OPS-AWS-ELB-001',
    title: 'Load balancer listener serves plain HTTP without redirecting to HTTPS',
    severity: 'high',
    family: 'encryption',
    resourceTypes: LISTENERS,
    remediation:
      'Use `protocol = "HTTPS"` with a `certificate_arn`, or make the HTTP listener\'s `default_action` a `redirect` with `protocol = "HTTPS"`.',
    docs: [
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html',
    ],
    checkov: ['CKV_AWS_2'],
    trivy: [['AVD-AWS-0054', 'aws-elb-http-not-used']],
  }),
  (r, ctx) => {
    const p = listenerProtocol(r, ctx);
    if (p === 'unknown') return unknownResult('listener protocol is known only after apply');
    if (p !== 'HTTP') return PASS;
    const actions = blockList(r, 'default_action');
    if (actions === 'unknown') return unknownResult('default_action is known only after apply');
    const redirects = actions.some(
      (a) =>
        str(a['type']) === 'redirect' &&
        str(get(a, 'redirect.protocol'))?.toString().toUpperCase() === 'HTTPS',
    );
    if (redirects) return PASS;
    if (actions.some((a) => str(a['type']) === 'unknown' || str(get(a, 'redirect.protocol')) === 'unknown')) {
      return unknownResult('default_action is known only after apply');
    }
    return fail(
      'HTTP listener forwards traffic unencrypted',
      get(r, 'protocol') === undefined ? undefined : 'protocol',
    );
  },
);

const MODERN_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

const tlsPolicy = defineRule(
  awsMeta({
    id: 'OPS-AWS-ELB-002',
    title: 'Load balancer listener uses an outdated TLS policy',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: LISTENERS,
    remediation:
      'Set `ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"` (or another TLS 1.2+ policy) on HTTPS and TLS listeners.',
    docs: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html'],
    checkov: ['CKV_AWS_103'],
    trivy: [['AVD-AWS-0047', 'aws-elb-use-secure-tls-policy']],
  }),
  (r, ctx) => {
    const p = listenerProtocol(r, ctx);
    if (p === 'unknown') return unknownResult('listener protocol is known only after apply');
    if (p !== 'HTTPS' && p !== 'TLS') return SKIP;
    const pol = str(get(r, 'ssl_policy'));
    if (pol === 'unknown') return unknownResult('ssl_policy is known only after apply');
    if (pol === undefined)
      return fail('`ssl_policy` is not set (the API default, ELBSecurityPolicy-2016-08, allows TLS 1.0)');
    return MODERN_POLICY.test(pol) ? PASS : fail(`"${pol}" allows TLS versions below 1.2`, 'ssl_policy');
  },
);

const dropHeaders = defineRule(
  awsMeta({
    id: 'OPS-AWS-ELB-003',
    title: 'Application load balancer does not drop invalid header fields',
    severity: 'medium',
    family: 'public-exposure',
    resourceTypes: LBS,
    remediation: 'Set `drop_invalid_header_fields = true` on application load balancers.',
    docs: [
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes',
    ],
    checkov: ['CKV_AWS_131'],
    trivy: [['AVD-AWS-0052', 'aws-elb-drop-invalid-headers']],
  }),
  (r) => {
    const t = lbType(r);
    if (t === 'unknown') return unknownResult('load_balancer_type is known only after apply');
    if (t !== 'application') return SKIP;
    return expect(
      truthy(get(r, 'drop_invalid_header_fields'), false),
      'Invalid HTTP headers are passed to targets',
      'drop_invalid_header_fields',
    );
  },
);

const lbLogs = defineRule(
  awsMeta({
    id: 'OPS-AWS-ELB-004',
    title: 'Load balancer access logs are not enabled',
    severity: 'medium',
    family: 'logging',
    resourceTypes: LBS,
    remediation:
      'Add `access_logs { bucket = ..., enabled = true }` (`enabled` defaults to false even when a bucket is given).',
    docs: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html'],
    checkov: ['CKV_AWS_91'],
  }),
  (r) => {
    const t = lbType(r);
    if (t === 'unknown') return unknownResult('load_balancer_type is known only after apply');
    if (t === 'gateway') return SKIP;
    return expect(
      truthy(get(r, 'access_logs.0.enabled'), false),
      'Access logs are off',
      get(r, 'access_logs.0.enabled') === undefined ? undefined : 'access_logs.0.enabled',
    );
  },
);

const lbDeletion = defineRule(
  awsMeta({
    id: 'OPS-AWS-ELB-005',
    title: 'Load balancer has no deletion protection',
    severity: 'low',
    family: 'resilience',
    resourceTypes: LBS,
    remediation: 'Set `enable_deletion_protection = true`.',
    docs: [
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection',
    ],
    checkov: ['CKV_AWS_150'],
  }),
  (r) =>
    expect(
      truthy(get(r, 'enable_deletion_protection'), false),
      'Deletion protection is off',
      'enable_deletion_protection',
    ),
);

const internetFacing = defineRule(
  awsMeta({
    id: 'OPS-AWS-ELB-006',
    title: 'Load balancer is internet-facing',
    severity: 'info',
    family: 'public-exposure',
    resourceTypes: [...LBS, 'aws_elb'],
    remediation:
      'Set `internal = true` unless the load balancer must serve the internet; if it must, put a WAF in front of it.',
    docs: [
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html#load-balancer-scheme',
    ],
    trivy: [['AVD-AWS-0053', 'aws-elb-alb-not-public']],
  }),
  (r) => {
    const v = truthy(get(r, 'internal'), false);
    return expect(v === 'unknown' ? 'unknown' : v, 'Load balancer has a public scheme', 'internal');
  },
);

const classicHttp = defineRule(
  awsMeta({
    id: 'OPS-AWS-ELB-007',
    title: 'Classic load balancer listener accepts plain HTTP or TCP',
    severity: 'high',
    family: 'encryption',
    resourceTypes: ['aws_elb'],
    remediation: 'Use `lb_protocol = "https"` (or `"ssl"`) with an `ssl_certificate_id` on every listener.',
    docs: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-listener-config.html'],
    checkov: ['CKV_AWS_376'],
  }),
  (r) => {
    const listeners = blockList(r, 'listener');
    if (listeners === 'unknown') return unknownResult('listeners are known only after apply');
    return all(
      PASS,
      ...listeners.map((l, i) => {
        const p = str(l['lb_protocol']);
        if (p === 'unknown') return unknownResult('lb_protocol is known only after apply');
        const ok = p !== undefined && ['https', 'ssl'].includes(p.toLowerCase());
        return ok
          ? PASS
          : fail(`Listener ${i} uses ${p ?? 'an unencrypted protocol'}`, `listener.${i}.lb_protocol`);
      }),
    );
  },
);

const classicLogs = defineRule(
  awsMeta({
    id: 'OPS-AWS-ELB-008',
    title: 'Classic load balancer access logs are not enabled',
    severity: 'medium',
    family: 'logging',
    resourceTypes: ['aws_elb'],
    remediation: 'Add `access_logs { bucket = ... }` (`enabled` defaults to true when the block is present).',
    docs: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html'],
    checkov: ['CKV_AWS_92'],
  }),
  (r) => {
    const logs = blockList(r, 'access_logs');
    if (logs === 'unknown') return unknownResult('access_logs are known only after apply');
    const first = logs[0];
    if (!first) return fail('No access_logs block');
    return expect(truthy(first['enabled'], true), 'Access logs are disabled', 'access_logs.0.enabled');
  },
);

export const elbRules: Rule[] = [
  httpListener,
  tlsPolicy,
  dropHeaders,
  lbLogs,
  lbDeletion,
  internetFacing,
  classicHttp,
  classicLogs,
];
