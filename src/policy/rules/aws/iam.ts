import type { IacResource } from '../../../iac/resource.js';
import type { CheckResult, Rule, RuleContext } from '../../rule.js';
import { all, defineRule, expect, fail, get, PASS, SKIP, truthy, unknownResult } from '../../rule-kit.js';
import {
  actionMatches,
  awsMeta,
  hasNarrowingCondition,
  identityPolicies,
  IDENTITY_POLICY_ATTRS,
  isFullWildcard,
  isPublicPrincipal,
  isSet,
  num,
  readPolicy,
  stmtName,
  type PolicyRead,
  type Statement,
} from './helpers.js';

const POLICY_TYPES = Object.keys(IDENTITY_POLICY_ATTRS);
const IAM_DOCS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html';

/**
 * Runs `bad` over the Allow statements of every identity policy of the resource. A statement with
 * Unknown parts that is not certainly bad makes the answer unknown, never a violation.
 */
function overStatements(
  r: IacResource,
  ctx: RuleContext,
  bad: (st: Statement) => boolean,
  message: string,
): CheckResult {
  const policies = identityPolicies(r, ctx);
  if (policies.length === 0) return SKIP;
  const results: CheckResult[] = [];
  for (const { path, read } of policies) results.push(judge(read, path, bad, message));
  return all(...results);
}

function judge(
  read: PolicyRead,
  path: string,
  bad: (st: Statement) => boolean,
  message: string,
): CheckResult {
  if (read.kind === 'absent' || read.kind === 'invalid') return SKIP;
  if (read.kind === 'unknown') return unknownResult(read.reason);
  const hits: string[] = [];
  let partial = false;
  read.statements.forEach((st, i) => {
    if (st.effect === 'unknown') partial = true;
    if (st.effect !== 'Allow') return;
    if (bad(st)) hits.push(stmtName(st, i));
    else if (st.partial) partial = true;
  });
  if (hits.length > 0) {
    const from = read.source === path ? '' : ` (${read.source})`;
    return fail(`${message}: ${hits.join(', ')}${from}`, path);
  }
  return partial ? unknownResult('parts of the policy are known only after apply') : PASS;
}

const allResources = (st: Statement) => (st.resources ?? []).includes('*');

const admin = defineRule(
  awsMeta({
    id: 'OPS-AWS-IAM-001',
    title: 'IAM policy grants full administrative access (Action "*" on Resource "*")',
    severity: 'critical',
    family: 'least-privilege',
    resourceTypes: POLICY_TYPES,
    remediation:
      'Replace `"Action": "*"` on `"Resource": "*"` with the specific actions and resources the principal needs.',
    docs: [IAM_DOCS],
    checkov: ['CKV_AWS_62'],
  }),
  (r, ctx) =>
    overStatements(
      r,
      ctx,
      (st) => (st.actions ?? []).some(isFullWildcard) && allResources(st),
      'Allows "*" on "*"',
    ),
);

const passRole = defineRule(
  awsMeta({
    id: 'OPS-AWS-IAM-002',
    title: 'IAM policy allows iam:PassRole on any role',
    severity: 'high',
    family: 'least-privilege',
    resourceTypes: POLICY_TYPES,
    remediation:
      'Limit `iam:PassRole` to the ARNs of the roles that may be passed, and add an `iam:PassedToService` condition.',
    docs: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html'],
    trivy: [['AVD-AWS-0342', 'aws-iam-filter-passrole-access']],
  }),
  (r, ctx) =>
    overStatements(
      r,
      ctx,
      (st) =>
        allResources(st) &&
        (st.actions ?? []).some((a) => !isFullWildcard(a) && actionMatches(a, 'iam:PassRole')),
      'Allows iam:PassRole on "*"',
    ),
);

const serviceWildcard = defineRule(
  awsMeta({
    id: 'OPS-AWS-IAM-003',
    title: 'IAM policy grants every action of a service (e.g. "s3:*")',
    severity: 'medium',
    family: 'least-privilege',
    resourceTypes: POLICY_TYPES,
    remediation: 'List the actions needed (e.g. `s3:GetObject`, `s3:PutObject`) instead of `<service>:*`.',
    docs: [IAM_DOCS],
    trivy: [['AVD-AWS-0057', 'aws-iam-no-policy-wildcards']],
  }),
  (r, ctx) =>
    overStatements(
      r,
      ctx,
      (st) => (st.actions ?? []).some((a) => /^[a-z0-9-]+:\*$/i.test(a)),
      'Grants a whole service',
    ),
);

const notAction = defineRule(
  awsMeta({
    id: 'OPS-AWS-IAM-004',
    title: 'IAM policy uses NotAction with Allow',
    severity: 'medium',
    family: 'least-privilege',
    resourceTypes: POLICY_TYPES,
    remediation:
      'Rewrite `Allow` + `NotAction` statements as `Allow` with an explicit `Action` list; NotAction grants every action not listed, including future ones.',
    docs: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html'],
  }),
  (r, ctx) =>
    overStatements(
      r,
      ctx,
      (st) => st.notActions !== undefined && st.notActions.length > 0,
      'Allow with NotAction',
    ),
);

const allActions = defineRule(
  awsMeta({
    id: 'OPS-AWS-IAM-005',
    title: 'IAM policy allows all actions ("*") on specific resources',
    severity: 'high',
    family: 'least-privilege',
    resourceTypes: POLICY_TYPES,
    remediation: 'Replace `"Action": "*"` with the actions needed on those resources.',
    docs: [IAM_DOCS],
    checkov: ['CKV_AWS_63'],
  }),
  (r, ctx) =>
    overStatements(
      r,
      ctx,
      (st) => (st.actions ?? []).some(isFullWildcard) && !allResources(st),
      'Allows "*" actions',
    ),
);

const userPolicies = defineRule(
  awsMeta({
    id: 'OPS-AWS-IAM-006',
    title: 'IAM policy is attached directly to a user',
    severity: 'low',
    family: 'least-privilege',
    resourceTypes: ['aws_iam_user_policy', 'aws_iam_user_policy_attachment', 'aws_iam_policy_attachment'],
    remediation:
      'Attach policies to groups or roles (`aws_iam_group_policy_attachment`, `aws_iam_role_policy_attachment`) and make users members of groups.',
    docs: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege'],
    checkov: ['CKV_AWS_40'],
    trivy: [['AVD-AWS-0143', 'aws-iam-no-user-attached-policies']],
  }),
  (r) => {
    if (r.type !== 'aws_iam_policy_attachment') return fail('Policy is granted to a user directly', 'user');
    const users = isSet(get(r, 'users'));
    return expect(users === 'unknown' ? 'unknown' : !users, 'Policy attachment includes users', 'users');
  },
);

const accessKey = defineRule(
  awsMeta({
    id: 'OPS-AWS-IAM-007',
    title: 'IAM user has a long-lived access key',
    severity: 'medium',
    family: 'least-privilege',
    resourceTypes: ['aws_iam_access_key'],
    remediation:
      'Use roles (instance profiles, IRSA, OIDC federation for CI, IAM Identity Center) instead of `aws_iam_access_key`; keys created by Terraform also land in state.',
    docs: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles'],
  }),
  (r) => {
    const status = get(r, 'status');
    if (typeof status === 'string' && status === 'Inactive') return PASS;
    return fail('An access key is created for an IAM user', 'user');
  },
);

function pwd(
  id: string,
  title: string,
  remediation: string,
  checkov: string,
  trivy: [string, string],
  ok: (r: IacResource) => CheckResult,
): Rule {
  return defineRule(
    awsMeta({
      id,
      title,
      severity: 'medium',
      family: 'least-privilege',
      resourceTypes: ['aws_iam_account_password_policy'],
      remediation,
      docs: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html'],
      checkov: [checkov],
      trivy: [trivy],
    }),
    ok,
  );
}

function requireFlag(attr: string, what: string): (r: IacResource) => CheckResult {
  return (r) => expect(truthy(get(r, attr), false), `Passwords need not contain ${what}`, attr);
}

const minLength = pwd(
  'OPS-AWS-IAM-008',
  'IAM password policy allows passwords shorter than 14 characters',
  'Set `minimum_password_length = 14` or more (the default is 6).',
  'CKV_AWS_10',
  ['AVD-AWS-0063', 'aws-iam-set-minimum-password-length'],
  (r) => {
    const n = num(get(r, 'minimum_password_length'));
    if (n === 'unknown') return unknownResult('minimum_password_length is known only after apply');
    if ((n ?? 6) >= 14) return PASS;
    return fail(
      `Minimum password length is ${n ?? 6}`,
      n === undefined ? undefined : 'minimum_password_length',
    );
  },
);

const reuse = pwd(
  'OPS-AWS-IAM-009',
  'IAM password policy does not prevent password reuse',
  'Set `password_reuse_prevention = 24`.',
  'CKV_AWS_13',
  ['AVD-AWS-0056', 'aws-iam-no-password-reuse'],
  (r) => {
    const n = num(get(r, 'password_reuse_prevention'));
    if (n === 'unknown') return unknownResult('password_reuse_prevention is known only after apply');
    if ((n ?? 0) >= 24) return PASS;
    return fail(
      n === undefined
        ? 'Password reuse is not restricted'
        : `Only the last ${n} passwords are remembered (24 recommended)`,
      n === undefined ? undefined : 'password_reuse_prevention',
    );
  },
);

const symbols = pwd(
  'OPS-AWS-IAM-010',
  'IAM password policy does not require symbols',
  'Set `require_symbols = true`.',
  'CKV_AWS_14',
  ['AVD-AWS-0060', 'aws-iam-require-symbols-in-passwords'],
  requireFlag('require_symbols', 'a symbol'),
);

const numbers = pwd(
  'OPS-AWS-IAM-011',
  'IAM password policy does not require numbers',
  'Set `require_numbers = true`.',
  'CKV_AWS_12',
  ['AVD-AWS-0059', 'aws-iam-require-numbers-in-passwords'],
  requireFlag('require_numbers', 'a number'),
);

const upper = pwd(
  'OPS-AWS-IAM-012',
  'IAM password policy does not require uppercase letters',
  'Set `require_uppercase_characters = true`.',
  'CKV_AWS_15',
  ['AVD-AWS-0061', 'aws-iam-require-uppercase-in-passwords'],
  requireFlag('require_uppercase_characters', 'an uppercase letter'),
);

const lower = pwd(
  'OPS-AWS-IAM-013',
  'IAM password policy does not require lowercase letters',
  'Set `require_lowercase_characters = true`.',
  'CKV_AWS_11',
  ['AVD-AWS-0058', 'aws-iam-require-lowercase-in-passwords'],
  requireFlag('require_lowercase_characters', 'a lowercase letter'),
);

const maxAge = pwd(
  'OPS-AWS-IAM-014',
  'IAM password policy does not expire passwords within 90 days',
  'Set `max_password_age` between 1 and 90.',
  'CKV_AWS_9',
  ['AVD-AWS-0062', 'aws-iam-set-max-password-age'],
  (r) => {
    const n = num(get(r, 'max_password_age'));
    if (n === 'unknown') return unknownResult('max_password_age is known only after apply');
    if (n !== undefined && n > 0 && n <= 90) return PASS;
    return fail(
      n === undefined || n === 0 ? 'Passwords never expire' : `Passwords expire after ${n} days`,
      n === undefined ? undefined : 'max_password_age',
    );
  },
);

const assumeAnyone = defineRule(
  awsMeta({
    id: 'OPS-AWS-IAM-015',
    title: 'IAM role can be assumed by any principal',
    severity: 'critical',
    family: 'least-privilege',
    resourceTypes: ['aws_iam_role'],
    remediation:
      'Name the trusted account, role or service in the `assume_role_policy` principal, or add a condition such as `aws:PrincipalOrgID`; never trust `"AWS": "*"` alone.',
    docs: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy',
    ],
    checkov: ['CKV_AWS_60'],
  }),
  (r, ctx) => {
    const read = readPolicy(r, 'assume_role_policy', ctx);
    return judge(
      read,
      'assume_role_policy',
      (st) => isPublicPrincipal(st) && !hasNarrowingCondition(st),
      'Trusts any principal',
    );
  },
);

export const iamRules: Rule[] = [
  admin,
  passRole,
  serviceWildcard,
  notAction,
  allActions,
  userPolicies,
  accessKey,
  minLength,
  reuse,
  symbols,
  numbers,
  upper,
  lower,
  maxAge,
  assumeAnyone,
];
