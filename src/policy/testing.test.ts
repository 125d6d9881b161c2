import { describe, expect, it } from 'vitest';
import { defineRule, expect as expectTri, get, truthy } from './rule-kit.js';
import { checkRule } from './testing.js';

const rule = defineRule(
  {
    id: 'OPS-TEST-EBS-001',
    title: 'EBS volume is encrypted',
    severity: 'high',
    family: 'encryption',
    provider: 'aws',
    resourceTypes: ['aws_ebs_volume'],
    remediation: 'Set `encrypted = true`.',
    references: [],
    peers: { checkov: [], trivy: [], tfsec: [] },
  },
  (r) => expectTri(truthy(get(r, 'encrypted'), false), 'volume is not encrypted', 'encrypted'),
);

describe('checkRule', () => {
  it('evaluates Terraform source and runs the rule on every resource of its types', async () => {
    const out = await checkRule(rule, {
      'main.tf': `
        variable "enc" { default = false }
        resource "aws_ebs_volume" "a" { encrypted = var.enc }
        resource "aws_ebs_volume" "b" {
          for_each  = toset(["x"])
          encrypted = true
        }
        resource "aws_s3_bucket" "c" {}
      `,
    });
    expect(out.map((o) => [o.address, o.result.status])).toEqual([
      ['aws_ebs_volume.a', 'fail'],
      ['aws_ebs_volume.b["x"]', 'pass'],
    ]);
  });

  it('passes variables to the evaluator', async () => {
    const out = await checkRule(
      rule,
      { 'main.tf': 'variable "enc" {}\nresource "aws_ebs_volume" "a" { encrypted = var.enc }\n' },
      { vars: { enc: 'true' } },
    );
    expect(out[0]?.result.status).toBe('pass');
  });
});
