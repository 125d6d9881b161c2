import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const db = (name: string, body = '', engine = 'postgres') =>
  `resource "aws_db_instance" "${name}" {\n  identifier     = "${name}"\n  engine         = "${engine}"\n  instance_class = "db.t3.micro"\n${body}}\n`;

const cluster = (name: string, body = '') =>
  `resource "aws_rds_cluster" "${name}" {\n  cluster_identifier = "${name}"\n  engine             = "aurora-postgresql"\n${body}}\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-RDS-001',
    name: 'encrypted, unencrypted by default, and an Aurora member instance',
    files: {
      'main.tf':
        db('ok', '  storage_encrypted = true\n') +
        db('bad') +
        db('aurora', '  cluster_identifier = "c"\n', 'aurora-postgresql'),
    },
    expect: {
      'aws_db_instance.ok': 'pass',
      'aws_db_instance.bad': 'fail:storage_encrypted',
      'aws_db_instance.aurora': 'skip',
    },
  },
  {
    rule: 'OPS-AWS-RDS-001',
    name: 'encryption from a module input',
    files: {
      'main.tf':
        'module "db" {\n  source    = "./modules/db"\n  encrypted = false\n}\nmodule "db2" {\n  source    = "./modules/db"\n  encrypted = true\n}\n',
      'modules/db/main.tf':
        'variable "encrypted" { type = bool }\nresource "aws_db_instance" "this" {\n  engine            = "mysql"\n  instance_class    = "db.t3.micro"\n  storage_encrypted = var.encrypted\n}\n',
    },
    expect: {
      'module.db.aws_db_instance.this': 'fail:storage_encrypted',
      'module.db2.aws_db_instance.this': 'pass',
    },
  },
  {
    rule: 'OPS-AWS-RDS-002',
    name: 'public and private instances',
    files: {
      'main.tf':
        db('bad', '  publicly_accessible = true\n') +
        db('ok') +
        'resource "aws_rds_cluster_instance" "bad" {\n  cluster_identifier  = "c"\n  instance_class      = "db.r6g.large"\n  engine              = "aurora-mysql"\n  publicly_accessible = true\n}\n',
    },
    expect: {
      'aws_db_instance.bad': 'fail:publicly_accessible',
      'aws_db_instance.ok': 'pass',
      'aws_rds_cluster_instance.bad': 'fail:publicly_accessible',
    },
  },
  {
    rule: 'OPS-AWS-RDS-003',
    name: 'retention of 14, 3 and the default',
    files: {
      'main.tf':
        db('ok', '  backup_retention_period = 14\n') +
        db('short', '  backup_retention_period = 3\n') +
        db('absent'),
    },
    expect: {
      'aws_db_instance.ok': 'pass',
      'aws_db_instance.short': 'fail:backup_retention_period',
      'aws_db_instance.absent': 'fail:',
    },
  },
  {
    rule: 'OPS-AWS-RDS-004',
    name: 'deletion protection on and off',
    files: { 'main.tf': db('ok', '  deletion_protection = true\n') + db('bad') },
    expect: { 'aws_db_instance.ok': 'pass', 'aws_db_instance.bad': 'fail:deletion_protection' },
  },
  {
    rule: 'OPS-AWS-RDS-005',
    name: 'Multi-AZ on and off',
    files: { 'main.tf': db('ok', '  multi_az = true\n') + db('bad') },
    expect: { 'aws_db_instance.ok': 'pass', 'aws_db_instance.bad': 'fail:multi_az' },
  },
  {
    rule: 'OPS-AWS-RDS-006',
    name: 'IAM auth on PostgreSQL, off on MySQL, and not applicable to SQL Server',
    files: {
      'main.tf':
        db('ok', '  iam_database_authentication_enabled = true\n') +
        db('bad', '', 'mysql') +
        db('mssql', '', 'sqlserver-ex') +
        cluster('c'),
    },
    expect: {
      'aws_db_instance.ok': 'pass',
      'aws_db_instance.bad': 'fail:iam_database_authentication_enabled',
      'aws_db_instance.mssql': 'skip',
      'aws_rds_cluster.c': 'fail:iam_database_authentication_enabled',
    },
  },
  {
    rule: 'OPS-AWS-RDS-007',
    name: 'log exports set or missing',
    files: {
      'main.tf': db('ok', '  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]\n') + db('bad'),
    },
    expect: { 'aws_db_instance.ok': 'pass', 'aws_db_instance.bad': 'fail:enabled_cloudwatch_logs_exports' },
  },
  {
    rule: 'OPS-AWS-RDS-008',
    name: 'Performance Insights with a CMK, with the AWS key, and off',
    files: {
      'main.tf':
        db(
          'ok',
          '  performance_insights_enabled    = true\n  performance_insights_kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/k"\n',
        ) +
        db('bad', '  performance_insights_enabled = true\n') +
        db('off'),
    },
    expect: {
      'aws_db_instance.ok': 'pass',
      'aws_db_instance.bad': 'fail:performance_insights_kms_key_id',
      'aws_db_instance.off': 'skip',
    },
  },
  {
    rule: 'OPS-AWS-RDS-009',
    name: 'minor upgrades by default and switched off',
    files: { 'main.tf': db('ok') + db('bad', '  auto_minor_version_upgrade = false\n') },
    expect: { 'aws_db_instance.ok': 'pass', 'aws_db_instance.bad': 'fail:auto_minor_version_upgrade' },
  },
  {
    rule: 'OPS-AWS-RDS-010',
    name: 'copy tags to snapshots on an instance and a cluster',
    files: { 'main.tf': db('ok', '  copy_tags_to_snapshot = true\n') + cluster('bad') },
    expect: { 'aws_db_instance.ok': 'pass', 'aws_rds_cluster.bad': 'fail:copy_tags_to_snapshot' },
  },
  {
    rule: 'OPS-AWS-RDS-011',
    name: 'cluster storage encrypted, unencrypted, and serverless v1',
    files: {
      'main.tf':
        cluster('ok', '  storage_encrypted = true\n') +
        cluster('bad') +
        cluster('sls', '  engine_mode = "serverless"\n'),
    },
    expect: {
      'aws_rds_cluster.ok': 'pass',
      'aws_rds_cluster.bad': 'fail:storage_encrypted',
      'aws_rds_cluster.sls': 'pass',
    },
  },
  {
    rule: 'OPS-AWS-RDS-012',
    name: 'cluster backup retention from a variable and the default',
    files: {
      'main.tf':
        'variable "days" { default = 7 }\n' +
        cluster('ok', '  backup_retention_period = var.days\n') +
        cluster('bad'),
    },
    expect: { 'aws_rds_cluster.ok': 'pass', 'aws_rds_cluster.bad': 'fail:' },
  },
  {
    rule: 'OPS-AWS-RDS-013',
    name: 'cluster deletion protection on and off',
    files: { 'main.tf': cluster('ok', '  deletion_protection = true\n') + cluster('bad') },
    expect: { 'aws_rds_cluster.ok': 'pass', 'aws_rds_cluster.bad': 'fail:deletion_protection' },
  },
];

describe('RDS rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
