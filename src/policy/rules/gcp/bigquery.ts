import { isUnknown, type ObjectValue } from '../../../iac/terraform/value.js';
import { get, strings, unknownResult } from '../../rule-kit.js';
import { blockList, Findings, gcpRule, googleDoc, isPublicPrincipal, text } from './kit.js';

const DATASET = 'google_bigquery_dataset';

function accessEntryPublic(entry: ObjectValue): boolean | 'unknown' {
  const group = text(entry['special_group']);
  const member = text(entry['iam_member']);
  if (
    (typeof group === 'string' && isPublicPrincipal(group)) ||
    (typeof member === 'string' && isPublicPrincipal(member))
  ) {
    return true;
  }
  return isUnknown(group) || isUnknown(member) ? 'unknown' : false;
}

export const bigqueryRules = [
  gcpRule(
    {
      id: 'OPS-GCP-BIGQUERY-001',
      title: 'BigQuery dataset is not shared with allUsers or allAuthenticatedUsers',
      severity: 'critical',
      family: 'public-exposure',
      resourceTypes: [
        DATASET,
        'google_bigquery_dataset_access',
        'google_bigquery_dataset_iam_member',
        'google_bigquery_dataset_iam_binding',
      ],
      remediation:
        'Remove `access` entries with `special_group = "allAuthenticatedUsers"` or `iam_member = "allUsers"` (and such IAM members); share with named groups or authorized views.',
      references: [
        googleDoc(DATASET),
        'https://cloud.google.com/bigquery/docs/control-access-to-resources-iam',
      ],
      peers: {
        checkov: ['CKV_GCP_15'],
        trivy: ['AVD-GCP-0046'],
        tfsec: ['google-bigquery-no-public-access'],
      },
    },
    (r) => {
      const findings = new Findings();
      const message = 'the dataset is readable by anyone (allUsers / allAuthenticatedUsers)';
      switch (r.type) {
        case DATASET: {
          const access = blockList(r, 'access');
          if (isUnknown(access)) return unknownResult('access is known only after apply');
          access.forEach((a, i) => findings.add(accessEntryPublic(a), message, `access.${i}`));
          break;
        }
        case 'google_bigquery_dataset_access':
          findings.add(accessEntryPublic(r.attributes), message);
          break;
        case 'google_bigquery_dataset_iam_member': {
          const m = text(get(r, 'member'));
          findings.add(isUnknown(m) ? 'unknown' : m !== undefined && isPublicPrincipal(m), message, 'member');
          break;
        }
        default: {
          const ms = strings(get(r, 'members'));
          findings.add(
            ms.values.some(isPublicPrincipal) ? true : ms.unknown ? 'unknown' : false,
            message,
            'members',
          );
        }
      }
      return findings.result();
    },
  ),
];
