import type { Rule } from '../../rule.js';
import { defineRule, fail, get, PASS, unknownResult } from '../../rule-kit.js';
import { awsMeta, str } from './helpers.js';

const directInternet = defineRule(
  awsMeta({
    id: 'OPS-AWS-SAGEMAKER-001',
    title: 'SageMaker notebook instance has direct internet access',
    severity: 'medium',
    family: 'public-exposure',
    resourceTypes: ['aws_sagemaker_notebook_instance'],
    remediation:
      'Set `direct_internet_access = "Disabled"` with a `subnet_id` and `security_groups`, and reach the internet through the VPC (NAT or endpoints).',
    docs: ['https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html'],
    checkov: ['CKV_AWS_122'],
  }),
  (r) => {
    const v = str(get(r, 'direct_internet_access'));
    if (v === 'unknown') return unknownResult('direct_internet_access is known only after apply');
    if (v === 'Disabled') return PASS;
    return fail(
      `direct_internet_access is ${v ?? 'Enabled (default)'}`,
      v === undefined ? undefined : 'direct_internet_access',
    );
  },
);

export const sagemakerRules: Rule[] = [directInternet];
