import type { IacResource } from '../../../iac/resource.js';
import type { CheckResult, Rule } from '../../rule.js';
import { defineRule, expect, fail, get, PASS, SKIP, truthy, unknownResult } from '../../rule-kit.js';
import { awsMeta, isSet, num, str, isConfigured } from './helpers.js';

const RDS_DOCS = 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html';

/** Aurora instances take storage, backup and Multi-AZ settings from their cluster. */
function isAurora(r: IacResource): boolean | 'unknown' {
  const e = str(get(r, 'engine'));
  if (e === 'unknown') return 'unknown';
  return e !== undefined && e.startsWith('aurora');
}

/** Read replicas inherit encryption and backups from their source. */
function isReplica(r: IacResource): boolean {
  return isSet(get(r, 'replicate_source_db')) !== false;
}

function instanceOnly(r: IacResource, check: () => CheckResult): CheckResult {
  const aurora = isAurora(r);
  if (aurora === 'unknown') return unknownResult('engine is known only after apply');
  if (aurora) return SKIP;
  return check();
}

const storageEncrypted = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-001',
    title: 'RDS instance storage is not encrypted',
    severity: 'high',
    family: 'encryption',
    resourceTypes: ['aws_db_instance'],
    remediation:
      'Set `storage_encrypted = true` (optionally with `kms_key_id`); encryption cannot be added later without a snapshot restore.',
    docs: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html'],
    checkov: ['CKV_AWS_16'],
    trivy: [['AVD-AWS-0080', 'aws-rds-encrypt-instance-storage-data']],
  }),
  (r) =>
    instanceOnly(r, () => {
      if (isReplica(r) && get(r, 'storage_encrypted') == null)
        return unknownResult('a read replica inherits encryption from its source');
      if (isSet(get(r, 'snapshot_identifier')) !== false && get(r, 'storage_encrypted') == null) {
        return unknownResult('encryption follows the snapshot');
      }
      return expect(
        truthy(get(r, 'storage_encrypted'), false),
        'Storage is not encrypted',
        'storage_encrypted',
      );
    }),
);

const publicInstance = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-002',
    title: 'RDS instance is publicly accessible',
    severity: 'critical',
    family: 'public-exposure',
    resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance'],
    remediation:
      'Set `publicly_accessible = false` (the default) and reach the database from inside the VPC.',
    docs: [RDS_DOCS],
    checkov: ['CKV_AWS_17'],
    trivy: [['AVD-AWS-0180', 'aws-rds-enable-public-access']],
  }),
  (r) => {
    const v = truthy(get(r, 'publicly_accessible'), false);
    return expect(v === 'unknown' ? 'unknown' : !v, 'Instance has a public endpoint', 'publicly_accessible');
  },
);

function retention(r: IacResource, absentDefault: number, min: number): CheckResult {
  const v = num(get(r, 'backup_retention_period'));
  if (v === 'unknown') return unknownResult('backup_retention_period is known only after apply');
  const days = v ?? absentDefault;
  if (days >= min) return PASS;
  return fail(
    v === undefined
      ? `backup_retention_period is not set (defaults to ${absentDefault} day${absentDefault === 1 ? '' : 's'}); at least ${min} needed`
      : `Backups are kept ${days} day${days === 1 ? '' : 's'}; at least ${min} needed`,
    v === undefined ? undefined : 'backup_retention_period',
  );
}

const instanceBackups = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-003',
    title: 'RDS instance keeps backups for less than 7 days',
    severity: 'medium',
    family: 'resilience',
    resourceTypes: ['aws_db_instance'],
    remediation: 'Set `backup_retention_period` to 7 or more days (0 disables automated backups).',
    docs: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html'],
    trivy: [['AVD-AWS-0077', 'aws-rds-specify-backup-retention']],
  }),
  (r) =>
    instanceOnly(r, () => {
      if (isReplica(r) && get(r, 'backup_retention_period') == null) return SKIP;
      // The RDS API applies 1 day when the argument is omitted.
      return retention(r, 1, 7);
    }),
);

const instanceDeletion = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-004',
    title: 'RDS instance has no deletion protection',
    severity: 'medium',
    family: 'resilience',
    resourceTypes: ['aws_db_instance'],
    remediation: 'Set `deletion_protection = true`.',
    docs: [
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeletionProtection',
    ],
    checkov: ['CKV_AWS_293'],
    trivy: [['AVD-AWS-0177', 'aws-rds-enable-deletion-protection']],
  }),
  (r) =>
    expect(truthy(get(r, 'deletion_protection'), false), 'Deletion protection is off', 'deletion_protection'),
);

const multiAz = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-005',
    title: 'RDS instance is not Multi-AZ',
    severity: 'low',
    family: 'resilience',
    resourceTypes: ['aws_db_instance'],
    remediation: 'Set `multi_az = true` for production databases.',
    docs: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html'],
    checkov: ['CKV_AWS_157'],
  }),
  (r) =>
    instanceOnly(r, () =>
      expect(truthy(get(r, 'multi_az'), false), 'Instance runs in a single AZ', 'multi_az'),
    ),
);

/** Engines that support IAM database authentication. */
function supportsIamAuth(r: IacResource): boolean | 'unknown' {
  const e = str(get(r, 'engine'));
  if (e === 'unknown') return 'unknown';
  if (e === undefined) return true;
  return /^(mysql|postgres|mariadb|aurora)/.test(e);
}

const iamAuth = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-006',
    title: 'RDS IAM database authentication is off',
    severity: 'medium',
    family: 'least-privilege',
    resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
    remediation:
      'Set `iam_database_authentication_enabled = true` and give applications IAM tokens instead of static passwords.',
    docs: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html'],
    checkov: ['CKV_AWS_161', 'CKV_AWS_162'],
    trivy: [['AVD-AWS-0176', 'aws-rds-enable-iam-auth']],
  }),
  (r) => {
    const s = supportsIamAuth(r);
    if (s === 'unknown') return unknownResult('engine is known only after apply');
    if (!s) return SKIP;
    if (r.type === 'aws_db_instance' && isAurora(r) === true) return SKIP;
    return expect(
      truthy(get(r, 'iam_database_authentication_enabled'), false),
      'IAM authentication is not enabled',
      'iam_database_authentication_enabled',
    );
  },
);

const logsExports = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-007',
    title: 'RDS database exports no logs to CloudWatch',
    severity: 'medium',
    family: 'logging',
    resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
    remediation:
      'Set `enabled_cloudwatch_logs_exports` (e.g. `["postgresql"]`, or `["audit", "error", "general", "slowquery"]` for MySQL).',
    docs: [
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html',
    ],
    checkov: ['CKV_AWS_129', 'CKV_AWS_324'],
  }),
  (r) => {
    if (r.type === 'aws_db_instance' && isAurora(r) === true) return SKIP;
    const v = isSet(get(r, 'enabled_cloudwatch_logs_exports'));
    return expect(v, 'No database logs are exported', 'enabled_cloudwatch_logs_exports');
  },
);

const piKms = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-008',
    title: 'RDS Performance Insights is not encrypted with a customer-managed key',
    severity: 'low',
    family: 'encryption',
    resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance'],
    remediation:
      'Set `performance_insights_kms_key_id` to a customer-managed KMS key when `performance_insights_enabled = true`.',
    docs: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.access-control.html'],
    checkov: ['CKV_AWS_354'],
    trivy: [['AVD-AWS-0078', 'aws-rds-performance-insights-encryption-customer-key']],
  }),
  (r) => {
    const on = truthy(get(r, 'performance_insights_enabled'), false);
    if (on === 'unknown') return unknownResult('performance_insights_enabled is known only after apply');
    if (!on) return SKIP;
    return expect(
      isConfigured(get(r, 'performance_insights_kms_key_id')),
      'Performance Insights uses the AWS-managed key',
      'performance_insights_kms_key_id',
    );
  },
);

const minorUpgrade = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-009',
    title: 'RDS automatic minor version upgrade is off',
    severity: 'low',
    family: 'resilience',
    resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance'],
    remediation:
      'Set `auto_minor_version_upgrade = true` (the default) so security patches are applied in the maintenance window.',
    docs: [
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html#USER_UpgradeDBInstance.Upgrading.AutoMinorVersionUpgrades',
    ],
    checkov: ['CKV_AWS_226'],
  }),
  (r) =>
    expect(
      truthy(get(r, 'auto_minor_version_upgrade'), true),
      'Minor version upgrades are not applied automatically',
      'auto_minor_version_upgrade',
    ),
);

const copyTags = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-010',
    title: 'RDS database does not copy tags to snapshots',
    severity: 'low',
    family: 'tagging',
    resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
    remediation: 'Set `copy_tags_to_snapshot = true` so snapshots carry ownership and cost tags.',
    docs: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Tagging.html#USER_Tagging.CopyTags'],
    checkov: ['CKV2_AWS_60', 'CKV_AWS_313'],
  }),
  (r) => {
    if (r.type === 'aws_db_instance' && isAurora(r) === true) return SKIP;
    return expect(
      truthy(get(r, 'copy_tags_to_snapshot'), false),
      'Snapshots will not carry the tags',
      'copy_tags_to_snapshot',
    );
  },
);

const clusterEncrypted = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-011',
    title: 'RDS cluster storage is not encrypted',
    severity: 'high',
    family: 'encryption',
    resourceTypes: ['aws_rds_cluster'],
    remediation: 'Set `storage_encrypted = true` (optionally with `kms_key_id`).',
    docs: ['https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.html'],
    checkov: ['CKV_AWS_96'],
    trivy: [['AVD-AWS-0079', 'aws-rds-encrypt-cluster-storage-data']],
  }),
  (r) => {
    const v = get(r, 'storage_encrypted');
    if (v == null) {
      const mode = str(get(r, 'engine_mode'));
      if (mode === 'unknown') return unknownResult('engine_mode is known only after apply');
      // Serverless v1 clusters are always encrypted.
      if (mode === 'serverless') return PASS;
      if (
        isSet(get(r, 'snapshot_identifier')) !== false ||
        isSet(get(r, 'replication_source_identifier')) !== false
      ) {
        return unknownResult('encryption follows the source');
      }
    }
    return expect(truthy(v, false), 'Cluster storage is not encrypted', 'storage_encrypted');
  },
);

const clusterBackups = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-012',
    title: 'RDS cluster keeps backups for less than 7 days',
    severity: 'medium',
    family: 'resilience',
    resourceTypes: ['aws_rds_cluster'],
    remediation: 'Set `backup_retention_period` to 7 or more days (the default is 1).',
    docs: ['https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Backups.html'],
    trivy: [['AVD-AWS-0077', 'aws-rds-specify-backup-retention']],
  }),
  (r) => retention(r, 1, 7),
);

const clusterDeletion = defineRule(
  awsMeta({
    id: 'OPS-AWS-RDS-013',
    title: 'RDS cluster has no deletion protection',
    severity: 'medium',
    family: 'resilience',
    resourceTypes: ['aws_rds_cluster'],
    remediation: 'Set `deletion_protection = true`.',
    docs: [
      'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html#USER_DeletionProtection',
    ],
    checkov: ['CKV_AWS_139'],
    trivy: [['AVD-AWS-0343', 'aws-rds-enable-cluster-deletion-protection']],
  }),
  (r) =>
    expect(truthy(get(r, 'deletion_protection'), false), 'Deletion protection is off', 'deletion_protection'),
);

export const rdsRules: Rule[] = [
  storageEncrypted,
  publicInstance,
  instanceBackups,
  instanceDeletion,
  multiAz,
  iamAuth,
  logsExports,
  piKms,
  minorUpgrade,
  copyTags,
  clusterEncrypted,
  clusterBackups,
  clusterDeletion,
];
