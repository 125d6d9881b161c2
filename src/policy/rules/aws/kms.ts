import type { Rule } from '../../rule.js';
import { defineRule, expect, fail, get, PASS, SKIP, truthy, unknownResult } from '../../rule-kit.js';
import {
  actionMatches,
  awsMeta,
  hasNarrowingCondition,
  isPublicPrincipal,
  num,
  readPolicy,
  stmtName,
  str,
} from './helpers.js';

const rotation = defineRule(
  awsMeta({
    id: 'OPS-AWS-KMS-001',
    title: 'KMS key rotation is not enabled',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: ['aws_kms_key'],
    remediation:
      'Set `enable_key_rotation = true` on symmetric encryption keys (optionally `rotation_period_in_days`).',
    docs: ['https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html'],
    checkov: ['CKV_AWS_7'],
    trivy: [['AVD-AWS-0065', 'aws-kms-auto-rotate-keys']],
  }),
  (r) => {
    const spec = str(get(r, 'customer_master_key_spec'));
    const usage = str(get(r, 'key_usage'));
    if (spec === 'unknown' || usage === 'unknown') return unknownResult('key spec is known only after apply');
    // Automatic rotation exists only for symmetric encryption keys.
    if (
      (spec ?? 'SYMMETRIC_DEFAULT') !== 'SYMMETRIC_DEFAULT' ||
      (usage ?? 'ENCRYPT_DECRYPT') !== 'ENCRYPT_DECRYPT'
    )
      return SKIP;
    return expect(
      truthy(get(r, 'enable_key_rotation'), false),
      'Automatic key rotation is off',
      'enable_key_rotation',
    );
  },
);

const deletionWindow = defineRule(
  awsMeta({
    id: 'OPS-AWS-KMS-002',
    title: 'KMS key deletion window is shorter than 14 days',
    severity: 'low',
    family: 'resilience',
    resourceTypes: ['aws_kms_key'],
    remediation:
      'Set `deletion_window_in_days` to 14 or more (the default is 30) so a mistaken deletion can be cancelled.',
    docs: ['https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html'],
  }),
  (r) => {
    const d = num(get(r, 'deletion_window_in_days'));
    if (d === 'unknown') return unknownResult('deletion_window_in_days is known only after apply');
    if (d === undefined || d >= 14) return PASS;
    return fail(`Deletion window is ${d} days`, 'deletion_window_in_days');
  },
);

const publicKeyPolicy = defineRule(
  awsMeta({
    id: 'OPS-AWS-KMS-003',
    title: 'KMS key policy grants key actions to any principal',
    severity: 'critical',
    family: 'least-privilege',
    resourceTypes: ['aws_kms_key', 'aws_kms_key_policy'],
    remediation:
      'Name the account root or specific roles as principals in the key `policy`, or add a condition such as `kms:CallerAccount` or `aws:PrincipalOrgID` to statements with `Principal "*"`.',
    docs: ['https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html'],
    checkov: ['CKV_AWS_33'],
  }),
  (r, ctx) => {
    const read = readPolicy(r, 'policy', ctx);
    if (read.kind === 'absent' || read.kind === 'invalid') return SKIP;
    if (read.kind === 'unknown') return unknownResult(read.reason);
    const bad = read.statements
      .map((st, i) => ({ st, i }))
      .filter(
        ({ st }) =>
          st.effect === 'Allow' &&
          isPublicPrincipal(st) &&
          !hasNarrowingCondition(st) &&
          (st.actions ?? []).some(
            (a) => actionMatches(a, 'kms:Decrypt') || actionMatches(a, 'kms:PutKeyPolicy'),
          ),
      );
    if (bad.length > 0) {
      return fail(
        `Key policy lets anyone use the key in ${bad.map(({ st, i }) => stmtName(st, i)).join(', ')}`,
        'policy',
      );
    }
    if (read.statements.some((s) => s.partial))
      return unknownResult('parts of the key policy are known only after apply');
    return PASS;
  },
);

export const kmsRules: Rule[] = [rotation, deletionWindow, publicKeyPolicy];
