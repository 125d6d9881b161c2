import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const sg = (name: string, body: string, description = 'app') =>
  `resource "aws_security_group" "${name}" {\n  name        = "${name}"\n  description = "${description}"\n${body}}\n`;

const ingress = (from: number, to: number, cidr: string, protocol = 'tcp') =>
  `  ingress {\n    description = "r"\n    from_port   = ${from}\n    to_port     = ${to}\n    protocol    = "${protocol}"\n    cidr_blocks = ["${cidr}"]\n  }\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-SG-001',
    name: 'inline SSH from the world, from a private range, and a range that includes 22',
    files: {
      'main.tf':
        sg('bad', ingress(22, 22, '0.0.0.0/0')) +
        sg('ok', ingress(22, 22, '10.0.0.0/8') + ingress(443, 443, '0.0.0.0/0')) +
        sg('range', ingress(443, 443, '10.0.0.0/8') + ingress(0, 1024, '0.0.0.0/0')),
    },
    expect: {
      'aws_security_group.bad': 'fail:ingress.0.cidr_blocks',
      'aws_security_group.ok': 'pass',
      'aws_security_group.range': 'fail:ingress.1.cidr_blocks',
    },
  },
  {
    rule: 'OPS-AWS-SG-001',
    name: 'ingress rules written with a dynamic block over a variable',
    files: {
      'main.tf': `
variable "rules" {
  default = [
    { port = 443, cidr = "0.0.0.0/0" },
    { port = 22, cidr = "0.0.0.0/0" },
  ]
}
resource "aws_security_group" "dyn" {
  name        = "dyn"
  description = "dynamic"
  dynamic "ingress" {
    for_each = var.rules
    content {
      description = "rule"
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }
  }
}`,
    },
    expect: { 'aws_security_group.dyn': 'fail:ingress.1.cidr_blocks' },
  },
  {
    rule: 'OPS-AWS-SG-001',
    name: 'standalone aws_security_group_rule and aws_vpc_security_group_ingress_rule, with IPv6',
    files: {
      'main.tf': `
resource "aws_security_group_rule" "bad" {
  type              = "ingress"
  security_group_id = "sg-1"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  ipv6_cidr_blocks  = ["::/0"]
}
resource "aws_security_group_rule" "egress" {
  type              = "egress"
  security_group_id = "sg-1"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_vpc_security_group_ingress_rule" "bad" {
  security_group_id = "sg-1"
  from_port         = 22
  to_port           = 22
  ip_protocol       = "tcp"
  cidr_ipv4         = "0.0.0.0/0"
}
resource "aws_vpc_security_group_ingress_rule" "ok" {
  security_group_id = "sg-1"
  from_port         = 22
  to_port           = 22
  ip_protocol       = "tcp"
  cidr_ipv4         = "192.168.0.0/16"
}`,
    },
    expect: {
      'aws_security_group_rule.bad': 'fail:ipv6_cidr_blocks',
      'aws_security_group_rule.egress': 'skip',
      'aws_vpc_security_group_ingress_rule.bad': 'fail:cidr_ipv4',
      'aws_vpc_security_group_ingress_rule.ok': 'pass',
    },
  },
  {
    rule: 'OPS-AWS-SG-001',
    name: 'a CIDR from a data source is unknown, never a violation',
    files: {
      'main.tf': `
data "aws_vpc" "main" {}
resource "aws_security_group_rule" "r" {
  type              = "ingress"
  security_group_id = "sg-1"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = [data.aws_vpc.main.cidr_block]
}`,
    },
    expect: { 'aws_security_group_rule.r': 'unknown' },
  },
  {
    rule: 'OPS-AWS-SG-002',
    name: 'RDP from the world in a count-ed module',
    files: {
      'main.tf': `
module "win" {
  source = "./modules/sg"
  count  = 2
  cidr   = "0.0.0.0/0"
}
module "lan" {
  source = "./modules/sg"
  cidr   = "10.1.0.0/16"
}`,
      'modules/sg/main.tf': `
variable "cidr" {}
resource "aws_security_group" "this" {
  name        = "rdp"
  description = "rdp"
  ingress {
    description = "rdp"
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = [var.cidr]
  }
}`,
    },
    expect: {
      'module.win[0].aws_security_group.this': 'fail:ingress.0.cidr_blocks',
      'module.win[1].aws_security_group.this': 'fail:ingress.0.cidr_blocks',
      'module.lan.aws_security_group.this': 'pass',
    },
  },
  {
    rule: 'OPS-AWS-SG-003',
    name: 'protocol -1 from the world versus one port',
    files: {
      'main.tf': sg('bad', ingress(0, 0, '0.0.0.0/0', '-1')) + sg('ok', ingress(443, 443, '0.0.0.0/0')),
    },
    expect: { 'aws_security_group.bad': 'fail:ingress.0.cidr_blocks', 'aws_security_group.ok': 'pass' },
  },
  {
    rule: 'OPS-AWS-SG-004',
    name: 'PostgreSQL open to the world versus to the VPC',
    files: {
      'main.tf': sg('bad', ingress(5432, 5432, '0.0.0.0/0')) + sg('ok', ingress(5432, 5432, '10.0.0.0/16')),
    },
    expect: { 'aws_security_group.bad': 'fail:ingress.0.cidr_blocks', 'aws_security_group.ok': 'pass' },
  },
  {
    rule: 'OPS-AWS-SG-005',
    name: 'all egress to the world versus HTTPS egress only',
    files: {
      'main.tf':
        sg(
          'bad',
          '  egress {\n    from_port   = 0\n    to_port     = 0\n    protocol    = "-1"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n',
        ) +
        sg(
          'ok',
          '  egress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n',
        ),
    },
    expect: { 'aws_security_group.bad': 'fail:egress.0.cidr_blocks', 'aws_security_group.ok': 'pass' },
  },
  {
    rule: 'OPS-AWS-SG-006',
    name: 'group without description, rule without description, and both described',
    files: {
      'main.tf': `
resource "aws_security_group" "nodesc" { name = "a" }
resource "aws_security_group" "ok" {
  name        = "b"
  description = "web tier"
  ingress {
    description = "https"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
resource "aws_vpc_security_group_ingress_rule" "nodesc" {
  security_group_id = "sg-1"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.0.0.0/8"
}`,
    },
    expect: {
      'aws_security_group.nodesc': 'fail:',
      'aws_security_group.ok': 'pass',
      'aws_vpc_security_group_ingress_rule.nodesc': 'fail:',
    },
  },
  {
    rule: 'OPS-AWS-SG-007',
    name: 'default security group with and without rules',
    files: {
      'main.tf': `
resource "aws_default_security_group" "ok" { vpc_id = "vpc-1" }
resource "aws_default_security_group" "bad" {
  vpc_id = "vpc-2"
  ingress {
    protocol  = -1
    self      = true
    from_port = 0
    to_port   = 0
  }
}`,
    },
    expect: { 'aws_default_security_group.ok': 'pass', 'aws_default_security_group.bad': 'fail:ingress.0' },
  },
];

describe('security group rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
