import type { Rule } from '../../rule.js';
import { isObjectValue } from '../../../iac/terraform/value.js';
import { defineRule, expect, fail, get, PASS, SKIP, unknownResult } from '../../rule-kit.js';
import { awsMeta, isSet, str, isConfigured } from './helpers.js';

const FN = ['aws_lambda_function'];

const tracing = defineRule(
  awsMeta({
    id: 'OPS-AWS-LAMBDA-001',
    title: 'Lambda function X-Ray tracing is not active',
    severity: 'low',
    family: 'logging',
    resourceTypes: FN,
    remediation: 'Add `tracing_config { mode = "Active" }`.',
    docs: ['https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html'],
    checkov: ['CKV_AWS_50'],
    trivy: [['AVD-AWS-0066', 'aws-lambda-enable-tracing']],
  }),
  (r) => {
    const m = str(get(r, 'tracing_config.0.mode'));
    if (m === 'unknown') return unknownResult('tracing mode is known only after apply');
    return m === 'Active'
      ? PASS
      : fail(
          `Tracing mode is ${m ?? 'PassThrough (default)'}`,
          m === undefined ? undefined : 'tracing_config.0.mode',
        );
  },
);

const envKms = defineRule(
  awsMeta({
    id: 'OPS-AWS-LAMBDA-002',
    title: 'Lambda environment variables are not encrypted with a customer-managed key',
    severity: 'low',
    family: 'encryption',
    resourceTypes: FN,
    remediation:
      'Set `kms_key_arn` to a customer-managed KMS key when the function has `environment { variables = ... }`.',
    docs: ['https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html'],
    checkov: ['CKV_AWS_173'],
  }),
  (r) => {
    const vars = get(r, 'environment.0.variables');
    if (vars === undefined || vars === null) return SKIP;
    if (isObjectValue(vars) && Object.keys(vars).length === 0) return SKIP;
    return expect(
      isConfigured(get(r, 'kms_key_arn')),
      'Environment variables use the AWS-managed Lambda key',
      'kms_key_arn',
    );
  },
);

const urlAuth = defineRule(
  awsMeta({
    id: 'OPS-AWS-LAMBDA-003',
    title: 'Lambda function URL has no authentication',
    severity: 'high',
    family: 'public-exposure',
    resourceTypes: ['aws_lambda_function_url'],
    remediation:
      'Set `authorization_type = "AWS_IAM"`, or authenticate callers in the function and document why the URL is public.',
    docs: ['https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html'],
    checkov: ['CKV_AWS_258'],
  }),
  (r) => {
    const t = str(get(r, 'authorization_type'));
    if (t === 'unknown') return unknownResult('authorization_type is known only after apply');
    return t === 'NONE' ? fail('Anyone with the URL can invoke the function', 'authorization_type') : PASS;
  },
);

const publicPermission = defineRule(
  awsMeta({
    id: 'OPS-AWS-LAMBDA-004',
    title: 'Lambda permission lets any principal invoke the function',
    severity: 'critical',
    family: 'public-exposure',
    resourceTypes: ['aws_lambda_permission'],
    remediation:
      'Set `principal` to a specific account or service and, for services, `source_arn` (and `source_account`).',
    docs: ['https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html'],
    checkov: ['CKV_AWS_301'],
  }),
  (r) => {
    const p = str(get(r, 'principal'));
    if (p === 'unknown') return unknownResult('principal is known only after apply');
    if (p !== '*') return PASS;
    const arn = isSet(get(r, 'source_arn'));
    const org = isSet(get(r, 'principal_org_id'));
    if (arn === true || org === true) return PASS;
    if (arn === 'unknown' || org === 'unknown') return PASS;
    return fail('principal "*" without source_arn or principal_org_id', 'principal');
  },
);

const serviceSourceArn = defineRule(
  awsMeta({
    id: 'OPS-AWS-LAMBDA-005',
    title: 'Lambda permission for an AWS service is not limited to a source ARN',
    severity: 'medium',
    family: 'least-privilege',
    resourceTypes: ['aws_lambda_permission'],
    remediation:
      'Set `source_arn` (and `source_account` for S3) so only your resource of that service can invoke the function.',
    docs: ['https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html'],
    checkov: ['CKV_AWS_364'],
    trivy: [['AVD-AWS-0067', 'aws-lambda-restrict-source-arn']],
  }),
  (r) => {
    const p = str(get(r, 'principal'));
    if (p === 'unknown') return unknownResult('principal is known only after apply');
    if (p === undefined || !p.endsWith('.amazonaws.com')) return SKIP;
    const arn = isSet(get(r, 'source_arn'));
    const acct = isSet(get(r, 'source_account'));
    if (arn === true || acct === true) return PASS;
    if (arn === 'unknown' || acct === 'unknown') return PASS;
    return fail(`Any ${p} resource in any account can invoke the function`, 'principal');
  },
);

const dlq = defineRule(
  awsMeta({
    id: 'OPS-AWS-LAMBDA-006',
    title: 'Lambda function has no dead-letter queue',
    severity: 'low',
    family: 'resilience',
    resourceTypes: FN,
    remediation:
      'Add `dead_letter_config { target_arn = aws_sqs_queue.dlq.arn }` (or an on-failure destination) for asynchronously invoked functions.',
    docs: ['https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html'],
    checkov: ['CKV_AWS_116'],
  }),
  (r) =>
    expect(
      isConfigured(get(r, 'dead_letter_config.0.target_arn')),
      'Failed async events are dropped',
      undefined,
    ),
);

export const lambdaRules: Rule[] = [tracing, envKms, urlAuth, publicPermission, serviceSourceArn, dlq];
