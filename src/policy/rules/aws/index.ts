import type { Rule } from '../../rule.js';
import { apigatewayRules } from './apigateway.js';
import { cloudfrontRules } from './cloudfront.js';
import { cloudtrailRules } from './cloudtrail.js';
import { cloudwatchRules } from './cloudwatch.js';
import { docdbRules } from './docdb.js';
import { dynamodbRules } from './dynamodb.js';
import { ec2Rules } from './ec2.js';
import { ecrRules } from './ecr.js';
import { efsRules } from './efs.js';
import { eksRules } from './eks.js';
import { elasticacheRules } from './elasticache.js';
import { elbRules } from './elb.js';
import { iamRules } from './iam.js';
import { kmsRules } from './kms.js';
import { lambdaRules } from './lambda.js';
import { opensearchRules } from './opensearch.js';
import { rdsRules } from './rds.js';
import { redshiftRules } from './redshift.js';
import { s3Rules } from './s3.js';
import { sagemakerRules } from './sagemaker.js';
import { secretsmanagerRules } from './secretsmanager.js';
import { sgRulesList } from './sg.js';
import { snsRules } from './sns.js';
import { sqsRules } from './sqs.js';
import { taggingRules } from './tagging.js';
import { vpcRules } from './vpc.js';

/** Every built-in AWS rule, grouped by service. */
export const awsRules: Rule[] = [
  ...s3Rules,
  ...ec2Rules,
  ...sgRulesList,
  ...vpcRules,
  ...rdsRules,
  ...docdbRules,
  ...cloudtrailRules,
  ...kmsRules,
  ...cloudwatchRules,
  ...iamRules,
  ...elbRules,
  ...cloudfrontRules,
  ...eksRules,
  ...lambdaRules,
  ...snsRules,
  ...sqsRules,
  ...dynamodbRules,
  ...ecrRules,
  ...elasticacheRules,
  ...opensearchRules,
  ...redshiftRules,
  ...efsRules,
  ...secretsmanagerRules,
  ...apigatewayRules,
  ...sagemakerRules,
  ...taggingRules,
];
