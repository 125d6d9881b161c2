import type { IacResource } from '../../../iac/resource.js';
import { isUnknown } from '../../../iac/terraform/value.js';
import type { CheckResult } from '../../rule.js';
import { fail, get, PASS, strings, unknownResult } from '../../rule-kit.js';
import { Findings, gcpRule, googleDoc, textAt, shown } from './kit.js';

const MEMBER = 'google_project_iam_member';
const BINDING = 'google_project_iam_binding';
const BASIC_ROLES = new Set(['roles/owner', 'roles/editor']);
const IMPERSONATION_ROLES = new Set(['roles/iam.serviceAccountUser', 'roles/iam.serviceAccountTokenCreator']);

/** Fails when the grant's role is in `roles` (and `principal` accepts a member), per member. */
function checkGrant(
  r: IacResource,
  roles: Set<string>,
  principal: (m: string) => boolean,
  message: (role: string, member: string) => string,
): CheckResult {
  const role = textAt(r, 'role');
  if (isUnknown(role)) return unknownResult('role is known only after apply');
  if (role === undefined || !roles.has(role)) return PASS;
  const findings = new Findings();
  if (r.type === MEMBER) {
    const m = textAt(r, 'member');
    findings.add(
      isUnknown(m) ? 'unknown' : m !== undefined && principal(m),
      message(role, shown(m)),
      'member',
    );
  } else {
    const ms = strings(get(r, 'members'));
    const hit = ms.values.filter(principal);
    findings.add(
      hit.length > 0 ? true : ms.unknown ? 'unknown' : false,
      message(role, hit.join(', ')),
      'members',
    );
  }
  return findings.result();
}

export const iamRules = [
  gcpRule(
    {
      id: 'OPS-GCP-IAM-001',
      title: 'Project IAM does not grant the basic Owner or Editor role',
      severity: 'high',
      family: 'least-privilege',
      resourceTypes: [MEMBER, BINDING],
      remediation:
        'Replace `roles/owner` / `roles/editor` with predefined or custom roles scoped to the job (e.g. `roles/compute.instanceAdmin.v1`); never grant them to `allUsers`/`allAuthenticatedUsers` or to individual `user:` accounts.',
      references: [googleDoc('google_project_iam'), 'https://cloud.google.com/iam/docs/roles-overview#basic'],
      peers: { checkov: [], trivy: [], tfsec: [] },
    },
    (r) =>
      checkGrant(
        r,
        BASIC_ROLES,
        () => true,
        (role, member) => `${role} is granted to ${member}: it allows nearly every action in the project`,
      ),
  ),
  gcpRule(
    {
      id: 'OPS-GCP-IAM-002',
      title: 'Users are not granted service account impersonation at project level',
      severity: 'high',
      family: 'least-privilege',
      resourceTypes: [MEMBER, BINDING],
      remediation:
        'Grant `roles/iam.serviceAccountUser` / `roles/iam.serviceAccountTokenCreator` on the specific service account (`google_service_account_iam_member`), not on the project.',
      references: [
        googleDoc('google_project_iam'),
        'https://cloud.google.com/iam/docs/service-account-permissions',
      ],
      peers: {
        checkov: ['CKV_GCP_41'],
        trivy: ['AVD-GCP-0011'],
        tfsec: ['google-iam-no-project-level-service-account-impersonation'],
      },
    },
    (r) =>
      checkGrant(
        r,
        IMPERSONATION_ROLES,
        (m) => /^(user|group|domain):/.test(m) || m === 'allUsers' || m === 'allAuthenticatedUsers',
        (role, member) =>
          `${role} is granted to ${member} on the whole project: they can act as every service account`,
      ),
  ),
  gcpRule(
    {
      id: 'OPS-GCP-IAM-003',
      title: 'No user-managed service account keys',
      severity: 'medium',
      family: 'least-privilege',
      resourceTypes: ['google_service_account_key'],
      remediation:
        'Remove the `google_service_account_key`: use Workload Identity (GKE), Workload Identity Federation (CI, other clouds) or attached service accounts; a key in the state is a long-lived secret.',
      references: [
        googleDoc('google_service_account_key'),
        'https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys',
      ],
      peers: { checkov: ['CKV2_GCP_3'], trivy: [], tfsec: [] },
    },
    () =>
      fail(
        'a user-managed service account key is created: a long-lived credential that must be stored and rotated',
      ),
  ),
];
