import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

/** An aws_iam_policy whose document is `jsonencode` of one statement. */
const policy = (name: string, statement: string) =>
  `resource "aws_iam_policy" "${name}" {\n  name   = "${name}"\n  policy = jsonencode({\n    Version   = "2012-10-17"\n    Statement = [${statement}]\n  })\n}\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-IAM-001',
    name: 'admin policy via jsonencode, heredoc on a role policy, and a scoped policy',
    files: {
      'main.tf':
        policy('admin', '{ Effect = "Allow", Action = "*", Resource = "*" }') +
        policy('scoped', '{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::b/*" }') +
        policy('denyall', '{ Effect = "Deny", Action = "*", Resource = "*" }') +
        `resource "aws_iam_role_policy" "heredoc" {
  role   = "r"
  policy = <<-JSON
    {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*:*", "Resource": "*"}}
  JSON
}`,
    },
    expect: {
      'aws_iam_policy.admin': 'fail:policy',
      'aws_iam_policy.scoped': 'pass',
      'aws_iam_policy.denyall': 'pass',
      'aws_iam_role_policy.heredoc': 'fail:policy',
    },
  },
  {
    rule: 'OPS-AWS-IAM-001',
    name: 'admin statements in an aws_iam_policy_document data source, and role inline policies',
    files: {
      'main.tf': `
data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
resource "aws_iam_user_policy" "doc" {
  user   = "u"
  policy = data.aws_iam_policy_document.admin.json
}
resource "aws_iam_role" "inline" {
  name               = "r"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  inline_policy {
    name   = "ok"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "*" }] })
  }
  inline_policy {
    name   = "admin"
    policy = data.aws_iam_policy_document.admin.json
  }
}
resource "aws_iam_role" "plain" {
  name               = "p"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}`,
    },
    expect: {
      'aws_iam_user_policy.doc': 'fail:policy',
      'aws_iam_role.inline': 'fail:inline_policy.1.policy',
      'aws_iam_role.plain': 'skip',
    },
  },
  {
    rule: 'OPS-AWS-IAM-001',
    name: 'a policy document whose actions come from a data source is unknown',
    files: {
      'main.tf': `
data "aws_ssm_parameter" "actions" { name = "actions" }
data "aws_iam_policy_document" "d" {
  statement {
    actions   = [data.aws_ssm_parameter.actions.value]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.d.json
}`,
    },
    expect: { 'aws_iam_policy.p': 'unknown' },
  },
  {
    rule: 'OPS-AWS-IAM-001',
    name: 'an admin statement whose effect comes from a data source is unknown',
    files: {
      'main.tf': `
data "aws_ssm_parameter" "effect" { name = "effect" }
data "aws_iam_policy_document" "d" {
  statement {
    effect    = data.aws_ssm_parameter.effect.value
    actions   = ["*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.d.json
}`,
    },
    expect: { 'aws_iam_policy.p': 'unknown' },
  },
  {
    rule: 'OPS-AWS-IAM-001',
    name: 'a policy document inside a local module, its actions given as module input, once per count',
    files: {
      'main.tf': `
module "admin" {
  source  = "./modules/policy"
  count   = 2
  actions = ["*"]
}
module "reader" {
  source  = "./modules/policy"
  actions = ["s3:GetObject"]
}`,
      'modules/policy/main.tf': `
variable "actions" { type = list(string) }
data "aws_iam_policy_document" "this" {
  statement {
    actions   = var.actions
    resources = ["*"]
  }
}
resource "aws_iam_policy" "this" {
  name   = "p"
  policy = data.aws_iam_policy_document.this.json
}`,
    },
    expect: {
      'module.admin[0].aws_iam_policy.this': 'fail:policy',
      'module.admin[1].aws_iam_policy.this': 'fail:policy',
      'module.reader.aws_iam_policy.this': 'pass',
    },
  },
  {
    rule: 'OPS-AWS-IAM-002',
    name: 'PassRole on any role versus on one role ARN',
    files: {
      'main.tf':
        policy('bad', '{ Effect = "Allow", Action = ["iam:PassRole"], Resource = "*" }') +
        policy(
          'ok',
          '{ Effect = "Allow", Action = ["iam:PassRole"], Resource = "arn:aws:iam::111122223333:role/app" }',
        ) +
        policy('glob', '{ Effect = "Allow", Action = ["iam:Pass*"], Resource = ["*"] }'),
    },
    expect: {
      'aws_iam_policy.bad': 'fail:policy',
      'aws_iam_policy.ok': 'pass',
      'aws_iam_policy.glob': 'fail:policy',
    },
  },
  {
    rule: 'OPS-AWS-IAM-003',
    name: 'service-wide wildcard versus named actions, from a local',
    files: {
      'main.tf':
        'locals { actions = ["s3:*"] }\n' +
        policy('bad', '{ Effect = "Allow", Action = local.actions, Resource = "arn:aws:s3:::b" }') +
        policy(
          'ok',
          '{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::b/*" }',
        ),
    },
    expect: { 'aws_iam_policy.bad': 'fail:policy', 'aws_iam_policy.ok': 'pass' },
  },
  {
    rule: 'OPS-AWS-IAM-004',
    name: 'Allow with NotAction in a policy document, and Deny with NotAction',
    files: {
      'main.tf': `
data "aws_iam_policy_document" "allow" {
  statement {
    not_actions = ["iam:*"]
    resources   = ["*"]
  }
}
data "aws_iam_policy_document" "deny" {
  statement {
    effect      = "Deny"
    not_actions = ["iam:*"]
    resources   = ["*"]
  }
}
resource "aws_iam_group_policy" "bad" {
  group  = "g"
  policy = data.aws_iam_policy_document.allow.json
}
resource "aws_iam_group_policy" "ok" {
  group  = "g"
  policy = data.aws_iam_policy_document.deny.json
}`,
    },
    expect: { 'aws_iam_group_policy.bad': 'fail:policy', 'aws_iam_group_policy.ok': 'pass' },
  },
  {
    rule: 'OPS-AWS-IAM-005',
    name: 'all actions on one resource versus admin (reported by IAM-001)',
    files: {
      'main.tf':
        policy('bad', '{ Effect = "Allow", Action = "*", Resource = "arn:aws:s3:::b" }') +
        policy('admin', '{ Effect = "Allow", Action = "*", Resource = "*" }'),
    },
    expect: { 'aws_iam_policy.bad': 'fail:policy', 'aws_iam_policy.admin': 'pass' },
  },
  {
    rule: 'OPS-AWS-IAM-006',
    name: 'policies attached to users, groups and roles',
    files: {
      'main.tf': `
resource "aws_iam_user_policy_attachment" "bad" {
  user       = "alice"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
resource "aws_iam_policy_attachment" "mixed" {
  name       = "m"
  users      = ["alice"]
  roles      = ["r"]
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
resource "aws_iam_policy_attachment" "ok" {
  name       = "o"
  groups     = ["devs"]
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}`,
    },
    expect: {
      'aws_iam_user_policy_attachment.bad': 'fail:user',
      'aws_iam_policy_attachment.mixed': 'fail:users',
      'aws_iam_policy_attachment.ok': 'pass',
    },
  },
  {
    rule: 'OPS-AWS-IAM-007',
    name: 'active and inactive access keys',
    files: {
      'main.tf':
        'resource "aws_iam_access_key" "bad" { user = "ci" }\nresource "aws_iam_access_key" "ok" {\n  user   = "old"\n  status = "Inactive"\n}\n',
    },
    expect: { 'aws_iam_access_key.bad': 'fail:user', 'aws_iam_access_key.ok': 'pass' },
  },
  ...(
    [
      [
        'OPS-AWS-IAM-008',
        'minimum_password_length = 14',
        'minimum_password_length = 8',
        'minimum_password_length',
      ],
      [
        'OPS-AWS-IAM-009',
        'password_reuse_prevention = 24',
        'password_reuse_prevention = 5',
        'password_reuse_prevention',
      ],
      ['OPS-AWS-IAM-010', 'require_symbols = true', 'require_symbols = false', 'require_symbols'],
      ['OPS-AWS-IAM-011', 'require_numbers = true', 'require_numbers = false', 'require_numbers'],
      [
        'OPS-AWS-IAM-012',
        'require_uppercase_characters = true',
        'require_uppercase_characters = false',
        'require_uppercase_characters',
      ],
      [
        'OPS-AWS-IAM-013',
        'require_lowercase_characters = true',
        'require_lowercase_characters = false',
        'require_lowercase_characters',
      ],
      ['OPS-AWS-IAM-014', 'max_password_age = 90', 'max_password_age = 180', 'max_password_age'],
    ] as const
  ).map(([rule, good, bad, attr]): RuleCase => ({
    rule,
    name: `password policy with ${good} and ${bad}`,
    files: {
      'main.tf': `resource "aws_iam_account_password_policy" "ok" {\n  ${good}\n}\nresource "aws_iam_account_password_policy" "bad" {\n  ${bad}\n}\n`,
    },
    expect: {
      'aws_iam_account_password_policy.ok': 'pass',
      'aws_iam_account_password_policy.bad': `fail:${attr}`,
    },
  })),
  {
    rule: 'OPS-AWS-IAM-008',
    name: 'an empty password policy keeps the 6-character default',
    files: { 'main.tf': 'resource "aws_iam_account_password_policy" "p" {}\n' },
    expect: { 'aws_iam_account_password_policy.p': 'fail:' },
  },
  {
    rule: 'OPS-AWS-IAM-015',
    name: 'trust policies for anyone, for an organisation, and for a service',
    files: {
      'main.tf': `
resource "aws_iam_role" "bad" {
  name               = "bad"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role" "org" {
  name = "org"
  assume_role_policy = jsonencode({ Statement = [{
    Effect    = "Allow"
    Principal = { AWS = "*" }
    Action    = "sts:AssumeRole"
    Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc" } }
  }] })
}
data "aws_iam_policy_document" "svc" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "svc" {
  name               = "svc"
  assume_role_policy = data.aws_iam_policy_document.svc.json
}`,
    },
    expect: {
      'aws_iam_role.bad': 'fail:assume_role_policy',
      'aws_iam_role.org': 'pass',
      'aws_iam_role.svc': 'pass',
    },
  },
  {
    rule: 'OPS-AWS-IAM-001',
    name: 'jsonencode documents with a computed Resource: decided when the Resource cannot matter',
    files: {
      'main.tf':
        'resource "aws_s3_bucket" "b" { bucket = "b" }\n' +
        policy('computed', '{ Effect = "Allow", Action = "*", Resource = aws_s3_bucket.b.arn }') +
        policy('star', '{ Effect = "Allow", Action = "*", Resource = ["*", aws_s3_bucket.b.arn] }') +
        policy('effect', '{ Effect = aws_s3_bucket.b.id, Action = "*", Resource = "*" }') +
        policy('scoped', '{ Effect = "Allow", Action = "s3:GetObject", Resource = aws_s3_bucket.b.arn }'),
    },
    expect: {
      'aws_iam_policy.computed': 'unknown',
      'aws_iam_policy.star': 'fail:policy',
      'aws_iam_policy.effect': 'unknown',
      'aws_iam_policy.scoped': 'pass',
    },
  },
  {
    rule: 'OPS-AWS-IAM-005',
    name: 'all actions on a computed Resource is unknown, not a violation (it may be "*")',
    files: {
      'main.tf':
        'resource "aws_s3_bucket" "b" { bucket = "b" }\n' +
        policy('computed', '{ Effect = "Allow", Action = "*", Resource = aws_s3_bucket.b.arn }') +
        policy('known', '{ Effect = "Allow", Action = "*", Resource = "arn:aws:s3:::b" }'),
    },
    expect: { 'aws_iam_policy.computed': 'unknown', 'aws_iam_policy.known': 'fail:policy' },
  },
  {
    rule: 'OPS-AWS-IAM-003',
    name: 'a whole-service grant is reported even when its Resource is computed',
    files: {
      'main.tf':
        'resource "aws_s3_bucket" "b" { bucket = "b" }\n' +
        policy('svc', '{ Effect = "Allow", Action = "s3:*", Resource = aws_s3_bucket.b.arn }') +
        policy('narrow', '{ Effect = "Allow", Action = ["s3:GetObject"], Resource = aws_s3_bucket.b.arn }'),
    },
    expect: { 'aws_iam_policy.svc': 'fail:policy', 'aws_iam_policy.narrow': 'pass' },
  },
  {
    rule: 'OPS-AWS-IAM-002',
    name: 'iam:PassRole on a computed Resource is unknown, on a known "*" next to it a violation',
    files: {
      'main.tf':
        'resource "aws_iam_role" "r" { assume_role_policy = "{}" }\n' +
        policy('computed', '{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.r.arn }') +
        policy('star', '{ Effect = "Allow", Action = "iam:Pass*", Resource = ["*", aws_iam_role.r.arn] }') +
        policy('computed_action', '{ Effect = "Allow", Action = [aws_iam_role.r.name], Resource = "*" }'),
    },
    expect: {
      'aws_iam_policy.computed': 'unknown',
      'aws_iam_policy.star': 'fail:policy',
      'aws_iam_policy.computed_action': 'unknown',
    },
  },
  {
    rule: 'OPS-AWS-IAM-015',
    name: 'trust policies with computed parts: decided by known Principal and condition keys only',
    files: {
      'main.tf': `
resource "random_password" "x" { length = 16 }
data "aws_caller_identity" "c" {}
resource "aws_iam_role" "external_id" {
  name = "e"
  assume_role_policy = jsonencode({ Statement = [{
    Effect    = "Allow"
    Principal = "*"
    Action    = "sts:AssumeRole"
    Condition = { StringEquals = { "sts:ExternalId" = random_password.x.result } }
  }] })
}
resource "aws_iam_role" "account" {
  name = "a"
  assume_role_policy = jsonencode({ Statement = [{
    Effect    = "Allow"
    Principal = "*"
    Action    = "sts:AssumeRole"
    Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.c.account_id } }
  }] })
}
resource "aws_iam_role" "computed_condition" {
  name = "c"
  assume_role_policy = jsonencode({ Statement = [{
    Effect    = "Allow"
    Principal = "*"
    Action    = "sts:AssumeRole"
    Condition = { StringEquals = random_password.x.keepers }
  }] })
}
resource "aws_iam_role" "computed_principal" {
  name = "p"
  assume_role_policy = jsonencode({ Statement = [{
    Effect    = "Allow"
    Principal = { AWS = data.aws_caller_identity.c.arn }
    Action    = "sts:AssumeRole"
  }] })
}
data "aws_iam_policy_document" "account" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.c.account_id]
    }
  }
}
resource "aws_iam_role" "doc_account" {
  name               = "d"
  assume_role_policy = data.aws_iam_policy_document.account.json
}`,
    },
    expect: {
      'aws_iam_role.external_id': 'fail:assume_role_policy',
      'aws_iam_role.account': 'unknown',
      'aws_iam_role.computed_condition': 'unknown',
      'aws_iam_role.computed_principal': 'unknown',
      'aws_iam_role.doc_account': 'unknown',
    },
  },
  {
    rule: 'OPS-AWS-SQS-002',
    name: 'resource policies read from jsonencode with computed values (shared policy reader)',
    files: {
      'main.tf': `
resource "aws_sqs_queue" "q" { name = "q" }
resource "aws_sns_topic" "t" { name = "t" }
resource "aws_sqs_queue_policy" "public" {
  queue_url = aws_sqs_queue.q.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = aws_sqs_queue.q.arn }] })
}
resource "aws_sqs_queue_policy" "from_topic" {
  queue_url = aws_sqs_queue.q.id
  policy = jsonencode({ Statement = [{
    Effect    = "Allow"
    Principal = "*"
    Action    = "sqs:SendMessage"
    Resource  = aws_sqs_queue.q.arn
    Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.t.arn } }
  }] })
}
resource "aws_sqs_queue_policy" "computed_principal" {
  queue_url = aws_sqs_queue.q.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = aws_sns_topic.t.owner }, Action = "sqs:*", Resource = "*" }] })
}`,
    },
    expect: {
      'aws_sqs_queue_policy.public': 'fail:policy',
      'aws_sqs_queue_policy.from_topic': 'pass',
      'aws_sqs_queue_policy.computed_principal': 'unknown',
    },
  },
];

describe('IAM rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
