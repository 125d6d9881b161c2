import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-VPC-001',
    name: 'a VPC with a flow log and one without',
    files: {
      'main.tf': `
resource "aws_vpc" "ok" { cidr_block = "10.0.0.0/16" }
resource "aws_vpc" "bad" { cidr_block = "10.1.0.0/16" }
resource "aws_flow_log" "ok" {
  vpc_id          = aws_vpc.ok.id
  traffic_type    = "ALL"
  log_destination = "arn:aws:s3:::flow-logs"
  log_destination_type = "s3"
}`,
    },
    expect: { 'aws_vpc.ok': 'pass', 'aws_vpc.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-VPC-002',
    name: 'subnets with public IPs on launch from a variable, the default, and unknown',
    files: {
      'main.tf': `
variable "public" { default = true }
data "aws_ssm_parameter" "p" { name = "x" }
resource "aws_subnet" "bad" {
  vpc_id                  = "vpc-1"
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = var.public
}
resource "aws_subnet" "ok" {
  vpc_id     = "vpc-1"
  cidr_block = "10.0.2.0/24"
}
resource "aws_subnet" "unknown" {
  vpc_id                  = "vpc-1"
  cidr_block              = "10.0.3.0/24"
  map_public_ip_on_launch = data.aws_ssm_parameter.p.value
}`,
    },
    expect: {
      'aws_subnet.bad': 'fail:map_public_ip_on_launch',
      'aws_subnet.ok': 'pass',
      'aws_subnet.unknown': 'unknown',
    },
  },
  {
    rule: 'OPS-AWS-VPC-003',
    name: 'NACL entries allowing SSH from anywhere, denying it, and a rule resource',
    files: {
      'main.tf': `
resource "aws_network_acl" "bad" {
  vpc_id = "vpc-1"
  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 22
    to_port    = 22
  }
}
resource "aws_network_acl" "ok" {
  vpc_id = "vpc-1"
  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "deny"
    cidr_block = "0.0.0.0/0"
    from_port  = 22
    to_port    = 22
  }
}
resource "aws_network_acl_rule" "rdp" {
  network_acl_id = "acl-1"
  rule_number    = 200
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 3389
  to_port        = 3389
}`,
    },
    expect: {
      'aws_network_acl.bad': 'fail:ingress.0.cidr_block',
      'aws_network_acl.ok': 'pass',
      'aws_network_acl_rule.rdp': 'fail:cidr_block',
    },
  },
  {
    rule: 'OPS-AWS-VPC-004',
    name: 'NACL allowing every protocol from anywhere versus HTTPS only',
    files: {
      'main.tf': `
resource "aws_network_acl_rule" "all" {
  network_acl_id = "acl-1"
  rule_number    = 100
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 0
  to_port        = 0
}
resource "aws_network_acl_rule" "https" {
  network_acl_id = "acl-1"
  rule_number    = 110
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}`,
    },
    expect: { 'aws_network_acl_rule.all': 'fail:cidr_block', 'aws_network_acl_rule.https': 'pass' },
  },
  {
    rule: 'OPS-AWS-VPC-005',
    name: 'adopting the default VPC',
    files: {
      'main.tf': 'resource "aws_default_vpc" "d" {}\nresource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }\n',
    },
    expect: { 'aws_default_vpc.d': 'fail:' },
  },
];

describe('VPC rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
