import { isUnknown } from '../../../iac/terraform/value.js';
import { fail, PASS, SKIP, unknownResult } from '../../rule-kit.js';
import { gcpRule, googleDoc, textAt } from './kit.js';

const KEY = 'google_kms_crypto_key';
const MAX_ROTATION_SECONDS = 90 * 24 * 60 * 60;

export const kmsRules = [
  gcpRule(
    {
      id: 'OPS-GCP-KMS-001',
      title: 'KMS key rotates at least every 90 days',
      severity: 'medium',
      family: 'encryption',
      resourceTypes: [KEY],
      remediation:
        'Set `rotation_period = "7776000s"` (90 days) or shorter on symmetric keys (`purpose = "ENCRYPT_DECRYPT"`, the default); there is no rotation by default.',
      references: [googleDoc(KEY), 'https://cloud.google.com/kms/docs/key-rotation'],
      peers: { checkov: ['CKV_GCP_43'], trivy: ['AVD-GCP-0065'], tfsec: ['google-kms-rotate-kms-keys'] },
    },
    (r) => {
      const purpose = textAt(r, 'purpose');
      if (isUnknown(purpose)) return unknownResult('purpose is known only after apply');
      if (purpose !== undefined && purpose !== 'ENCRYPT_DECRYPT') return SKIP;
      const period = textAt(r, 'rotation_period');
      if (isUnknown(period)) return unknownResult('rotation_period is known only after apply');
      if (period === undefined) return fail('no rotation_period: the key is never rotated');
      const m = /^(\d+(?:\.\d+)?)s$/.exec(period.trim());
      if (!m) return fail(`rotation_period "${period}" is not a duration in seconds`, 'rotation_period');
      const seconds = Number(m[1]);
      return seconds <= MAX_ROTATION_SECONDS
        ? PASS
        : fail(`rotation_period is ${Math.round(seconds / 86400)} days (more than 90)`, 'rotation_period');
    },
  ),
];
