import type { Rule } from '../../rule.js';
import { defineRule, fail, PASS, unknownResult } from '../../rule-kit.js';
import { missingTags } from '../../tag-policy.js';
import { awsMeta } from './helpers.js';

/** Common AWS resource types that accept `tags` (and so `default_tags`). */
export const TAGGABLE_AWS_TYPES = [
  'aws_acm_certificate',
  'aws_alb',
  'aws_api_gateway_rest_api',
  'aws_api_gateway_stage',
  'aws_apigatewayv2_api',
  'aws_autoscaling_group',
  'aws_cloudfront_distribution',
  'aws_cloudtrail',
  'aws_cloudwatch_log_group',
  'aws_cloudwatch_metric_alarm',
  'aws_db_instance',
  'aws_db_subnet_group',
  'aws_docdb_cluster',
  'aws_dynamodb_table',
  'aws_ebs_snapshot',
  'aws_ebs_volume',
  'aws_ecr_repository',
  'aws_ecs_cluster',
  'aws_ecs_service',
  'aws_ecs_task_definition',
  'aws_efs_file_system',
  'aws_eip',
  'aws_eks_cluster',
  'aws_eks_node_group',
  'aws_elasticache_cluster',
  'aws_elasticache_replication_group',
  'aws_elasticsearch_domain',
  'aws_elb',
  'aws_iam_policy',
  'aws_iam_role',
  'aws_iam_user',
  'aws_instance',
  'aws_internet_gateway',
  'aws_kinesis_stream',
  'aws_kms_key',
  'aws_lambda_function',
  'aws_launch_template',
  'aws_lb',
  'aws_lb_target_group',
  'aws_nat_gateway',
  'aws_network_acl',
  'aws_opensearch_domain',
  'aws_rds_cluster',
  'aws_redshift_cluster',
  'aws_route_table',
  'aws_s3_bucket',
  'aws_sagemaker_notebook_instance',
  'aws_secretsmanager_secret',
  'aws_security_group',
  'aws_sfn_state_machine',
  'aws_sns_topic',
  'aws_sqs_queue',
  'aws_ssm_parameter',
  'aws_subnet',
  'aws_vpc',
  'aws_vpc_endpoint',
];

const requiredTags = defineRule(
  awsMeta({
    id: 'OPS-AWS-TAG-001',
    title: 'Resource lacks required tags',
    severity: 'low',
    family: 'tagging',
    resourceTypes: TAGGABLE_AWS_TYPES,
    remediation:
      'Add the tags required by the tag policy to `tags`, or once for all resources with `default_tags { tags = { ... } }` in the `provider "aws"` block.',
    docs: ['https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html'],
  }),
  (r, ctx) => {
    const res = missingTags(r, ctx.tagPolicy);
    if (res === 'unknown') return unknownResult('tags are known only after apply');
    if (res.missing.length === 0 && res.bad.length === 0) return PASS;
    const parts: string[] = [];
    if (res.missing.length > 0) parts.push(`missing ${res.missing.join(', ')}`);
    for (const b of res.bad) parts.push(`${b.key}="${b.value}" is not an allowed value`);
    const path = r.attributes['tags'] === undefined || r.attributes['tags'] === null ? undefined : 'tags';
    return fail(`Tags: ${parts.join('; ')}`, path);
  },
);

export const taggingRules: Rule[] = [requiredTags];
