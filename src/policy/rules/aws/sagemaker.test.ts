import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-SAGEMAKER-001',
    name: 'direct internet access disabled, enabled, and by default',
    files: {
      'main.tf': `
resource "aws_sagemaker_notebook_instance" "ok" {
  name                   = "a"
  role_arn               = "arn:aws:iam::111122223333:role/sm"
  instance_type          = "ml.t3.medium"
  subnet_id              = "subnet-1"
  security_groups        = ["sg-1"]
  direct_internet_access = "Disabled"
}
resource "aws_sagemaker_notebook_instance" "bad" {
  name                   = "b"
  role_arn               = "arn:aws:iam::111122223333:role/sm"
  instance_type          = "ml.t3.medium"
  direct_internet_access = "Enabled"
}
resource "aws_sagemaker_notebook_instance" "absent" {
  name          = "c"
  role_arn      = "arn:aws:iam::111122223333:role/sm"
  instance_type = "ml.t3.medium"
}`,
    },
    expect: {
      'aws_sagemaker_notebook_instance.ok': 'pass',
      'aws_sagemaker_notebook_instance.bad': 'fail:direct_internet_access',
      'aws_sagemaker_notebook_instance.absent': 'fail:',
    },
  },
];

describe('SageMaker rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
