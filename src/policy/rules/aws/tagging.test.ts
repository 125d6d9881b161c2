import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const policy = {
  required: ['Owner', 'Environment'],
  allowed: { Environment: ['prod', 'dev'] },
  caseSensitive: true,
};

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-TAG-001',
    name: 'complete tags, a missing tag, and a value the policy does not allow',
    tagPolicy: policy,
    files: {
      'main.tf': `
resource "aws_s3_bucket" "ok" {
  bucket = "a"
  tags   = { Owner = "team-a", Environment = "prod" }
}
resource "aws_s3_bucket" "missing" {
  bucket = "b"
  tags   = { Owner = "team-a" }
}
resource "aws_instance" "badvalue" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  tags          = { Owner = "team-a", Environment = "staging" }
}
resource "aws_s3_bucket_versioning" "untaggable" {
  bucket = "a"
  versioning_configuration { status = "Enabled" }
}`,
    },
    expect: {
      'aws_s3_bucket.ok': 'pass',
      'aws_s3_bucket.missing': 'fail:tags',
      'aws_instance.badvalue': 'fail:tags',
    },
  },
  {
    rule: 'OPS-AWS-TAG-001',
    name: 'provider default_tags fill in tags, also for resources in a module',
    tagPolicy: policy,
    files: {
      'main.tf': `
provider "aws" {
  default_tags {
    tags = { Owner = "platform", Environment = "dev" }
  }
}
resource "aws_sqs_queue" "q" { name = "q" }
module "net" { source = "./modules/net" }`,
      'modules/net/main.tf': 'resource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n}\n',
    },
    expect: { 'aws_sqs_queue.q': 'pass', 'module.net.aws_vpc.this': 'pass' },
  },
  {
    rule: 'OPS-AWS-TAG-001',
    name: 'tags from a variable and tags from a data source',
    tagPolicy: policy,
    files: {
      'main.tf': `
variable "tags" { default = { Owner = "x" } }
data "aws_default_tags" "d" {}
resource "aws_sns_topic" "var" {
  name = "a"
  tags = var.tags
}
resource "aws_sns_topic" "data" {
  name = "b"
  tags = data.aws_default_tags.d.tags
}`,
    },
    expect: { 'aws_sns_topic.var': 'fail:tags', 'aws_sns_topic.data': 'unknown' },
  },
];

describe('tagging rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
