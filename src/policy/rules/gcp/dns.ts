import { isUnknown } from '../../../iac/terraform/value.js';
import { fail, get, PASS, SKIP, unknownResult } from '../../rule-kit.js';
import { gcpRule, googleDoc, textAt } from './kit.js';

const ZONE = 'google_dns_managed_zone';

export const dnsRules = [
  gcpRule(
    {
      id: 'OPS-GCP-DNS-001',
      title: 'Public Cloud DNS zone has DNSSEC on',
      severity: 'medium',
      family: 'public-exposure',
      resourceTypes: [ZONE],
      remediation:
        'Add `dnssec_config { state = "on" }` to public zones (off by default) and publish the DS record at the registrar.',
      references: [googleDoc(ZONE), 'https://cloud.google.com/dns/docs/dnssec-config'],
      peers: { checkov: ['CKV_GCP_16'], trivy: ['AVD-GCP-0013'], tfsec: ['google-dns-enable-dnssec'] },
    },
    (r) => {
      const visibility = textAt(r, 'visibility');
      if (isUnknown(visibility)) return unknownResult('visibility is known only after apply');
      if (visibility?.toLowerCase() === 'private') return SKIP;
      const state = textAt(r, 'dnssec_config.state');
      if (isUnknown(state)) return unknownResult('dnssec_config.state is known only after apply');
      if (state?.toLowerCase() === 'on') return PASS;
      return fail(
        `DNSSEC is ${state ?? 'off'}: answers for this zone can be spoofed`,
        get(r, 'dnssec_config') === undefined ? undefined : 'dnssec_config.0.state',
      );
    },
  ),
];
