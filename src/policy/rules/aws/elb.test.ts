import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const lb = (name: string, body = '') => `resource "aws_lb" "${name}" {\n  name = "${name}"\n${body}}\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-ELB-001',
    name: 'HTTP forwarding, HTTP redirecting to HTTPS, HTTPS, and a protocol inherited from an ALB',
    files: {
      'main.tf':
        lb('alb') +
        `resource "aws_lb_listener" "bad" {
  load_balancer_arn = aws_lb.alb.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:tg"
  }
}
resource "aws_lb_listener" "redirect" {
  load_balancer_arn = aws_lb.alb.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.alb.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn:aws:acm:cert"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:tg"
  }
}
resource "aws_lb_listener" "implicit" {
  load_balancer_arn = aws_lb.alb.arn
  port              = 8080
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:tg"
  }
}`,
    },
    expect: {
      'aws_lb_listener.bad': 'fail:protocol',
      'aws_lb_listener.redirect': 'pass',
      'aws_lb_listener.https': 'pass',
      'aws_lb_listener.implicit': 'fail:',
    },
  },
  {
    rule: 'OPS-AWS-ELB-002',
    name: 'modern and outdated TLS policies, and an HTTP listener',
    files: {
      'main.tf': `
resource "aws_lb_listener" "ok" {
  load_balancer_arn = "arn:lb"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  default_action { type = "fixed-response" }
}
resource "aws_lb_listener" "old" {
  load_balancer_arn = "arn:lb"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  default_action { type = "fixed-response" }
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:lb"
  port              = 80
  protocol          = "HTTP"
  default_action { type = "fixed-response" }
}`,
    },
    expect: {
      'aws_lb_listener.ok': 'pass',
      'aws_lb_listener.old': 'fail:ssl_policy',
      'aws_lb_listener.http': 'skip',
    },
  },
  {
    rule: 'OPS-AWS-ELB-003',
    name: 'ALB dropping invalid headers, not dropping, and an NLB',
    files: {
      'main.tf':
        lb('ok', '  drop_invalid_header_fields = true\n') +
        lb('bad') +
        lb('nlb', '  load_balancer_type = "network"\n'),
    },
    expect: { 'aws_lb.ok': 'pass', 'aws_lb.bad': 'fail:drop_invalid_header_fields', 'aws_lb.nlb': 'skip' },
  },
  {
    rule: 'OPS-AWS-ELB-004',
    name: 'access logs enabled, bucket without enabled, and none',
    files: {
      'main.tf':
        lb('ok', '  access_logs {\n    bucket  = "lb-logs"\n    enabled = true\n  }\n') +
        lb('bucketonly', '  access_logs {\n    bucket = "lb-logs"\n  }\n') +
        lb('bad'),
    },
    expect: { 'aws_lb.ok': 'pass', 'aws_lb.bucketonly': 'fail:', 'aws_lb.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-ELB-005',
    name: 'deletion protection on and off',
    files: { 'main.tf': lb('ok', '  enable_deletion_protection = true\n') + lb('bad') },
    expect: { 'aws_lb.ok': 'pass', 'aws_lb.bad': 'fail:enable_deletion_protection' },
  },
  {
    rule: 'OPS-AWS-ELB-006',
    name: 'internal and internet-facing load balancers',
    files: { 'main.tf': lb('ok', '  internal = true\n') + lb('bad') },
    expect: { 'aws_lb.ok': 'pass', 'aws_lb.bad': 'fail:internal' },
  },
  {
    rule: 'OPS-AWS-ELB-007',
    name: 'classic ELB listeners over HTTPS and HTTP',
    files: {
      'main.tf': `
resource "aws_elb" "ok" {
  availability_zones = ["eu-west-1a"]
  listener {
    instance_port      = 8080
    instance_protocol  = "http"
    lb_port            = 443
    lb_protocol        = "https"
    ssl_certificate_id = "arn:aws:acm:cert"
  }
}
resource "aws_elb" "bad" {
  availability_zones = ["eu-west-1a"]
  listener {
    instance_port     = 8080
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }
}`,
    },
    expect: { 'aws_elb.ok': 'pass', 'aws_elb.bad': 'fail:listener.0.lb_protocol' },
  },
  {
    rule: 'OPS-AWS-ELB-008',
    name: 'classic ELB with and without access logs',
    files: {
      'main.tf':
        'resource "aws_elb" "ok" {\n  availability_zones = ["eu-west-1a"]\n  access_logs {\n    bucket = "elb-logs"\n  }\n}\nresource "aws_elb" "bad" {\n  availability_zones = ["eu-west-1a"]\n}\n',
    },
    expect: { 'aws_elb.ok': 'pass', 'aws_elb.bad': 'fail:' },
  },
];

describe('load balancer rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
