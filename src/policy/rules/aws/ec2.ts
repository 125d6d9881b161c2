import type { IacResource } from '../../../iac/resource.js';
import { isUnknown, type Value } from '../../../iac/terraform/value.js';
import type { CheckResult, Rule, RuleContext } from '../../rule.js';
import { all, defineRule, expect, fail, get, PASS, SKIP, truthy, unknownResult } from '../../rule-kit.js';
import { awsMeta, blockList, str } from './helpers.js';

/** Is EBS encryption by default switched on by an `aws_ebs_encryption_by_default` of the same scan? */
function encryptionByDefault(ctx: RuleContext): boolean {
  return ctx.graph
    .byType('aws_ebs_encryption_by_default')
    .some((r) => truthy(get(r, 'enabled'), true) === true);
}

const ebsVolume = defineRule(
  awsMeta({
    id: 'OPS-AWS-EC2-001',
    title: 'EBS volume is not encrypted',
    severity: 'high',
    family: 'encryption',
    resourceTypes: ['aws_ebs_volume'],
    remediation:
      'Set `encrypted = true` (optionally with `kms_key_id`), or enable `aws_ebs_encryption_by_default` in the region.',
    docs: ['https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html'],
    checkov: ['CKV_AWS_3'],
    trivy: [['AVD-AWS-0026', 'aws-ec2-enable-volume-encryption']],
  }),
  (r, ctx) => {
    const v = get(r, 'encrypted');
    if (v === undefined || v === null) {
      if (encryptionByDefault(ctx)) return PASS;
      if (get(r, 'snapshot_id') !== undefined && get(r, 'snapshot_id') !== null) {
        return unknownResult('encryption is inherited from the snapshot');
      }
      return fail('`encrypted` is not set (defaults to false)');
    }
    return expect(truthy(v, false), 'Volume is not encrypted', 'encrypted');
  },
);

const ebsDefault = defineRule(
  awsMeta({
    id: 'OPS-AWS-EC2-002',
    title: 'EBS encryption by default is switched off',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: ['aws_ebs_encryption_by_default'],
    remediation: 'Set `enabled = true` (the default) on `aws_ebs_encryption_by_default`.',
    docs: ['https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html'],
    checkov: ['CKV_AWS_106'],
  }),
  (r) => expect(truthy(get(r, 'enabled'), true), 'EBS encryption by default is disabled', 'enabled'),
);

/** Block devices of an instance or launch configuration that are not encrypted. */
function unencryptedDevices(r: IacResource, ctx: RuleContext): CheckResult {
  const byDefault = encryptionByDefault(ctx);
  const results: CheckResult[] = [];
  for (const kind of ['root_block_device', 'ebs_block_device']) {
    const list = blockList(r, kind);
    if (list === 'unknown') {
      results.push(unknownResult(`${kind} is known only after apply`));
      continue;
    }
    list.forEach((d, i) => {
      const v = d['encrypted'];
      if (
        (v === undefined || v === null) &&
        (byDefault || (kind === 'ebs_block_device' && d['snapshot_id'] != null))
      )
        return;
      results.push(expect(truthy(v, false), `${kind} ${i} is not encrypted`, `${kind}.${i}.encrypted`));
    });
  }
  if (
    blockList(r, 'root_block_device') !== 'unknown' &&
    (blockList(r, 'root_block_device') as unknown[]).length === 0 &&
    !byDefault
  ) {
    results.push(
      fail('No root_block_device declares encryption (the root volume follows the AMI, usually unencrypted)'),
    );
  }
  return all(...results);
}

const instanceDevices = defineRule(
  awsMeta({
    id: 'OPS-AWS-EC2-003',
    title: 'EC2 instance block devices are not encrypted',
    severity: 'high',
    family: 'encryption',
    resourceTypes: ['aws_instance', 'aws_launch_configuration'],
    remediation:
      'Declare `root_block_device { encrypted = true }` and `encrypted = true` on every `ebs_block_device`, or enable `aws_ebs_encryption_by_default`.',
    docs: ['https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html'],
    checkov: ['CKV_AWS_8'],
    trivy: [
      ['AVD-AWS-0131', 'aws-ec2-enable-at-rest-encryption'],
      ['AVD-AWS-0008', 'aws-ec2-enable-launch-config-at-rest-encryption'],
    ],
  }),
  unencryptedDevices,
);

function imdsv2(r: IacResource): CheckResult {
  const endpoint = str(get(r, 'metadata_options.http_endpoint'));
  if (endpoint === 'disabled') return PASS;
  const tokens = get(r, 'metadata_options.http_tokens');
  const t = str(tokens);
  if (t === 'unknown' || endpoint === 'unknown')
    return unknownResult('metadata_options are known only after apply');
  if (t === 'required') return PASS;
  return fail(
    t === undefined
      ? 'metadata_options.http_tokens is not set (defaults to "optional": IMDSv1 allowed)'
      : `http_tokens is "${t}": IMDSv1 allowed`,
    t === undefined ? undefined : 'metadata_options.0.http_tokens',
  );
}

const instanceImds = defineRule(
  awsMeta({
    id: 'OPS-AWS-EC2-004',
    title: 'EC2 instance does not require IMDSv2',
    severity: 'high',
    family: 'least-privilege',
    resourceTypes: ['aws_instance'],
    remediation:
      'Add `metadata_options { http_tokens = "required" }` (or disable the endpoint with `http_endpoint = "disabled"`).',
    docs: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html'],
    checkov: ['CKV_AWS_79'],
    trivy: [['AVD-AWS-0028', 'aws-ec2-enforce-http-token-imds']],
  }),
  imdsv2,
);

const templateImds = defineRule(
  awsMeta({
    id: 'OPS-AWS-EC2-005',
    title: 'Launch template or configuration does not require IMDSv2',
    severity: 'high',
    family: 'least-privilege',
    resourceTypes: ['aws_launch_template', 'aws_launch_configuration'],
    remediation:
      'Add `metadata_options { http_tokens = "required" }` to the launch template or configuration.',
    docs: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html'],
    checkov: ['CKV_AWS_79'],
    trivy: [['AVD-AWS-0130', 'aws-ec2-enforce-launch-config-http-token-imds']],
  }),
  imdsv2,
);

const publicIp = defineRule(
  awsMeta({
    id: 'OPS-AWS-EC2-006',
    title: 'EC2 instance or launch template assigns a public IP address',
    severity: 'medium',
    family: 'public-exposure',
    resourceTypes: ['aws_instance', 'aws_launch_template', 'aws_launch_configuration'],
    remediation:
      'Set `associate_public_ip_address = false` (in `network_interfaces` for launch templates) and reach instances through a load balancer, NAT or SSM.',
    docs: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html'],
    checkov: ['CKV_AWS_88'],
  }),
  (r) => {
    if (r.type === 'aws_launch_template') {
      const nics = blockList(r, 'network_interfaces');
      if (nics === 'unknown') return unknownResult('network_interfaces are known only after apply');
      return all(
        PASS,
        ...nics.map((n, i) =>
          expect(
            truthy(n['associate_public_ip_address'], false) === 'unknown'
              ? 'unknown'
              : !(truthy(n['associate_public_ip_address'], false) as boolean),
            'Network interface gets a public IP address',
            `network_interfaces.${i}.associate_public_ip_address`,
          ),
        ),
      );
    }
    const v = truthy(get(r, 'associate_public_ip_address'), false);
    return expect(
      v === 'unknown' ? 'unknown' : !v,
      'Instance gets a public IP address',
      'associate_public_ip_address',
    );
  },
);

const templateEncryption = defineRule(
  awsMeta({
    id: 'OPS-AWS-EC2-007',
    title: 'Launch template EBS block device is not encrypted',
    severity: 'high',
    family: 'encryption',
    resourceTypes: ['aws_launch_template'],
    remediation:
      'Set `encrypted = "true"` in every `block_device_mappings { ebs { ... } }` of the launch template.',
    docs: ['https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html'],
  }),
  (r, ctx) => {
    const maps = blockList(r, 'block_device_mappings');
    if (maps === 'unknown') return unknownResult('block_device_mappings are known only after apply');
    const byDefault = encryptionByDefault(ctx);
    const results: CheckResult[] = [];
    maps.forEach((m, i) => {
      const ebs = blockList(m, 'ebs');
      if (ebs === 'unknown') {
        results.push(unknownResult('ebs is known only after apply'));
        return;
      }
      ebs.forEach((e, j) => {
        const v = e['encrypted'];
        if ((v === undefined || v === null) && (byDefault || e['snapshot_id'] != null)) return;
        results.push(
          expect(
            truthy(v, false),
            `Device ${i} is not encrypted`,
            `block_device_mappings.${i}.ebs.${j}.encrypted`,
          ),
        );
      });
    });
    return results.length === 0 ? SKIP : all(...results);
  },
);

const monitoring = defineRule(
  awsMeta({
    id: 'OPS-AWS-EC2-008',
    title: 'EC2 instance detailed monitoring is off',
    severity: 'low',
    family: 'logging',
    resourceTypes: ['aws_instance'],
    remediation: 'Set `monitoring = true` for one-minute CloudWatch metrics.',
    docs: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-detailed-monitoring.html'],
    checkov: ['CKV_AWS_126'],
  }),
  (r) => expect(truthy(get(r, 'monitoring'), false), 'Detailed monitoring is not enabled', 'monitoring'),
);

const snapshot = defineRule(
  awsMeta({
    id: 'OPS-AWS-EC2-009',
    title: 'EBS snapshot is not encrypted',
    severity: 'high',
    family: 'encryption',
    resourceTypes: ['aws_ebs_snapshot', 'aws_ebs_snapshot_copy'],
    remediation:
      'Snapshot only encrypted volumes (`encrypted = true` on the `aws_ebs_volume`); for `aws_ebs_snapshot_copy` set `encrypted = true` with a `kms_key_id`.',
    docs: ['https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html'],
  }),
  (r, ctx) => {
    if (r.type === 'aws_ebs_snapshot_copy') {
      return expect(truthy(get(r, 'encrypted'), false), 'Snapshot copy is not encrypted', 'encrypted');
    }
    const volumes = ctx.graph.referencedBy(r, 'volume_id').filter((v) => v.type === 'aws_ebs_volume');
    if (volumes.length === 0) return unknownResult('the snapshot volume is not part of this scan');
    const results = volumes.map((v) => {
      const e = get(v, 'encrypted');
      if ((e === undefined || e === null) && encryptionByDefault(ctx)) return PASS;
      return expect(truthy(e, false), `Source volume ${v.address} is not encrypted`, 'volume_id');
    });
    return all(...results);
  },
);

const ami = defineRule(
  awsMeta({
    id: 'OPS-AWS-EC2-010',
    title: 'AMI block devices are not encrypted',
    severity: 'medium',
    family: 'encryption',
    resourceTypes: ['aws_ami', 'aws_ami_copy'],
    remediation: 'Set `encrypted = true` on `aws_ami_copy`, and on every `ebs_block_device` of an `aws_ami`.',
    docs: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AMIEncryption.html'],
    checkov: ['CKV_AWS_235'],
  }),
  (r) => {
    if (r.type === 'aws_ami_copy')
      return expect(truthy(get(r, 'encrypted'), false), 'AMI copy is not encrypted', 'encrypted');
    const devs = blockList(r, 'ebs_block_device');
    if (devs === 'unknown') return unknownResult('ebs_block_device is known only after apply');
    return all(
      PASS,
      ...devs.map((d, i) => {
        if (d['snapshot_id'] != null && (d['encrypted'] === undefined || d['encrypted'] === null)) {
          return unknownResult('encryption follows the snapshot');
        }
        return expect(
          truthy(d['encrypted'], false),
          `ebs_block_device ${i} is not encrypted`,
          `ebs_block_device.${i}.encrypted`,
        );
      }),
    );
  },
);

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/aws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9/+]{40}/i, 'an AWS secret access key'],
  [/-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----/, 'a private key'],
  [
    /(?:^|[^a-z])(password|passwd|secret|api[_-]?key|token)\s*[=:]\s*["']?[^\s"'$]{6,}/im,
    'a hard-coded password or token',
  ],
];

function decodeMaybeBase64(s: string): string {
  const t = s.trim();
  if (t.length < 16 || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]+=*$/.test(t)) return s;
  const d = Buffer.from(t, 'base64').toString('utf8');
  // Keep the decoding only when it yields text.
  return /^[\t\n\r\x20-\x7e]*$/.test(d) ? d : s;
}

function secretsIn(v: Value | undefined, path: string): CheckResult {
  if (v === undefined || v === null) return PASS;
  if (isUnknown(v)) return unknownResult(`${path} is known only after apply`);
  if (typeof v !== 'string') return PASS;
  const text = decodeMaybeBase64(v);
  for (const [re, what] of SECRET_PATTERNS) if (re.test(text)) return fail(`${path} contains ${what}`, path);
  return PASS;
}

const userData = defineRule(
  awsMeta({
    id: 'OPS-AWS-EC2-011',
    title: 'EC2 user data contains what looks like a secret',
    severity: 'high',
    family: 'least-privilege',
    resourceTypes: ['aws_instance', 'aws_launch_template', 'aws_launch_configuration'],
    remediation:
      'Remove credentials from `user_data`; give the instance an IAM role and read secrets at boot from Secrets Manager or SSM Parameter Store.',
    docs: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html'],
    checkov: ['CKV_AWS_46'],
    trivy: [
      ['AVD-AWS-0029', 'aws-ec2-no-secrets-in-user-data'],
      ['AVD-AWS-0129', 'aws-ec2-no-secrets-in-launch-template-user-data'],
    ],
  }),
  (r) =>
    all(
      secretsIn(get(r, 'user_data'), 'user_data'),
      secretsIn(get(r, 'user_data_base64'), 'user_data_base64'),
    ),
);

export const ec2Rules: Rule[] = [
  ebsVolume,
  ebsDefault,
  instanceDevices,
  instanceImds,
  templateImds,
  publicIp,
  templateEncryption,
  monitoring,
  snapshot,
  ami,
  userData,
];
