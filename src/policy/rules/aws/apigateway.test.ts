import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const stage = (name: string, body = '') =>
  `resource "aws_api_gateway_stage" "${name}" {\n  stage_name    = "${name}"\n  rest_api_id   = "abc"\n  deployment_id = "dep"\n${body}}\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-APIGATEWAY-001',
    name: 'REST and HTTP API stages with and without access logs',
    files: {
      'main.tf':
        'resource "aws_cloudwatch_log_group" "api" { name = "api" }\n' +
        stage(
          'ok',
          '  access_log_settings {\n    destination_arn = aws_cloudwatch_log_group.api.arn\n    format          = "$context.requestId"\n  }\n',
        ) +
        stage('bad') +
        'resource "aws_apigatewayv2_stage" "bad" {\n  api_id = "abc"\n  name   = "v2"\n}\n',
    },
    expect: {
      'aws_api_gateway_stage.ok': 'pass',
      'aws_api_gateway_stage.bad': 'fail:',
      'aws_apigatewayv2_stage.bad': 'fail:',
    },
  },
  {
    rule: 'OPS-AWS-APIGATEWAY-002',
    name: 'X-Ray tracing on and off',
    files: { 'main.tf': stage('ok', '  xray_tracing_enabled = true\n') + stage('bad') },
    expect: { 'aws_api_gateway_stage.ok': 'pass', 'aws_api_gateway_stage.bad': 'fail:xray_tracing_enabled' },
  },
];

describe('API Gateway rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
