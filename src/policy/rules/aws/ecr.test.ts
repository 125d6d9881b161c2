import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const repo = (name: string, body = '') =>
  `resource "aws_ecr_repository" "${name}" {\n  name = "${name}"\n${body}}\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-ECR-001',
    name: 'scan on push on and off',
    files: {
      'main.tf': repo('ok', '  image_scanning_configuration {\n    scan_on_push = true\n  }\n') + repo('bad'),
    },
    expect: { 'aws_ecr_repository.ok': 'pass', 'aws_ecr_repository.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-ECR-002',
    name: 'immutable tags versus mutable from a variable',
    files: {
      'main.tf':
        'variable "mut" { default = "MUTABLE" }\n' +
        repo('ok', '  image_tag_mutability = "IMMUTABLE"\n') +
        repo('bad', '  image_tag_mutability = var.mut\n'),
    },
    expect: { 'aws_ecr_repository.ok': 'pass', 'aws_ecr_repository.bad': 'fail:image_tag_mutability' },
  },
  {
    rule: 'OPS-AWS-ECR-003',
    name: 'KMS encryption versus the AES256 default',
    files: {
      'main.tf': repo('ok', '  encryption_configuration {\n    encryption_type = "KMS"\n  }\n') + repo('bad'),
    },
    expect: { 'aws_ecr_repository.ok': 'pass', 'aws_ecr_repository.bad': 'fail:' },
  },
];

describe('ECR rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
