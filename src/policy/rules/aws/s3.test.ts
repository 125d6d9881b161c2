import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const bucket = (name: string, extra = '') =>
  `resource "aws_s3_bucket" "${name}" {\n  bucket = "${name}-bucket"\n${extra}}\n`;

const PAB_ALL = `
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-S3-001',
    name: 'split encryption resource, inline block, and no encryption',
    files: {
      'main.tf':
        bucket('ok') +
        bucket(
          'legacy',
          '  server_side_encryption_configuration {\n    rule {\n      apply_server_side_encryption_by_default {\n        sse_algorithm = "AES256"\n      }\n    }\n  }\n',
        ) +
        bucket('bad') +
        `resource "aws_s3_bucket_server_side_encryption_configuration" "ok" {
  bucket = aws_s3_bucket.ok.id
  rule {
    apply_server_side_encryption_by_default { sse_algorithm = "aws:kms" }
  }
}`,
    },
    expect: { 'aws_s3_bucket.ok': 'pass', 'aws_s3_bucket.legacy': 'pass', 'aws_s3_bucket.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-S3-001',
    name: 'for_each buckets paired with for_each encryption by key',
    files: {
      'main.tf': `
locals { names = toset(["a", "b"]) }
resource "aws_s3_bucket" "b" {
  for_each = local.names
  bucket   = "data-\${each.key}"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "e" {
  for_each = aws_s3_bucket.b
  bucket   = each.value.id
  rule {
    apply_server_side_encryption_by_default { sse_algorithm = "AES256" }
  }
}`,
    },
    expect: { 'aws_s3_bucket.b["a"]': 'pass', 'aws_s3_bucket.b["b"]': 'pass' },
  },
  {
    rule: 'OPS-AWS-S3-002',
    name: 'KMS key from a variable passes, AES256 fails',
    files: {
      'main.tf':
        bucket('ok') +
        bucket('bad') +
        `variable "key" { default = "arn:aws:kms:eu-west-1:111122223333:key/abc" }
resource "aws_s3_bucket_server_side_encryption_configuration" "ok" {
  bucket = aws_s3_bucket.ok.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.key
    }
  }
}
resource "aws_s3_bucket_server_side_encryption_configuration" "bad" {
  bucket = aws_s3_bucket.bad.id
  rule {
    apply_server_side_encryption_by_default { sse_algorithm = "AES256" }
  }
}`,
    },
    expect: { 'aws_s3_bucket.ok': 'pass', 'aws_s3_bucket.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-S3-002',
    name: 'a key created in the same configuration counts as a customer-managed key',
    files: {
      'main.tf':
        bucket('b') +
        `resource "aws_kms_key" "k" {}
resource "aws_s3_bucket_server_side_encryption_configuration" "e" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k.arn
    }
  }
}`,
    },
    expect: { 'aws_s3_bucket.b': 'pass' },
  },
  {
    rule: 'OPS-AWS-S3-002',
    name: 'an algorithm read from a data source is unknown',
    files: {
      'main.tf':
        bucket('b') +
        `data "aws_ssm_parameter" "algo" { name = "algo" }
resource "aws_s3_bucket_server_side_encryption_configuration" "e" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default { sse_algorithm = data.aws_ssm_parameter.algo.value }
  }
}`,
    },
    expect: { 'aws_s3_bucket.b': 'unknown' },
  },
  {
    rule: 'OPS-AWS-S3-003',
    name: 'bucket-level block, account-level block absent, and none',
    files: {
      'main.tf':
        bucket('ok') +
        bucket('bad') +
        `resource "aws_s3_bucket_public_access_block" "ok" {\n  bucket = aws_s3_bucket.ok.id\n${PAB_ALL}}\n`,
    },
    expect: { 'aws_s3_bucket.ok': 'pass', 'aws_s3_bucket.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-S3-003',
    name: 'an account-wide public access block covers every bucket',
    files: {
      'main.tf': bucket('b') + `resource "aws_s3_account_public_access_block" "acct" {\n${PAB_ALL}}\n`,
    },
    expect: { 'aws_s3_bucket.b': 'pass' },
  },
  {
    rule: 'OPS-AWS-S3-004',
    name: 'all four flags pass; a flag left false by a variable default fails on that flag',
    files: {
      'main.tf': `
variable "restrict" { default = false }
resource "aws_s3_bucket_public_access_block" "ok" {
  bucket = "ok"
${PAB_ALL}}
resource "aws_s3_bucket_public_access_block" "bad" {
  bucket                  = "bad"
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = var.restrict
}`,
    },
    expect: {
      'aws_s3_bucket_public_access_block.ok': 'pass',
      'aws_s3_bucket_public_access_block.bad': 'fail:restrict_public_buckets',
    },
  },
  {
    rule: 'OPS-AWS-S3-004',
    name: 'omitted flags default to false',
    files: {
      'main.tf': `resource "aws_s3_bucket_public_access_block" "p" {\n  bucket = "x"\n  block_public_acls = true\n}`,
    },
    expect: { 'aws_s3_bucket_public_access_block.p': 'fail:block_public_policy' },
  },
  {
    rule: 'OPS-AWS-S3-005',
    name: 'canned ACLs on the bucket and on aws_s3_bucket_acl, from a tfvars value',
    files: {
      'main.tf':
        bucket('ok', '  acl = "private"\n') +
        bucket('bad', '  acl = var.acl\n') +
        `variable "acl" { default = "private" }
resource "aws_s3_bucket_acl" "ok" {
  bucket = "ok-bucket"
  acl    = "private"
}
resource "aws_s3_bucket_acl" "bad" {
  bucket = "bad-bucket"
  acl    = "public-read-write"
}`,
      'terraform.tfvars': 'acl = "public-read"\n',
    },
    expect: {
      'aws_s3_bucket.ok': 'pass',
      'aws_s3_bucket.bad': 'fail:acl',
      'aws_s3_bucket_acl.ok': 'pass',
      'aws_s3_bucket_acl.bad': 'fail:acl',
    },
  },
  {
    rule: 'OPS-AWS-S3-005',
    name: 'a grant to AllUsers in access_control_policy',
    files: {
      'main.tf': `
resource "aws_s3_bucket_acl" "bad" {
  bucket = "b"
  access_control_policy {
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/global/AllUsers"
      }
      permission = "READ"
    }
    owner { id = "abc" }
  }
}`,
    },
    expect: { 'aws_s3_bucket_acl.bad': 'fail:access_control_policy.0.grant.0.grantee.0.uri' },
  },
  {
    rule: 'OPS-AWS-S3-006',
    name: 'jsonencode policy with Principal "*" with and without a narrowing condition',
    files: {
      'main.tf': `
resource "aws_s3_bucket_policy" "bad" {
  bucket = "b"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" }]
  })
}
resource "aws_s3_bucket_policy" "ok" {
  bucket = "c"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::c/*"
      Condition = { StringEquals = { "aws:SourceVpce" = "vpce-123" } }
    }]
  })
}`,
    },
    expect: { 'aws_s3_bucket_policy.bad': 'fail:policy', 'aws_s3_bucket_policy.ok': 'pass' },
  },
  {
    rule: 'OPS-AWS-S3-006',
    name: 'heredoc JSON and aws_iam_policy_document data sources',
    files: {
      'main.tf': `
resource "aws_s3_bucket_policy" "heredoc" {
  bucket = "b"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]
}
EOF
}
data "aws_iam_policy_document" "public" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::c/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
resource "aws_s3_bucket_policy" "doc" {
  bucket = "c"
  policy = data.aws_iam_policy_document.public.json
}
data "aws_iam_policy_document" "account" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::d/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}
resource "aws_s3_bucket_policy" "scoped" {
  bucket = "d"
  policy = data.aws_iam_policy_document.account.json
}`,
    },
    expect: {
      'aws_s3_bucket_policy.heredoc': 'fail:policy',
      'aws_s3_bucket_policy.doc': 'fail:policy',
      'aws_s3_bucket_policy.scoped': 'pass',
    },
  },
  {
    rule: 'OPS-AWS-S3-006',
    name: 'a public grant is reported although its Resource is known only after apply',
    files: {
      'main.tf':
        bucket('b') +
        `resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "\${aws_s3_bucket.b.arn}/*" }]
  })
}`,
    },
    expect: { 'aws_s3_bucket_policy.p': 'fail:policy' },
  },
  {
    rule: 'OPS-AWS-S3-006',
    name: 'a policy whose Principal is known only after apply is unknown',
    files: {
      'main.tf':
        bucket('b') +
        'resource "aws_iam_role" "r" {\n  name = "r"\n}\n' +
        `resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_role.r.arn }, Action = "s3:GetObject", Resource = "\${aws_s3_bucket.b.arn}/*" }]
  })
}`,
    },
    expect: { 'aws_s3_bucket_policy.p': 'unknown' },
  },
  {
    rule: 'OPS-AWS-S3-007',
    name: 'split versioning Enabled, Suspended, inline, and none',
    files: {
      'main.tf':
        bucket('ok') +
        bucket('suspended') +
        bucket('inline', '  versioning {\n    enabled = true\n  }\n') +
        bucket('bad') +
        `resource "aws_s3_bucket_versioning" "ok" {
  bucket = aws_s3_bucket.ok.id
  versioning_configuration { status = "Enabled" }
}
resource "aws_s3_bucket_versioning" "s" {
  bucket = aws_s3_bucket.suspended.id
  versioning_configuration { status = "Suspended" }
}`,
    },
    expect: {
      'aws_s3_bucket.ok': 'pass',
      'aws_s3_bucket.suspended': 'fail:',
      'aws_s3_bucket.inline': 'pass',
      'aws_s3_bucket.bad': 'fail:',
    },
  },
  {
    rule: 'OPS-AWS-S3-007',
    name: 'a bucket in a local module gets versioning from a module input',
    files: {
      'main.tf': `
module "on" {
  source     = "./modules/bucket"
  name       = "on"
  versioning = "Enabled"
}
module "off" {
  source     = "./modules/bucket"
  name       = "off"
  versioning = "Disabled"
}`,
      'modules/bucket/main.tf': `
variable "name" {}
variable "versioning" {}
resource "aws_s3_bucket" "this" { bucket = var.name }
resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration { status = var.versioning }
}`,
    },
    expect: { 'module.on.aws_s3_bucket.this': 'pass', 'module.off.aws_s3_bucket.this': 'fail:' },
  },
  {
    rule: 'OPS-AWS-S3-008',
    name: 'split logging, inline logging, log target exempt, and none',
    files: {
      'main.tf':
        bucket('logs') +
        bucket('ok') +
        bucket('inline', '  logging {\n    target_bucket = "logs-bucket"\n  }\n') +
        bucket('bad') +
        `resource "aws_s3_bucket_logging" "ok" {
  bucket        = aws_s3_bucket.ok.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "ok/"
}`,
    },
    expect: {
      'aws_s3_bucket.ok': 'pass',
      'aws_s3_bucket.inline': 'pass',
      'aws_s3_bucket.logs': 'skip',
      'aws_s3_bucket.bad': 'fail:',
    },
  },
  {
    rule: 'OPS-AWS-S3-009',
    name: 'MFA delete on the split versioning resource',
    files: {
      'main.tf':
        bucket('ok') +
        bucket('bad') +
        `resource "aws_s3_bucket_versioning" "ok" {
  bucket = aws_s3_bucket.ok.id
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Enabled"
  }
}
resource "aws_s3_bucket_versioning" "bad" {
  bucket = aws_s3_bucket.bad.id
  versioning_configuration { status = "Enabled" }
}`,
    },
    expect: { 'aws_s3_bucket.ok': 'pass', 'aws_s3_bucket.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-S3-010',
    name: 'lifecycle configuration present or absent',
    files: {
      'main.tf':
        bucket('ok') +
        bucket('bad') +
        `resource "aws_s3_bucket_lifecycle_configuration" "ok" {
  bucket = aws_s3_bucket.ok.id
  rule {
    id     = "expire"
    status = "Enabled"
    expiration { days = 90 }
  }
}`,
    },
    expect: { 'aws_s3_bucket.ok': 'pass', 'aws_s3_bucket.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-S3-011',
    name: 'object lock enabled or not',
    files: { 'main.tf': bucket('ok', '  object_lock_enabled = true\n') + bucket('bad') },
    expect: { 'aws_s3_bucket.ok': 'pass', 'aws_s3_bucket.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-S3-012',
    name: 'policy denying aws:SecureTransport false, and a bucket without one',
    files: {
      'main.tf':
        bucket('ok') +
        bucket('bad') +
        `data "aws_iam_policy_document" "tls" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::ok-bucket", "arn:aws:s3:::ok-bucket/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
resource "aws_s3_bucket_policy" "ok" {
  bucket = aws_s3_bucket.ok.id
  policy = data.aws_iam_policy_document.tls.json
}`,
    },
    expect: { 'aws_s3_bucket.ok': 'pass', 'aws_s3_bucket.bad': 'fail:' },
  },
];

describe('S3 rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
