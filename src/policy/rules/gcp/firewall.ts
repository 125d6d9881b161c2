import type { IacResource } from '../../../iac/resource.js';
import { isUnknown, type ObjectValue } from '../../../iac/terraform/value.js';
import type { CheckResult, Rule, Severity } from '../../rule.js';
import { get, strings, truthy, type Tri } from '../../rule-kit.js';
import {
  and,
  blockList,
  Findings,
  gcpRule,
  googleDoc,
  isAnyCidr,
  not,
  rangeCovers,
  text,
  textAt,
} from './kit.js';

const FIREWALL = 'google_compute_firewall';
const TCP_UDP = new Set(['tcp', 'udp', '6', '17', 'all']);

interface Target {
  port: number | 'all';
  protocols: string[];
}

/** Whether one `allow` entry opens the target: protocol match, and ports absent (all) or covering. */
function allowOpens(allow: ObjectValue, target: Target): Tri {
  const protocol = text(allow['protocol']);
  if (isUnknown(protocol)) return 'unknown';
  const p = (protocol ?? '').toLowerCase();
  if (p !== 'all' && !target.protocols.includes(p)) return false;
  const ports = strings(allow['ports']);
  if (ports.values.length === 0) return ports.unknown ? 'unknown' : p === 'all' || TCP_UDP.has(p);
  if (ports.values.some((r) => rangeCovers(r, target.port))) return true;
  return ports.unknown ? 'unknown' : false;
}

function checkFirewall(r: IacResource, target: Target, what: string): CheckResult {
  const findings = new Findings();
  const direction = textAt(r, 'direction');
  const ingress: Tri = isUnknown(direction)
    ? 'unknown'
    : (direction ?? 'INGRESS').toUpperCase() === 'INGRESS';
  const enabled = not(truthy(get(r, 'disabled'), false));
  const sources = strings(get(r, 'source_ranges'));
  const open = sources.values.filter(isAnyCidr);
  const fromAnywhere: Tri = open.length > 0 ? true : sources.unknown ? 'unknown' : false;
  const allows = blockList(r, 'allow');
  if (isUnknown(allows)) {
    findings.add(and(ingress, enabled, fromAnywhere, 'unknown'), '', 'allow');
    return findings.result();
  }
  allows.forEach((allow, i) => {
    findings.add(
      and(ingress, enabled, fromAnywhere, allowOpens(allow, target)),
      `ingress from ${open.join(', ') || 'the internet'} is allowed to ${what}`,
      `allow.${i}`,
    );
  });
  return findings.result();
}

function firewallRule(
  id: string,
  title: string,
  severity: Severity,
  target: Target,
  what: string,
  peers: Rule['meta']['peers'],
): Rule {
  return gcpRule(
    {
      id,
      title,
      severity,
      family: 'public-exposure',
      resourceTypes: [FIREWALL],
      remediation: `Replace \`0.0.0.0/0\` / \`::/0\` in \`source_ranges\` of ingress rules that allow ${what} with known ranges, or use Identity-Aware Proxy TCP forwarding (\`35.235.240.0/20\`).`,
      references: [googleDoc(FIREWALL), 'https://cloud.google.com/firewall/docs/using-firewalls'],
      peers,
    },
    (r) => checkFirewall(r, target, what),
  );
}

export const firewallRules = [
  firewallRule(
    'OPS-GCP-FIREWALL-001',
    'VPC firewall does not allow SSH from the internet',
    'high',
    { port: 22, protocols: ['tcp', '6'] },
    'SSH (port 22)',
    { checkov: ['CKV_GCP_2'], trivy: ['AVD-GCP-0071'], tfsec: ['google-compute-restrict-ssh-access'] },
  ),
  firewallRule(
    'OPS-GCP-FIREWALL-002',
    'VPC firewall does not allow RDP from the internet',
    'high',
    { port: 3389, protocols: ['tcp', 'udp', '6', '17'] },
    'RDP (port 3389)',
    { checkov: ['CKV_GCP_3'], trivy: ['AVD-GCP-0070'], tfsec: ['google-compute-no-open-rdp-access'] },
  ),
  firewallRule(
    'OPS-GCP-FIREWALL-003',
    'VPC firewall does not allow all ports from the internet',
    'critical',
    { port: 'all', protocols: ['tcp', 'udp', '6', '17'] },
    'all ports',
    { checkov: ['CKV2_GCP_12'], trivy: [], tfsec: [] },
  ),
];
