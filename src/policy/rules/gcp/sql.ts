import { isUnknown } from '../../../iac/terraform/value.js';
import { expect, fail, get, PASS, SKIP, truthy, unknownResult } from '../../rule-kit.js';
import { blockList, Findings, gcpRule, googleDoc, isAnyCidr, text, textAt } from './kit.js';

const SQL = 'google_sql_database_instance';
const SQL_DOC = googleDoc(SQL);
const ENCRYPTED_MODES = new Set(['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED']);
const PG_LOG_FLAGS = ['log_connections', 'log_disconnections'];

export const sqlRules = [
  gcpRule(
    {
      id: 'OPS-GCP-SQL-001',
      title: 'Cloud SQL instance is not open to the whole internet',
      severity: 'critical',
      family: 'public-exposure',
      resourceTypes: [SQL],
      remediation:
        'Remove `0.0.0.0/0` from `settings.ip_configuration.authorized_networks`; prefer `ipv4_enabled = false` with `private_network`, or the Cloud SQL Auth Proxy.',
      references: [SQL_DOC, 'https://cloud.google.com/sql/docs/postgres/configure-ip'],
      peers: { checkov: ['CKV_GCP_11'], trivy: ['AVD-GCP-0017'], tfsec: ['google-sql-no-public-access'] },
    },
    (r) => {
      const findings = new Findings();
      const ipv4 = truthy(get(r, 'settings.ip_configuration.ipv4_enabled'), true);
      if (ipv4 === false) return PASS;
      const nets = blockList(r, 'settings.ip_configuration.authorized_networks');
      if (isUnknown(nets)) return unknownResult('authorized_networks is known only after apply');
      nets.forEach((n, i) => {
        const v = text(n['value']);
        const open = isUnknown(v) ? 'unknown' : v !== undefined && isAnyCidr(v);
        findings.add(
          open === true && ipv4 === 'unknown' ? 'unknown' : open,
          `authorized network ${typeof v === 'string' ? v : ''} lets every internet address reach the public IP`,
          `settings.0.ip_configuration.0.authorized_networks.${i}`,
        );
      });
      return findings.result();
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-SQL-002',
      title: 'Cloud SQL instance requires encrypted connections',
      severity: 'high',
      family: 'encryption',
      resourceTypes: [SQL],
      remediation:
        'Set `settings { ip_configuration { ssl_mode = "ENCRYPTED_ONLY" } }` (or `TRUSTED_CLIENT_CERTIFICATE_REQUIRED`); on google provider 5.x and older `require_ssl = true` also passes. The default allows unencrypted connections.',
      references: [SQL_DOC, 'https://cloud.google.com/sql/docs/postgres/configure-ssl-instance'],
      peers: {
        checkov: ['CKV_GCP_6'],
        trivy: ['AVD-GCP-0015'],
        tfsec: ['google-sql-encrypt-in-transit-data'],
      },
    },
    (r) => {
      const mode = textAt(r, 'settings.ip_configuration.ssl_mode');
      const legacy = truthy(get(r, 'settings.ip_configuration.require_ssl'), false);
      if (typeof mode === 'string' && ENCRYPTED_MODES.has(mode.toUpperCase())) return PASS;
      if (legacy === true) return PASS;
      if (isUnknown(mode) || legacy === 'unknown')
        return unknownResult('SSL settings are known only after apply');
      return fail(
        `ssl_mode is ${mode ?? 'ALLOW_UNENCRYPTED_AND_ENCRYPTED (default)'}: clients may connect without TLS`,
        mode === undefined ? undefined : 'settings.0.ip_configuration.0.ssl_mode',
      );
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-SQL-003',
      title: 'Cloud SQL instance has automated backups',
      severity: 'medium',
      family: 'resilience',
      resourceTypes: [SQL],
      remediation:
        'Add `settings { backup_configuration { enabled = true } }` (defaults to `false`), with `point_in_time_recovery_enabled = true` for PostgreSQL (`binary_log_enabled` for MySQL).',
      references: [SQL_DOC, 'https://cloud.google.com/sql/docs/postgres/backup-recovery/backups'],
      peers: { checkov: ['CKV_GCP_14'], trivy: ['AVD-GCP-0024'], tfsec: ['google-sql-enable-backup'] },
    },
    (r) => {
      const replicaOf = get(r, 'master_instance_name');
      if (replicaOf !== undefined && replicaOf !== null && replicaOf !== '') return SKIP;
      return expect(
        truthy(get(r, 'settings.backup_configuration.enabled'), false),
        'automated backups are off: data lost to a bad change or deletion cannot be restored',
        get(r, 'settings.backup_configuration') === undefined
          ? 'settings'
          : 'settings.0.backup_configuration.0.enabled',
      );
    },
  ),
  gcpRule(
    {
      id: 'OPS-GCP-SQL-004',
      title: 'Cloud SQL for PostgreSQL logs connections and disconnections',
      severity: 'low',
      family: 'logging',
      resourceTypes: [SQL],
      remediation:
        'Add `settings { database_flags { name = "log_connections", value = "on" } database_flags { name = "log_disconnections", value = "on" } }`.',
      references: [SQL_DOC, 'https://cloud.google.com/sql/docs/postgres/flags'],
      peers: {
        checkov: ['CKV_GCP_52', 'CKV_GCP_53'],
        trivy: ['AVD-GCP-0016', 'AVD-GCP-0022'],
        tfsec: ['google-sql-pg-log-connections', 'google-sql-pg-log-disconnections'],
      },
    },
    (r) => {
      const version = textAt(r, 'database_version');
      if (isUnknown(version)) return unknownResult('database_version is known only after apply');
      if (!version?.toUpperCase().startsWith('POSTGRES')) return SKIP;
      const flags = blockList(r, 'settings.database_flags');
      if (isUnknown(flags)) return unknownResult('database_flags are known only after apply');
      const findings = new Findings();
      for (const name of PG_LOG_FLAGS) {
        const flag = flags.find((f) => f['name'] === name);
        const value = flag === undefined ? undefined : text(flag['value']);
        findings.add(
          isUnknown(value) ? 'unknown' : value?.toLowerCase() !== 'on',
          `database flag ${name} is not "on"`,
          get(r, 'settings') === undefined ? undefined : 'settings.0.database_flags',
        );
      }
      return findings.result();
    },
  ),
];
