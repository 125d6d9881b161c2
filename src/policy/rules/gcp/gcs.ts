import type { IacResource } from '../../../iac/resource.js';
import { isUnknown } from '../../../iac/terraform/value.js';
import { expect, fail, get, PASS, strings, truthy, unknownResult } from '../../rule-kit.js';
import { blockList, Findings, gcpRule, googleDoc, isPublicPrincipal, textAt, shown } from './kit.js';

const BUCKET = 'google_storage_bucket';
const BUCKET_DOC = googleDoc(BUCKET);
const PUBLIC_ACLS = new Set(['publicread', 'publicreadwrite', 'authenticatedread']);

/** Principals granted by an IAM member/binding, an ACL or an access control on a bucket. */
function publicGrants(r: IacResource): Findings {
  const findings = new Findings();
  const grant = (m: string) => `${m} is granted access to the bucket: its objects are public`;
  switch (r.type) {
    case 'google_storage_bucket_iam_member': {
      const m = textAt(r, 'member');
      findings.add(
        isUnknown(m) ? 'unknown' : m !== undefined && isPublicPrincipal(m),
        grant(shown(m)),
        'member',
      );
      break;
    }
    case 'google_storage_bucket_iam_binding': {
      const ms = strings(get(r, 'members'));
      const pub = ms.values.filter(isPublicPrincipal);
      findings.add(pub.length > 0 ? true : ms.unknown ? 'unknown' : false, grant(pub.join(', ')), 'members');
      break;
    }
    case 'google_storage_bucket_acl': {
      const acl = textAt(r, 'predefined_acl');
      findings.add(
        isUnknown(acl) ? 'unknown' : acl !== undefined && PUBLIC_ACLS.has(acl.toLowerCase()),
        `predefined_acl ${shown(acl)} makes the bucket public`,
        'predefined_acl',
      );
      const entities = strings(get(r, 'role_entity'));
      const pub = entities.values.filter((e) => isPublicPrincipal(e.split(':')[1] ?? ''));
      findings.add(
        pub.length > 0 ? true : entities.unknown ? 'unknown' : false,
        `role_entity ${pub.join(', ')} makes the bucket public`,
        'role_entity',
      );
      break;
    }
    case 'google_storage_bucket_access_control': {
      const e = textAt(r, 'entity');
      findings.add(
        isUnknown(e) ? 'unknown' : e !== undefined && isPublicPrincipal(e),
        grant(shown(e)),
        'entity',
      );
      break;
    }
  }
  return findings;
}

export const gcsRules = [
  gcpRule(
    {
      id: 'OPS-GCP-GCS-001',
      title: 'Cloud Storage bucket uses uniform bucket-level access',
      severity: 'medium',
      family: 'least-privilege',
      resourceTypes: [BUCKET],
      remediation:
        'Set `uniform_bucket_level_access = true` (defaults to `false`), so access is granted by IAM only and per-object ACLs cannot open single objects.',
      references: [BUCKET_DOC, 'https://cloud.google.com/storage/docs/uniform-bucket-level-access'],
      peers: { checkov: ['CKV_GCP_29'], trivy: ['AVD-GCP-0002'], tfsec: ['google-storage-enable-ubla'] },
    },
    (r) =>
      expect(
        truthy(get(r, 'uniform_bucket_level_access'), false),
        'uniform_bucket_level_access is not true: object ACLs can grant access past bucket IAM',
        'uniform_bucket_level_access',
      ),
  ),
  gcpRule(
    {
      id: 'OPS-GCP-GCS-002',
      title: 'Cloud Storage bucket enforces public access prevention',
      severity: 'medium',
      family: 'public-exposure',
      resourceTypes: [BUCKET],
      remediation:
        'Set `public_access_prevention = "enforced"`. The default `inherited` only blocks public access when the organization policy `storage.publicAccessPrevention` is enforced.',
      references: [BUCKET_DOC, 'https://cloud.google.com/storage/docs/public-access-prevention'],
      peers: { checkov: ['CKV_GCP_114'], trivy: [], tfsec: [] },
    },
    (r) => {
      const v = textAt(r, 'public_access_prevention');
      if (isUnknown(v)) return unknownResult('public_access_prevention is known only after apply');
      if (v?.toLowerCase() === 'enforced') return PASS;
      return fail(
        `public_access_prevention is ${v ?? 'inherited (default)'}: IAM or ACLs may still make objects public`,
        v === undefined ? undefined : 'public_access_prevention',
      );
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-GCS-003',
      title: 'Cloud Storage bucket is not granted to allUsers or allAuthenticatedUsers',
      severity: 'critical',
      family: 'public-exposure',
      resourceTypes: [
        'google_storage_bucket_iam_member',
        'google_storage_bucket_iam_binding',
        'google_storage_bucket_acl',
        'google_storage_bucket_access_control',
      ],
      remediation:
        'Remove `allUsers` / `allAuthenticatedUsers` from `member`/`members`/`role_entity`/`entity` (and public `predefined_acl`s); grant named principals, or serve public content through a CDN with signed URLs.',
      references: [
        googleDoc('google_storage_bucket_iam'),
        'https://cloud.google.com/storage/docs/access-control/making-data-public',
      ],
      peers: { checkov: ['CKV_GCP_28'], trivy: ['AVD-GCP-0001'], tfsec: ['google-storage-no-public-access'] },
    },
    (r) => publicGrants(r).result(),
  ),
  gcpRule(
    {
      id: 'OPS-GCP-GCS-004',
      title: 'Cloud Storage bucket keeps object versions',
      severity: 'low',
      family: 'resilience',
      resourceTypes: [BUCKET],
      remediation:
        'Add `versioning { enabled = true }` with a `lifecycle_rule` that deletes old noncurrent versions, or a `soft_delete_policy` / `retention_policy` where that fits better.',
      references: [BUCKET_DOC, 'https://cloud.google.com/storage/docs/object-versioning'],
      peers: {
        checkov: ['CKV_GCP_78'],
        trivy: ['AVD-GCP-0078'],
        tfsec: ['google-storage-enable-bucket-versioning'],
      },
    },
    (r) =>
      expect(
        truthy(get(r, 'versioning.enabled'), false),
        'versioning is off: overwritten or deleted objects cannot be restored',
        get(r, 'versioning') === undefined ? undefined : 'versioning.0.enabled',
      ),
  ),
  gcpRule(
    {
      id: 'OPS-GCP-GCS-005',
      title: 'Cloud Storage bucket logs access',
      severity: 'low',
      family: 'logging',
      resourceTypes: [BUCKET],
      remediation:
        'Add `logging { log_bucket = "<another bucket>" }` (usage and storage logs), or enable Data Access audit logs for Cloud Storage on the project.',
      references: [BUCKET_DOC, 'https://cloud.google.com/storage/docs/access-logs'],
      peers: {
        checkov: ['CKV_GCP_62'],
        trivy: ['AVD-GCP-0077'],
        tfsec: ['google-storage-enable-bucket-logging'],
      },
    },
    (r) => {
      const logging = blockList(r, 'logging');
      if (isUnknown(logging)) return unknownResult('logging is known only after apply');
      return logging.length > 0 ? PASS : fail('no logging block: bucket access is not logged');
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-GCS-006',
      title: 'Cloud Storage bucket encrypts with a customer-managed key',
      severity: 'info',
      family: 'encryption',
      resourceTypes: [BUCKET],
      remediation:
        'Add `encryption { default_kms_key_name = google_kms_crypto_key.k.id }` where key ownership is required (grant the Cloud Storage service agent `roles/cloudkms.cryptoKeyEncrypterDecrypter`).',
      references: [BUCKET_DOC, 'https://cloud.google.com/storage/docs/encryption/customer-managed-keys'],
      peers: {
        checkov: [],
        trivy: ['AVD-GCP-0066'],
        tfsec: ['google-storage-bucket-encryption-customer-key'],
      },
    },
    (r) => {
      const key = get(r, 'encryption.default_kms_key_name');
      return key === undefined || key === null || key === ''
        ? fail('encrypted with Google-managed keys only (no encryption.default_kms_key_name)')
        : PASS;
    },
  ),
];
