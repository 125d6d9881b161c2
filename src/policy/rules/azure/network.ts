import type { IacResource } from '../../../iac/resource.js';
import { isUnknown } from '../../../iac/terraform/value.js';
import type { CheckResult, Rule, Severity } from '../../rule.js';
import { unknownResult } from '../../rule-kit.js';
import { azurermDoc, azureRule, blockList, Findings, nsgRuleExposes, type ExposureTarget } from './kit.js';

const NSG = 'azurerm_network_security_group';
const NSG_RULE = 'azurerm_network_security_rule';

/** Inline `security_rule` entries of an NSG, or the standalone rule resource itself. */
function checkExposure(r: IacResource, target: ExposureTarget, what: string): CheckResult {
  const findings = new Findings();
  const message = `inbound Allow from the internet to ${what}`;
  if (r.type === NSG_RULE) {
    findings.add(nsgRuleExposes(r.attributes, target), message);
    return findings.result();
  }
  const rules = blockList(r, 'security_rule');
  if (isUnknown(rules)) return unknownResult('security_rule is known only after apply');
  rules.forEach((rule, i) => {
    const name = typeof rule['name'] === 'string' ? ` (security_rule "${rule['name']}")` : '';
    findings.add(nsgRuleExposes(rule, target), message + name, `security_rule.${i}`);
  });
  return findings.result();
}

function exposureRule(
  id: string,
  title: string,
  severity: Severity,
  target: ExposureTarget,
  what: string,
  peers: Rule['meta']['peers'],
): Rule {
  return azureRule(
    {
      id,
      title,
      severity,
      family: 'public-exposure',
      resourceTypes: [NSG, NSG_RULE],
      remediation: `Restrict \`source_address_prefix\`/\`source_address_prefixes\` of inbound Allow rules covering ${what} to known ranges (not \`*\`, \`0.0.0.0/0\`, \`Internet\` or \`Any\`), or reach the host through Azure Bastion / a VPN.`,
      references: [
        azurermDoc(NSG),
        azurermDoc(NSG_RULE),
        'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview',
      ],
      peers,
    },
    (r) => checkExposure(r, target, what),
  );
}

export const networkRules = [
  exposureRule(
    'OPS-AZ-NETWORK-001',
    'Network security group does not allow SSH from the internet',
    'high',
    { port: 22, protocols: ['tcp'] },
    'SSH (port 22)',
    {
      checkov: ['CKV_AZURE_10'],
      trivy: ['AVD-AZU-0050'],
      tfsec: ['azure-network-ssh-blocked-from-internet'],
    },
  ),
  exposureRule(
    'OPS-AZ-NETWORK-002',
    'Network security group does not allow RDP from the internet',
    'high',
    { port: 3389, protocols: ['tcp', 'udp'] },
    'RDP (port 3389)',
    { checkov: ['CKV_AZURE_9'], trivy: ['AVD-AZU-0048'], tfsec: ['azure-network-disable-rdp-from-internet'] },
  ),
  exposureRule(
    'OPS-AZ-NETWORK-003',
    'Network security group does not allow all ports from the internet',
    'critical',
    { port: 'all', protocols: ['tcp', 'udp'] },
    'all ports',
    { checkov: [], trivy: [], tfsec: [] },
  ),
];
