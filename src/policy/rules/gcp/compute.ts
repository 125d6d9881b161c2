import type { IacResource } from '../../../iac/resource.js';
import { isUnknown } from '../../../iac/terraform/value.js';
import type { CheckResult } from '../../rule.js';
import { expect, fail, get, PASS, SKIP, strings, truthy, unknownResult } from '../../rule-kit.js';
import { blockList, Findings, gcpRule, googleDoc, metadataFlag, textAt } from './kit.js';

const INSTANCE = 'google_compute_instance';
const TEMPLATE = 'google_compute_instance_template';
const INSTANCES = [INSTANCE, TEMPLATE];
const INSTANCE_DOC = googleDoc(INSTANCE);
const CLOUD_PLATFORM = new Set(['cloud-platform', 'https://www.googleapis.com/auth/cloud-platform']);

/** A metadata key of an instance, as a three-valued flag. */
function metadata(r: IacResource, key: string, absent: boolean) {
  const md = get(r, 'metadata');
  if (isUnknown(md)) return 'unknown' as const;
  return metadataFlag(get(r, `metadata.${key}`), absent);
}

export const computeRules = [
  gcpRule(
    {
      id: 'OPS-GCP-COMPUTE-001',
      title: 'Compute instance has no external IP address',
      severity: 'medium',
      family: 'public-exposure',
      resourceTypes: INSTANCES,
      remediation:
        'Remove the `access_config` block from `network_interface`; reach the instance through IAP, a bastion or a load balancer, and egress through Cloud NAT.',
      references: [
        INSTANCE_DOC,
        'https://cloud.google.com/compute/docs/ip-addresses/reserve-static-external-ip-address',
      ],
      peers: { checkov: ['CKV_GCP_40'], trivy: ['AVD-GCP-0031'], tfsec: ['google-compute-no-public-ip'] },
    },
    (r) => {
      const findings = new Findings();
      const nics = blockList(r, 'network_interface');
      if (isUnknown(nics)) return unknownResult('network_interface is known only after apply');
      nics.forEach((nic, i) => {
        const ac = blockList(nic, 'access_config');
        findings.add(
          isUnknown(ac) ? 'unknown' : ac.length > 0,
          'network_interface has an access_config: the instance gets an external IP address',
          `network_interface.${i}.access_config`,
        );
      });
      return findings.result();
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-COMPUTE-002',
      title: 'Compute instance uses Shielded VM (secure boot, vTPM, integrity monitoring)',
      severity: 'medium',
      family: 'encryption',
      resourceTypes: INSTANCES,
      remediation:
        'Add `shielded_instance_config { enable_secure_boot = true }` (defaults to `false`) and keep `enable_vtpm` and `enable_integrity_monitoring` at their default `true`; use a Shielded VM image.',
      references: [INSTANCE_DOC, 'https://cloud.google.com/compute/shielded-vm/docs/shielded-vm'],
      peers: {
        checkov: ['CKV_GCP_39'],
        trivy: ['AVD-GCP-0067', 'AVD-GCP-0041', 'AVD-GCP-0045'],
        tfsec: [
          'google-compute-enable-shielded-vm-sb',
          'google-compute-enable-shielded-vm-vtpm',
          'google-compute-enable-shielded-vm-im',
        ],
      },
    },
    (r) => {
      const findings = new Findings();
      const cfg = blockList(r, 'shielded_instance_config');
      if (isUnknown(cfg)) return unknownResult('shielded_instance_config is known only after apply');
      const first = cfg[0];
      if (first === undefined) return fail('no shielded_instance_config: secure boot is off');
      const settings: Array<[string, boolean]> = [
        ['enable_secure_boot', false],
        ['enable_vtpm', true],
        ['enable_integrity_monitoring', true],
      ];
      for (const [attr, absent] of settings) {
        const on = truthy(first[attr], absent);
        findings.add(
          on === 'unknown' ? 'unknown' : !on,
          `${attr} is off`,
          `shielded_instance_config.0.${attr}`,
        );
      }
      return findings.result();
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-COMPUTE-003',
      title: 'Compute instance does not turn OS Login off',
      severity: 'medium',
      family: 'least-privilege',
      resourceTypes: INSTANCES,
      remediation:
        'Remove `enable-oslogin = "FALSE"` from the instance `metadata`, so the project-wide OS Login setting (IAM-based SSH access) applies.',
      references: [INSTANCE_DOC, 'https://cloud.google.com/compute/docs/oslogin/set-up-oslogin'],
      peers: {
        checkov: ['CKV_GCP_34'],
        trivy: ['AVD-GCP-0036'],
        tfsec: ['google-compute-no-oslogin-override'],
      },
    },
    (r) =>
      expect(
        metadata(r, 'enable-oslogin', true),
        'metadata enable-oslogin is FALSE: SSH keys bypass IAM',
        'metadata.enable-oslogin',
      ),
  ),
  gcpRule(
    {
      id: 'OPS-GCP-COMPUTE-004',
      title: 'Project metadata enables OS Login',
      severity: 'medium',
      family: 'least-privilege',
      resourceTypes: ['google_compute_project_metadata', 'google_compute_project_metadata_item'],
      remediation:
        'Set `enable-oslogin = "TRUE"` in `google_compute_project_metadata.metadata` (or a `google_compute_project_metadata_item` with `key = "enable-oslogin"`).',
      references: [
        googleDoc('google_compute_project_metadata'),
        'https://cloud.google.com/compute/docs/oslogin/set-up-oslogin',
      ],
      peers: {
        checkov: ['CKV_GCP_33'],
        trivy: ['AVD-GCP-0042'],
        tfsec: ['google-compute-project-level-oslogin'],
      },
    },
    (r): CheckResult => {
      if (r.type === 'google_compute_project_metadata_item') {
        const key = textAt(r, 'key');
        if (isUnknown(key)) return unknownResult('key is known only after apply');
        if (key !== 'enable-oslogin') return SKIP;
        return expect(
          metadataFlag(get(r, 'value'), false),
          'enable-oslogin is not TRUE for the project',
          'value',
        );
      }
      return expect(
        metadata(r, 'enable-oslogin', false),
        'project metadata does not set enable-oslogin = "TRUE": SSH access is managed by metadata keys',
        get(r, 'metadata.enable-oslogin') === undefined ? 'metadata' : 'metadata.enable-oslogin',
      );
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-COMPUTE-005',
      title: 'Compute instance keeps the serial port disabled',
      severity: 'medium',
      family: 'public-exposure',
      resourceTypes: INSTANCES,
      remediation:
        'Remove `serial-port-enable` from `metadata` or set it to `"FALSE"` (disabled by default).',
      references: [
        INSTANCE_DOC,
        'https://cloud.google.com/compute/docs/troubleshooting/troubleshooting-using-serial-console',
      ],
      peers: { checkov: ['CKV_GCP_35'], trivy: ['AVD-GCP-0032'], tfsec: ['google-compute-no-serial-port'] },
    },
    (r) => {
      const on = metadata(r, 'serial-port-enable', false);
      return expect(
        on === 'unknown' ? 'unknown' : !on,
        'serial-port-enable is on: the interactive serial console accepts connections',
        'metadata.serial-port-enable',
      );
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-COMPUTE-006',
      title: 'Compute instance blocks project-wide SSH keys',
      severity: 'medium',
      family: 'least-privilege',
      resourceTypes: INSTANCES,
      remediation:
        'Set `metadata = { block-project-ssh-keys = "TRUE" }`, or `enable-oslogin = "TRUE"` (OS Login ignores metadata SSH keys).',
      references: [INSTANCE_DOC, 'https://cloud.google.com/compute/docs/connect/restrict-ssh-keys'],
      peers: {
        checkov: ['CKV_GCP_32'],
        trivy: ['AVD-GCP-0030'],
        tfsec: ['google-compute-no-project-wide-ssh-keys'],
      },
    },
    (r) => {
      if (metadata(r, 'enable-oslogin', false) === true) return PASS;
      return expect(
        metadata(r, 'block-project-ssh-keys', false),
        'project-wide SSH keys are accepted: every project key holder can log in',
        get(r, 'metadata') === undefined ? undefined : 'metadata',
      );
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-COMPUTE-007',
      title: 'Compute instance does not use the default service account with full API access',
      severity: 'high',
      family: 'least-privilege',
      resourceTypes: INSTANCES,
      remediation:
        'Set `service_account { email = google_service_account.app.email, scopes = ["cloud-platform"] }` with a dedicated, narrowly-granted service account; the Compute Engine default account holds Editor on the project.',
      references: [
        INSTANCE_DOC,
        'https://cloud.google.com/compute/docs/access/service-accounts#default_service_account',
      ],
      peers: { checkov: ['CKV_GCP_31'], trivy: [], tfsec: [] },
    },
    (r) => {
      const sa = blockList(r, 'service_account');
      if (isUnknown(sa)) return unknownResult('service_account is known only after apply');
      const first = sa[0];
      if (first === undefined) return PASS;
      const email = textAt(first, 'email');
      if (isUnknown(email)) return unknownResult('service_account.0.email is known only after apply');
      const isDefault =
        email === undefined || email === '' || email.endsWith('-compute@developer.gserviceaccount.com');
      if (!isDefault) return PASS;
      const scopes = strings(first['scopes']);
      if (scopes.values.some((s) => CLOUD_PLATFORM.has(s))) {
        return fail(
          'the Compute Engine default service account runs with the cloud-platform scope',
          'service_account.0.scopes',
        );
      }
      return scopes.unknown ? unknownResult('service_account.0.scopes is known only after apply') : PASS;
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-COMPUTE-008',
      title: 'Compute instance does not forward IP packets',
      severity: 'medium',
      family: 'public-exposure',
      resourceTypes: INSTANCES,
      remediation:
        'Remove `can_ip_forward = true` (defaults to `false`) unless the instance is a NAT or network appliance.',
      references: [INSTANCE_DOC, 'https://cloud.google.com/vpc/docs/using-routes#canipforward'],
      peers: { checkov: ['CKV_GCP_36'], trivy: ['AVD-GCP-0043'], tfsec: ['google-compute-no-ip-forwarding'] },
    },
    (r) => {
      const on = truthy(get(r, 'can_ip_forward'), false);
      return expect(
        on === 'unknown' ? 'unknown' : !on,
        'can_ip_forward is true: the instance can route traffic with spoofed source addresses',
        'can_ip_forward',
      );
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-COMPUTE-009',
      title: 'Compute disk encrypts with a customer-managed or customer-supplied key',
      severity: 'info',
      family: 'encryption',
      resourceTypes: ['google_compute_disk'],
      remediation:
        'Add `disk_encryption_key { kms_key_self_link = google_kms_crypto_key.k.id }` where key ownership is required (avoid `raw_key`: it puts the key in the state).',
      references: [
        googleDoc('google_compute_disk'),
        'https://cloud.google.com/compute/docs/disks/customer-managed-encryption',
      ],
      peers: {
        checkov: ['CKV_GCP_37'],
        trivy: ['AVD-GCP-0034'],
        tfsec: ['google-compute-disk-encryption-customer-key'],
      },
    },
    (r) => {
      const key = blockList(r, 'disk_encryption_key');
      if (isUnknown(key)) return unknownResult('disk_encryption_key is known only after apply');
      return key.length > 0 ? PASS : fail('encrypted with Google-managed keys only (no disk_encryption_key)');
    },
  ),
];
