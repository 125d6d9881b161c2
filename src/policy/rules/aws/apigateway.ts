import type { Rule } from '../../rule.js';
import { defineRule, expect, get, truthy } from '../../rule-kit.js';
import { awsMeta, isConfigured } from './helpers.js';

const accessLogs = defineRule(
  awsMeta({
    id: 'OPS-AWS-APIGATEWAY-001',
    title: 'API Gateway stage has no access logging',
    severity: 'medium',
    family: 'logging',
    resourceTypes: ['aws_api_gateway_stage', 'aws_apigatewayv2_stage'],
    remediation:
      'Add `access_log_settings { destination_arn = aws_cloudwatch_log_group.api.arn, format = ... }`.',
    docs: ['https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html'],
    checkov: ['CKV_AWS_76'],
    trivy: [['AVD-AWS-0001', 'aws-apigateway-enable-access-logging']],
  }),
  (r) =>
    expect(
      isConfigured(get(r, 'access_log_settings.0.destination_arn')),
      'Requests to the stage are not logged',
      undefined,
    ),
);

const xray = defineRule(
  awsMeta({
    id: 'OPS-AWS-APIGATEWAY-002',
    title: 'API Gateway stage X-Ray tracing is off',
    severity: 'low',
    family: 'logging',
    resourceTypes: ['aws_api_gateway_stage'],
    remediation: 'Set `xray_tracing_enabled = true`.',
    docs: ['https://docs.aws.amazon.com/xray/latest/devguide/xray-services-apigateway.html'],
    checkov: ['CKV_AWS_73'],
    trivy: [['AVD-AWS-0003', 'aws-apigateway-enable-tracing']],
  }),
  (r) =>
    expect(truthy(get(r, 'xray_tracing_enabled'), false), 'Tracing is not enabled', 'xray_tracing_enabled'),
);

export const apigatewayRules: Rule[] = [accessLogs, xray];
