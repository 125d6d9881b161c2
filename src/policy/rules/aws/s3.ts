import type { IacResource } from '../../../iac/resource.js';
import { isUnknown } from '../../../iac/terraform/value.js';
import type { CheckResult, Rule, RuleContext } from '../../rule.js';
import {
  all,
  blocks,
  defineRule,
  expect,
  fail,
  get,
  PASS,
  SKIP,
  truthy,
  unknownResult,
} from '../../rule-kit.js';
import { attached, awsMeta, publicPolicyResult, readPolicy, str, type PolicyRead } from './helpers.js';

/** Split (provider v4+) configuration resources of `type` whose `bucket` points at this bucket. */
function split(bucket: IacResource, ctx: RuleContext, type: string): readonly IacResource[] {
  return attached(ctx, bucket, type, 'bucket');
}

function hasInline(bucket: IacResource, block: string): boolean | 'unknown' {
  const b = blocks(bucket, block);
  if (!Array.isArray(b)) return 'unknown';
  return b.length > 0;
}

/** The bucket's own `policy` plus every `aws_s3_bucket_policy` attached to it. */
function bucketPolicies(bucket: IacResource, ctx: RuleContext): PolicyRead[] {
  const out: PolicyRead[] = [];
  const inline = readPolicy(bucket, 'policy', ctx);
  if (inline.kind !== 'absent') out.push(inline);
  for (const p of split(bucket, ctx, 'aws_s3_bucket_policy')) out.push(readPolicy(p, 'policy', ctx));
  return out;
}

function accountBlockAll(ctx: RuleContext): boolean {
  return ctx.graph
    .byType('aws_s3_account_public_access_block')
    .some((r) =>
      ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every(
        (f) => truthy(get(r, f), false) === true,
      ),
    );
}

const encryption = defineRule(
  awsMeta({
    id: 'OPS-AWS-S3-001',
    title: 'S3 bucket has no default server-side encryption configuration',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: ['aws_s3_bucket'],
    remediation:
      'Add an `aws_s3_bucket_server_side_encryption_configuration` for the bucket (or, before provider v4, a `server_side_encryption_configuration` block) with `sse_algorithm = "aws:kms"` or `"AES256"`.',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html'],
    checkov: ['CKV_AWS_19'],
    trivy: [['AVD-AWS-0088', 'aws-s3-enable-bucket-encryption']],
  }),
  (r, ctx) => {
    const inline = hasInline(r, 'server_side_encryption_configuration');
    if (inline === true) return PASS;
    if (split(r, ctx, 'aws_s3_bucket_server_side_encryption_configuration').length > 0) return PASS;
    if (inline === 'unknown')
      return unknownResult('server_side_encryption_configuration is known only after apply');
    return fail(
      'Bucket declares no default encryption (neither inline nor aws_s3_bucket_server_side_encryption_configuration)',
    );
  },
);

function sseRules(r: IacResource, ctx: RuleContext): Array<{ algo: unknown; key: unknown }> {
  const out: Array<{ algo: unknown; key: unknown }> = [];
  const sources: IacResource[] = [r, ...split(r, ctx, 'aws_s3_bucket_server_side_encryption_configuration')];
  for (const s of sources) {
    const base = s === r ? 'server_side_encryption_configuration.0.rule' : 'rule';
    const rules = blocks(s, base);
    if (!Array.isArray(rules)) {
      out.push({ algo: rules, key: rules });
      continue;
    }
    for (const rule of rules) {
      out.push({
        algo: get(rule, 'apply_server_side_encryption_by_default.sse_algorithm'),
        key: get(rule, 'apply_server_side_encryption_by_default.kms_master_key_id'),
      });
    }
  }
  return out;
}

const encryptionCmk = defineRule(
  awsMeta({
    id: 'OPS-AWS-S3-002',
    title: 'S3 bucket default encryption does not use a customer-managed KMS key',
    severity: 'low',
    family: 'encryption',
    resourceTypes: ['aws_s3_bucket'],
    remediation:
      'In the bucket encryption configuration set `sse_algorithm = "aws:kms"` and `kms_master_key_id` to a customer-managed `aws_kms_key`.',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html'],
    checkov: ['CKV_AWS_145'],
    trivy: [['AVD-AWS-0132', 'aws-s3-encryption-customer-key']],
  }),
  (r, ctx) => {
    const rules = sseRules(r, ctx);
    const kms = (x: { algo: unknown }) => typeof x.algo === 'string' && x.algo.startsWith('aws:kms');
    // A key given by reference (aws_kms_key.k.arn) is a customer-managed key even before apply.
    const cmk = rules.some(
      (x) => kms(x) && (isUnknown(x.key) || (typeof x.key === 'string' && x.key !== '')),
    );
    if (cmk) return PASS;
    if (rules.some((x) => isUnknown(x.algo)))
      return unknownResult('encryption settings are known only after apply');
    return fail('Bucket is not encrypted by default with a customer-managed KMS key');
  },
);

const PAB_FLAGS = [
  'block_public_acls',
  'block_public_policy',
  'ignore_public_acls',
  'restrict_public_buckets',
];

const publicAccessBlock = defineRule(
  awsMeta({
    id: 'OPS-AWS-S3-003',
    title: 'S3 bucket has no public access block',
    severity: 'high',
    family: 'public-exposure',
    resourceTypes: ['aws_s3_bucket'],
    remediation:
      'Add an `aws_s3_bucket_public_access_block` with `bucket` set to this bucket and all four flags (`block_public_acls`, `block_public_policy`, `ignore_public_acls`, `restrict_public_buckets`) `true`, or block public access for the whole account with `aws_s3_account_public_access_block`.',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html'],
    checkov: ['CKV2_AWS_6'],
    trivy: [['AVD-AWS-0094', 'aws-s3-specify-public-access-block']],
  }),
  (r, ctx) => {
    if (split(r, ctx, 'aws_s3_bucket_public_access_block').length > 0) return PASS;
    if (accountBlockAll(ctx)) return PASS;
    return fail('No aws_s3_bucket_public_access_block references this bucket');
  },
);

const publicAccessBlockFlags = defineRule(
  awsMeta({
    id: 'OPS-AWS-S3-004',
    title: 'S3 public access block does not enable all four protections',
    severity: 'high',
    family: 'public-exposure',
    resourceTypes: ['aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block'],
    remediation:
      'Set `block_public_acls`, `block_public_policy`, `ignore_public_acls` and `restrict_public_buckets` to `true` (each defaults to `false`).',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html'],
    checkov: ['CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56'],
    trivy: [
      ['AVD-AWS-0086', 'aws-s3-block-public-acls'],
      ['AVD-AWS-0087', 'aws-s3-block-public-policy'],
      ['AVD-AWS-0091', 'aws-s3-ignore-public-acls'],
      ['AVD-AWS-0093', 'aws-s3-no-public-buckets'],
    ],
  }),
  (r) => all(...PAB_FLAGS.map((f) => expect(truthy(get(r, f), false), `\`${f}\` is not true`, f))),
);

const PUBLIC_ACLS = ['public-read', 'public-read-write', 'authenticated-read'];
const PUBLIC_GRANTEES = [
  'http://acs.amazonaws.com/groups/global/AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
];

const publicAcl = defineRule(
  awsMeta({
    id: 'OPS-AWS-S3-005',
    title: 'S3 bucket ACL grants access to everyone',
    severity: 'critical',
    family: 'public-exposure',
    resourceTypes: ['aws_s3_bucket', 'aws_s3_bucket_acl'],
    remediation:
      'Set `acl = "private"` (or remove it and use `aws_s3_bucket_ownership_controls` with `BucketOwnerEnforced`); never grant `AllUsers` or `AuthenticatedUsers`.',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl'],
    checkov: ['CKV_AWS_20', 'CKV_AWS_57'],
    trivy: [['AVD-AWS-0092', 'aws-s3-no-public-access-with-acl']],
  }),
  (r) => {
    const results: CheckResult[] = [];
    const acl = str(get(r, 'acl'));
    if (acl === 'unknown') results.push(unknownResult('acl is known only after apply'));
    else if (acl !== undefined && PUBLIC_ACLS.includes(acl))
      results.push(fail(`Canned ACL "${acl}" makes the bucket public`, 'acl'));
    if (r.type === 'aws_s3_bucket_acl') {
      const grants = blocks(r, 'access_control_policy.0.grant');
      if (!Array.isArray(grants)) results.push(unknownResult('grants are known only after apply'));
      else
        grants.forEach((g, i) => {
          const uri = str(get(g, 'grantee.uri'));
          if (uri === 'unknown') results.push(unknownResult('grantee is known only after apply'));
          else if (uri !== undefined && PUBLIC_GRANTEES.includes(uri)) {
            results.push(
              fail(
                `Grant to ${uri.split('/').pop() ?? uri}`,
                `access_control_policy.0.grant.${i}.grantee.0.uri`,
              ),
            );
          }
        });
    }
    return results.length === 0 ? PASS : all(...results);
  },
);

const publicPolicy = defineRule(
  awsMeta({
    id: 'OPS-AWS-S3-006',
    title: 'S3 bucket policy allows any principal without a condition',
    severity: 'critical',
    family: 'public-exposure',
    resourceTypes: ['aws_s3_bucket_policy', 'aws_s3_bucket'],
    remediation:
      'Name the principals that need access in the bucket policy, or add a condition such as `aws:SourceVpce`, `aws:PrincipalOrgID` or `aws:SourceArn` to statements with `Principal "*"`.',
    docs: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status',
    ],
    checkov: ['CKV_AWS_70'],
  }),
  (r, ctx) => publicPolicyResult(readPolicy(r, 'policy', ctx), 'policy', 'Bucket policy'),
);

const versioning = defineRule(
  awsMeta({
    id: 'OPS-AWS-S3-007',
    title: 'S3 bucket versioning is not enabled',
    severity: 'medium',
    family: 'resilience',
    resourceTypes: ['aws_s3_bucket'],
    remediation:
      'Add an `aws_s3_bucket_versioning` for the bucket with `versioning_configuration { status = "Enabled" }` (or `versioning { enabled = true }` before provider v4).',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html'],
    checkov: ['CKV_AWS_21'],
    trivy: [['AVD-AWS-0090', 'aws-s3-enable-versioning']],
  }),
  (r, ctx) => {
    const results: CheckResult[] = [];
    const inline = get(r, 'versioning.0.enabled');
    const inlineOn = truthy(inline, false);
    if (inlineOn === true) return PASS;
    for (const v of split(r, ctx, 'aws_s3_bucket_versioning')) {
      const s = str(get(v, 'versioning_configuration.0.status'));
      if (s === 'Enabled') return PASS;
      if (s === 'unknown') results.push(unknownResult(`${v.address} status is known only after apply`));
    }
    if (inlineOn === 'unknown') return unknownResult('versioning is known only after apply');
    if (results.length > 0) return all(...results);
    return fail('Versioning is not enabled', inline === undefined ? undefined : 'versioning.0.enabled');
  },
);

const logging = defineRule(
  awsMeta({
    id: 'OPS-AWS-S3-008',
    title: 'S3 bucket access logging is not enabled',
    severity: 'medium',
    family: 'logging',
    resourceTypes: ['aws_s3_bucket'],
    remediation:
      'Add an `aws_s3_bucket_logging` for the bucket with a `target_bucket` (or a `logging` block before provider v4). Log-destination buckets are exempt.',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html'],
    checkov: ['CKV_AWS_18'],
    trivy: [['AVD-AWS-0089', 'aws-s3-enable-logging']],
  }),
  (r, ctx) => {
    const inline = hasInline(r, 'logging');
    if (inline === true) return PASS;
    if (split(r, ctx, 'aws_s3_bucket_logging').length > 0) return PASS;
    const isTarget =
      ctx.graph.referencing(r, 'aws_s3_bucket_logging', 'target_bucket').length > 0 ||
      ctx.graph
        .referencing(r, 'aws_s3_bucket')
        .some((b) => b !== r && [...b.references.keys()].some((k) => k.startsWith('logging')));
    if (isTarget) return SKIP;
    if (inline === 'unknown') return unknownResult('logging is known only after apply');
    return fail('Server access logging is not enabled');
  },
);

const mfaDelete = defineRule(
  awsMeta({
    id: 'OPS-AWS-S3-009',
    title: 'S3 bucket versioning does not require MFA delete',
    severity: 'info',
    family: 'resilience',
    resourceTypes: ['aws_s3_bucket'],
    remediation:
      'Set `mfa_delete = "Enabled"` in `aws_s3_bucket_versioning.versioning_configuration` (with `mfa` given by the root user).',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html'],
    trivy: [['AVD-AWS-0170', 'aws-s3-require-mfa-delete']],
  }),
  (r, ctx) => {
    if (truthy(get(r, 'versioning.0.mfa_delete'), false) === true) return PASS;
    const split_ = split(r, ctx, 'aws_s3_bucket_versioning');
    for (const v of split_) {
      const m = str(get(v, 'versioning_configuration.0.mfa_delete'));
      if (m === 'Enabled') return PASS;
      if (m === 'unknown') return unknownResult('mfa_delete is known only after apply');
    }
    if (isUnknown(get(r, 'versioning.0.mfa_delete') ?? null))
      return unknownResult('mfa_delete is known only after apply');
    return fail('MFA delete is not enabled');
  },
);

const lifecycle = defineRule(
  awsMeta({
    id: 'OPS-AWS-S3-010',
    title: 'S3 bucket has no lifecycle configuration',
    severity: 'low',
    family: 'cost',
    resourceTypes: ['aws_s3_bucket'],
    remediation:
      'Add an `aws_s3_bucket_lifecycle_configuration` (or `lifecycle_rule` blocks before provider v4) that expires or transitions objects and aborts incomplete multipart uploads.',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html'],
    checkov: ['CKV2_AWS_61'],
  }),
  (r, ctx) => {
    const inline = hasInline(r, 'lifecycle_rule');
    if (inline === true) return PASS;
    if (split(r, ctx, 'aws_s3_bucket_lifecycle_configuration').length > 0) return PASS;
    if (inline === 'unknown') return unknownResult('lifecycle_rule is known only after apply');
    return fail('No lifecycle rules manage the objects of this bucket');
  },
);

const objectLock = defineRule(
  awsMeta({
    id: 'OPS-AWS-S3-011',
    title: 'S3 bucket has no object lock',
    severity: 'info',
    family: 'resilience',
    resourceTypes: ['aws_s3_bucket'],
    remediation:
      'For buckets holding records that must not be altered, create the bucket with `object_lock_enabled = true` and add an `aws_s3_bucket_object_lock_configuration`.',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html'],
    checkov: ['CKV_AWS_143'],
  }),
  (r, ctx) => {
    const flag = truthy(get(r, 'object_lock_enabled'), false);
    if (flag === true) return PASS;
    const legacy = truthy(get(r, 'object_lock_configuration.0.object_lock_enabled'), false);
    if (legacy === true) return PASS;
    if (split(r, ctx, 'aws_s3_bucket_object_lock_configuration').length > 0) return PASS;
    if (flag === 'unknown') return unknownResult('object_lock_enabled is known only after apply');
    return fail('Object lock is not enabled');
  },
);

function deniesInsecureTransport(read: PolicyRead): boolean {
  if (read.kind !== 'document') return false;
  return read.statements.some((st) => {
    if (st.effect !== 'Deny' || !st.condition) return false;
    return Object.entries(st.condition).some(
      ([op, keys]) =>
        op.toLowerCase().startsWith('bool') &&
        Object.entries(keys).some(
          ([k, v]) => k.toLowerCase() === 'aws:securetransport' && v.includes('false'),
        ),
    );
  });
}

const secureTransport = defineRule(
  awsMeta({
    id: 'OPS-AWS-S3-012',
    title: 'S3 bucket policy does not deny requests over plain HTTP',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: ['aws_s3_bucket'],
    remediation:
      'Attach an `aws_s3_bucket_policy` with a `Deny` statement for `s3:*` on the bucket and its objects when `"Bool": {"aws:SecureTransport": "false"}`.',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit'],
  }),
  (r, ctx) => {
    const reads = bucketPolicies(r, ctx);
    if (reads.some(deniesInsecureTransport)) return PASS;
    const u = reads.find((x) => x.kind === 'unknown');
    if (u && u.kind === 'unknown') return unknownResult(u.reason);
    return fail(
      reads.length === 0
        ? 'Bucket has no policy denying aws:SecureTransport = false'
        : 'Bucket policy does not deny aws:SecureTransport = false',
    );
  },
);

export const s3Rules: Rule[] = [
  encryption,
  encryptionCmk,
  publicAccessBlock,
  publicAccessBlockFlags,
  publicAcl,
  publicPolicy,
  versioning,
  logging,
  mfaDelete,
  lifecycle,
  objectLock,
  secureTransport,
];
