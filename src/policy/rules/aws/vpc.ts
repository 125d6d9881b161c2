import type { IacResource } from '../../../iac/resource.js';
import type { ObjectValue } from '../../../iac/terraform/value.js';
import type { CheckResult, Rule } from '../../rule.js';
import { all, defineRule, expect, fail, get, PASS, SKIP, truthy, unknownResult } from '../../rule-kit.js';
import {
  admitsAllPorts,
  admitsTcpPort,
  attached,
  awsMeta,
  blockList,
  isOpenCidr,
  num,
  str,
  type SgRule,
} from './helpers.js';

const flowLogs = defineRule(
  awsMeta({
    id: 'OPS-AWS-VPC-001',
    title: 'VPC has no flow log',
    severity: 'medium',
    family: 'logging',
    resourceTypes: ['aws_vpc'],
    remediation:
      'Add an `aws_flow_log` with `vpc_id` set to this VPC (traffic_type `ALL`) delivering to CloudWatch Logs or S3.',
    docs: ['https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html'],
    checkov: ['CKV2_AWS_11'],
    trivy: [['AVD-AWS-0178', 'aws-ec2-require-vpc-flow-logs-for-all-vpcs']],
  }),
  (r, ctx) =>
    attached(ctx, r, 'aws_flow_log', 'vpc_id').length > 0
      ? PASS
      : fail('No aws_flow_log references this VPC'),
);

const subnetPublicIp = defineRule(
  awsMeta({
    id: 'OPS-AWS-VPC-002',
    title: 'Subnet assigns public IP addresses on launch',
    severity: 'medium',
    family: 'public-exposure',
    resourceTypes: ['aws_subnet'],
    remediation:
      'Set `map_public_ip_on_launch = false` (the default) and give public addresses only where needed, through load balancers or Elastic IPs.',
    docs: ['https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html'],
    checkov: ['CKV_AWS_130'],
    trivy: [['AVD-AWS-0164', 'aws-ec2-no-public-ip-subnet']],
  }),
  (r) => {
    const v = truthy(get(r, 'map_public_ip_on_launch'), false);
    return expect(
      v === 'unknown' ? 'unknown' : !v,
      'Instances launched here get a public IP address',
      'map_public_ip_on_launch',
    );
  },
);

interface AclEntry {
  rule: SgRule;
  allow: boolean | 'unknown';
}

function aclEntry(b: ObjectValue, base: string, actionAttr: string): AclEntry {
  const cidrs: string[] = [];
  let unknown = false;
  let path = base === '' ? 'cidr_block' : `${base}.cidr_block`;
  for (const a of ['cidr_block', 'ipv6_cidr_block']) {
    const s = str(b[a]);
    if (s === 'unknown') unknown = true;
    else if (s !== undefined) {
      cidrs.push(s);
      if (isOpenCidr(s)) path = base === '' ? a : `${base}.${a}`;
    }
  }
  const action = str(b[actionAttr]);
  const protocol = str(b['protocol']);
  return {
    rule: {
      direction: 'ingress',
      protocol: protocol === 'unknown' ? 'unknown' : (protocol ?? '-1').toLowerCase(),
      from: num(b['from_port']),
      to: num(b['to_port']),
      cidrs,
      cidrsUnknown: unknown,
      path,
      description: undefined,
    },
    allow: action === 'unknown' ? 'unknown' : action?.toLowerCase() === 'allow',
  };
}

function aclIngress(r: IacResource): AclEntry[] | 'unknown' | 'none' {
  if (r.type === 'aws_network_acl_rule') {
    const egress = truthy(get(r, 'egress'), false);
    if (egress === 'unknown') return 'unknown';
    if (egress) return 'none';
    return [aclEntry(r.attributes, '', 'rule_action')];
  }
  const list = blockList(r, 'ingress');
  if (list === 'unknown') return 'unknown';
  return list.map((b, i) => aclEntry(b, `ingress.${i}`, 'action'));
}

function aclCheck(r: IacResource, admits: (x: SgRule) => boolean | 'unknown', what: string): CheckResult {
  const entries = aclIngress(r);
  if (entries === 'unknown') return unknownResult('ACL entries are known only after apply');
  if (entries === 'none') return SKIP;
  const results: CheckResult[] = [PASS];
  for (const e of entries) {
    if (!e.rule.cidrs.some(isOpenCidr)) {
      if (e.rule.cidrsUnknown) results.push(unknownResult('CIDR block is known only after apply'));
      continue;
    }
    if (e.allow === 'unknown') {
      results.push(unknownResult('rule action is known only after apply'));
      continue;
    }
    if (!e.allow) continue;
    const a = admits(e.rule);
    if (a === 'unknown') results.push(unknownResult('ports are known only after apply'));
    else if (a)
      results.push(
        fail(`ACL allows ingress from ${e.rule.cidrs.filter(isOpenCidr).join(', ')} ${what}`, e.rule.path),
      );
  }
  return all(...results);
}

const NACL_TYPES = ['aws_network_acl', 'aws_network_acl_rule'];
const NACL_DOCS = 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html';

const naclAdmin = defineRule(
  awsMeta({
    id: 'OPS-AWS-VPC-003',
    title: 'Network ACL allows SSH or RDP from the internet',
    severity: 'high',
    family: 'public-exposure',
    resourceTypes: NACL_TYPES,
    remediation:
      'Allow ports 22 and 3389 only from known CIDR ranges in the network ACL (`rule_action = "allow"` entries).',
    docs: [NACL_DOCS],
    checkov: ['CKV_AWS_231', 'CKV_AWS_232'],
    trivy: [['AVD-AWS-0105', 'aws-ec2-no-public-ingress-acl']],
  }),
  (r) =>
    aclCheck(
      r,
      (x) => {
        const a = admitsTcpPort(x, 22);
        const b = admitsTcpPort(x, 3389);
        if (a === true || b === true) return true;
        return a === 'unknown' || b === 'unknown' ? 'unknown' : false;
      },
      'to SSH/RDP',
    ),
);

const naclAllPorts = defineRule(
  awsMeta({
    id: 'OPS-AWS-VPC-004',
    title: 'Network ACL allows all ports from the internet',
    severity: 'medium',
    family: 'public-exposure',
    resourceTypes: NACL_TYPES,
    remediation:
      'Replace `protocol = "-1"` allow entries from 0.0.0.0/0 with entries for the specific ports needed.',
    docs: [NACL_DOCS],
    checkov: ['CKV_AWS_352'],
    trivy: [['AVD-AWS-0102', 'aws-ec2-no-excessive-port-access']],
  }),
  (r) => aclCheck(r, admitsAllPorts, 'on all ports'),
);

const defaultVpc = defineRule(
  awsMeta({
    id: 'OPS-AWS-VPC-005',
    title: 'Default VPC is managed for use',
    severity: 'low',
    family: 'public-exposure',
    resourceTypes: ['aws_default_vpc'],
    remediation:
      'Create dedicated VPCs with `aws_vpc` for workloads; do not adopt the default VPC (its subnets give public IPs).',
    docs: ['https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html'],
    checkov: ['CKV_AWS_148'],
    trivy: [['AVD-AWS-0101', 'aws-ec2-no-default-vpc']],
  }),
  () => fail('The default VPC is brought under management, which suggests workloads run in it'),
);

export const vpcRules: Rule[] = [flowLogs, subnetPublicIp, naclAdmin, naclAllPorts, defaultVpc];
