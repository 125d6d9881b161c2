import type { IacResource } from '../../../iac/resource.js';
import type { CheckResult, Rule } from '../../rule.js';
import { all, defineRule, fail, get, PASS, SKIP, unknownResult } from '../../rule-kit.js';
import {
  admitsAllPorts,
  admitsTcpPort,
  awsMeta,
  blockList,
  isOpenCidr,
  sgRules,
  str,
  type SgRule,
} from './helpers.js';

const SG_TYPES = ['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule'];
const SG_DOCS = 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html';

/**
 * Checks every world-open ingress rule of a resource with `admits`; fails with the rule's CIDR
 * path, answers unknown when a CIDR list or a deciding port is Unknown.
 */
function openIngress(
  r: IacResource,
  admits: (rule: SgRule) => boolean | 'unknown',
  what: string,
): CheckResult {
  const rules = sgRules(r);
  if (rules === 'unknown') return unknownResult('security group rules are known only after apply');
  const ingress = rules.filter((x) => x.direction === 'ingress');
  if (ingress.length === 0) return r.type === 'aws_security_group' ? PASS : SKIP;
  const results: CheckResult[] = [PASS];
  for (const rule of ingress) {
    const open = rule.cidrs.some(isOpenCidr);
    if (!open) {
      if (rule.cidrsUnknown) results.push(unknownResult('CIDR blocks are known only after apply'));
      continue;
    }
    const a = admits(rule);
    if (a === 'unknown') results.push(unknownResult('ports or protocol are known only after apply'));
    else if (a)
      results.push(fail(`Ingress from ${rule.cidrs.filter(isOpenCidr).join(', ')} ${what}`, rule.path));
  }
  return all(...results);
}

const ssh = defineRule(
  awsMeta({
    id: 'OPS-AWS-SG-001',
    title: 'Security group allows SSH (22) from the internet',
    severity: 'high',
    family: 'public-exposure',
    resourceTypes: SG_TYPES,
    remediation:
      'Restrict port 22 to known CIDR ranges or a bastion security group, or use SSM Session Manager instead of SSH.',
    docs: [SG_DOCS],
    checkov: ['CKV_AWS_24'],
    trivy: [['AVD-AWS-0107', 'aws-ec2-no-public-ingress-sgr']],
  }),
  (r) => openIngress(r, (x) => admitsTcpPort(x, 22), 'reaches SSH port 22'),
);

const rdp = defineRule(
  awsMeta({
    id: 'OPS-AWS-SG-002',
    title: 'Security group allows RDP (3389) from the internet',
    severity: 'high',
    family: 'public-exposure',
    resourceTypes: SG_TYPES,
    remediation:
      'Restrict port 3389 to known CIDR ranges, or use SSM Fleet Manager / a VPN for remote desktop.',
    docs: [SG_DOCS],
    checkov: ['CKV_AWS_25'],
    trivy: [['AVD-AWS-0107', 'aws-ec2-no-public-ingress-sgr']],
  }),
  (r) => openIngress(r, (x) => admitsTcpPort(x, 3389), 'reaches RDP port 3389'),
);

const allPorts = defineRule(
  awsMeta({
    id: 'OPS-AWS-SG-003',
    title: 'Security group allows all ports or all protocols from the internet',
    severity: 'critical',
    family: 'public-exposure',
    resourceTypes: SG_TYPES,
    remediation:
      'Replace `protocol = "-1"` / port range 0-65535 from 0.0.0.0/0 with the specific ports the service needs.',
    docs: [SG_DOCS],
    checkov: ['CKV_AWS_277'],
  }),
  (r) => openIngress(r, admitsAllPorts, 'reaches all ports'),
);

const DB_PORTS: Array<[number, string]> = [
  [1433, 'SQL Server'],
  [1521, 'Oracle'],
  [3306, 'MySQL'],
  [5432, 'PostgreSQL'],
  [5439, 'Redshift'],
  [6379, 'Redis'],
  [9042, 'Cassandra'],
  [9200, 'Elasticsearch'],
  [11211, 'Memcached'],
  [27017, 'MongoDB'],
];

const dbPorts = defineRule(
  awsMeta({
    id: 'OPS-AWS-SG-004',
    title: 'Security group exposes a database port to the internet',
    severity: 'high',
    family: 'public-exposure',
    resourceTypes: SG_TYPES,
    remediation:
      'Allow database ports only from application security groups or private CIDR ranges, never 0.0.0.0/0 or ::/0.',
    docs: [SG_DOCS],
  }),
  (r) =>
    openIngress(
      r,
      (x) => {
        // Rules opening every port are reported by OPS-AWS-SG-003; here only ranges that pick database ports.
        const everything = admitsAllPorts(x);
        if (everything === 'unknown') return 'unknown';
        if (everything) return false;
        let unknown = false;
        for (const [p] of DB_PORTS) {
          const a = admitsTcpPort(x, p);
          if (a === true) return true;
          if (a === 'unknown') unknown = true;
        }
        return unknown ? 'unknown' : false;
      },
      `reaches a database port (${DB_PORTS.map(([p, n]) => `${n} ${p}`).join(', ')})`,
    ),
);

const egress = defineRule(
  awsMeta({
    id: 'OPS-AWS-SG-005',
    title: 'Security group allows all egress to the internet',
    severity: 'low',
    family: 'public-exposure',
    resourceTypes: ['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_egress_rule'],
    remediation:
      'Limit egress to the ports and destinations the workload needs (for example 443 to VPC endpoints or a proxy).',
    docs: [SG_DOCS],
    checkov: ['CKV_AWS_382'],
    trivy: [['AVD-AWS-0104', 'aws-ec2-no-public-egress-sgr']],
  }),
  (r) => {
    const rules = sgRules(r);
    if (rules === 'unknown') return unknownResult('security group rules are known only after apply');
    const out = rules.filter((x) => x.direction === 'egress');
    if (out.length === 0) return r.type === 'aws_security_group' ? PASS : SKIP;
    const results: CheckResult[] = [PASS];
    for (const rule of out) {
      if (!rule.cidrs.some(isOpenCidr)) {
        if (rule.cidrsUnknown) results.push(unknownResult('CIDR blocks are known only after apply'));
        continue;
      }
      const a = admitsAllPorts(rule);
      if (a === 'unknown') results.push(unknownResult('ports are known only after apply'));
      else if (a) results.push(fail('Egress to anywhere on all ports', rule.path));
    }
    return all(...results);
  },
);

const description = defineRule(
  awsMeta({
    id: 'OPS-AWS-SG-006',
    title: 'Security group or rule has no description',
    severity: 'low',
    family: 'least-privilege',
    resourceTypes: [
      'aws_security_group',
      'aws_security_group_rule',
      'aws_vpc_security_group_ingress_rule',
      'aws_vpc_security_group_egress_rule',
    ],
    remediation: 'Set `description` on the security group and on each rule, saying what the rule is for.',
    docs: [SG_DOCS],
    checkov: ['CKV_AWS_23'],
    trivy: [
      ['AVD-AWS-0099', 'aws-ec2-add-description-to-security-group'],
      ['AVD-AWS-0124', 'aws-ec2-add-description-to-security-group-rule'],
    ],
  }),
  (r) => {
    const results: CheckResult[] = [PASS];
    if (r.type === 'aws_security_group') {
      // The provider defaults the group description to "Managed by Terraform", which says nothing.
      const d = str(get(r, 'description'));
      if (d === 'unknown') results.push(unknownResult('description is known only after apply'));
      else if (d === undefined || d.trim() === '' || d === 'Managed by Terraform') {
        results.push(
          fail('Security group has no meaningful description', d === undefined ? undefined : 'description'),
        );
      }
      for (const dir of ['ingress', 'egress']) {
        const list = blockList(r, dir);
        if (list === 'unknown') continue;
        list.forEach((b, i) => {
          const rd = str(b['description']);
          if (rd === 'unknown') results.push(unknownResult('rule description is known only after apply'));
          else if (rd === undefined || rd.trim() === '')
            results.push(fail(`${dir} rule ${i} has no description`, `${dir}.${i}`));
        });
      }
      return all(...results);
    }
    const d = str(get(r, 'description'));
    if (d === 'unknown') return unknownResult('description is known only after apply');
    return d === undefined || d.trim() === '' ? fail('Rule has no description') : PASS;
  },
);

const defaultSg = defineRule(
  awsMeta({
    id: 'OPS-AWS-SG-007',
    title: 'Default security group does not restrict all traffic',
    severity: 'medium',
    family: 'least-privilege',
    resourceTypes: ['aws_default_security_group'],
    remediation:
      'Manage the VPC default security group with an `aws_default_security_group` that has no `ingress` and no `egress` blocks.',
    docs: ['https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html'],
    checkov: ['CKV2_AWS_12'],
    trivy: [['AVD-AWS-0173', 'aws-ec2-restrict-all-in-default-sg']],
  }),
  (r) => {
    const results: CheckResult[] = [PASS];
    for (const dir of ['ingress', 'egress']) {
      const list = blockList(r, dir);
      if (list === 'unknown') results.push(unknownResult(`${dir} is known only after apply`));
      else
        list.forEach((_, i) =>
          results.push(fail(`Default security group has an ${dir} rule`, `${dir}.${i}`)),
        );
    }
    return all(...results);
  },
);

export const sgRulesList: Rule[] = [ssh, rdp, allPorts, dbPorts, egress, description, defaultSg];
