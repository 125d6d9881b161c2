import { isUnknown } from '../../../iac/terraform/value.js';
import { expect, fail, get, PASS, truthy, unknownResult } from '../../rule-kit.js';
import { azurermDoc, azureRule, blockList, not, textAt } from './kit.js';

const MSSQL = 'azurerm_mssql_server';
const LEGACY_SQL = 'azurerm_sql_server';
const FIREWALL_TYPES = [
  'azurerm_mssql_firewall_rule',
  'azurerm_sql_firewall_rule',
  'azurerm_postgresql_flexible_server_firewall_rule',
  'azurerm_mysql_flexible_server_firewall_rule',
  'azurerm_postgresql_firewall_rule',
  'azurerm_mysql_firewall_rule',
  'azurerm_mariadb_firewall_rule',
];

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

export const sqlRules = [
  azureRule(
    {
      id: 'OPS-AZ-SQL-001',
      title: 'SQL server disables public network access',
      severity: 'high',
      family: 'public-exposure',
      resourceTypes: [MSSQL, LEGACY_SQL],
      remediation:
        'Set `public_network_access_enabled = false` (defaults to `true`) and connect through a private endpoint.',
      references: [
        azurermDoc(MSSQL),
        'https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings',
      ],
      peers: {
        checkov: ['CKV_AZURE_113'],
        trivy: ['AVD-AZU-0022'],
        tfsec: ['azure-database-no-public-access'],
      },
    },
    (r) =>
      expect(
        not(truthy(get(r, 'public_network_access_enabled'), true)),
        'public network access is enabled (the default): the server has a public endpoint',
        get(r, 'public_network_access_enabled') === undefined ? undefined : 'public_network_access_enabled',
      ),
  ),
  azureRule(
    {
      id: 'OPS-AZ-SQL-002',
      title: 'SQL server requires TLS 1.2 or later',
      severity: 'high',
      family: 'encryption',
      resourceTypes: [MSSQL],
      remediation:
        'Set `minimum_tls_version = "1.2"` (the default since azurerm 3.0; absent passes). Never `"Disabled"`, `"1.0"` or `"1.1"`.',
      references: [
        azurermDoc(MSSQL),
        'https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings',
      ],
      peers: {
        checkov: ['CKV_AZURE_52'],
        trivy: ['AVD-AZU-0026'],
        tfsec: ['azure-database-secure-tls-policy'],
      },
    },
    (r) => {
      const v = textAt(r, 'minimum_tls_version');
      if (v === undefined) return PASS;
      if (isUnknown(v)) return unknownResult('minimum_tls_version is known only after apply');
      return ['1.2', '1.3'].includes(v)
        ? PASS
        : fail(
            `minimum_tls_version is ${v}: clients may connect with TLS older than 1.2`,
            'minimum_tls_version',
          );
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-SQL-003',
      title: 'SQL server has auditing enabled',
      severity: 'medium',
      family: 'logging',
      resourceTypes: [MSSQL],
      remediation:
        'Add an `azurerm_mssql_server_extended_auditing_policy` with `server_id = <server>.id` (to a storage account or `log_monitoring_enabled = true` with a diagnostic setting).',
      references: [
        azurermDoc('azurerm_mssql_server_extended_auditing_policy'),
        'https://learn.microsoft.com/azure/azure-sql/database/auditing-overview',
      ],
      peers: { checkov: ['CKV_AZURE_23'], trivy: ['AVD-AZU-0027'], tfsec: ['azure-database-enable-audit'] },
    },
    (r, ctx) => {
      const inline = blockList(r, 'extended_auditing_policy');
      if (isUnknown(inline)) return unknownResult('extended_auditing_policy is known only after apply');
      const policies = [
        ...inline,
        ...ctx.graph.referencing(r, 'azurerm_mssql_server_extended_auditing_policy').map((p) => p.attributes),
      ];
      if (policies.length === 0) return fail('no extended auditing policy: database activity is not audited');
      const states = policies.map((p) => truthy(get(p, 'enabled'), true));
      if (states.includes(true)) return PASS;
      if (states.includes('unknown'))
        return unknownResult('auditing policy `enabled` is known only after apply');
      return fail('the extended auditing policy is disabled (enabled = false)');
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-SQL-004',
      title: 'SQL server has a Microsoft Entra (Azure AD) administrator',
      severity: 'medium',
      family: 'least-privilege',
      resourceTypes: [MSSQL, LEGACY_SQL],
      remediation:
        'Add `azuread_administrator { login_username = ..., object_id = ... }` (ideally `azuread_authentication_only = true`) so access is granted to Entra identities instead of the SQL admin password; for `azurerm_sql_server` use `azurerm_sql_active_directory_administrator`.',
      references: [
        azurermDoc(MSSQL),
        'https://learn.microsoft.com/azure/azure-sql/database/authentication-aad-configure',
      ],
      peers: { checkov: ['CKV2_AZURE_7', 'CKV2_AZURE_27'], trivy: [], tfsec: [] },
    },
    (r, ctx) => {
      const admin = blockList(r, 'azuread_administrator');
      if (isUnknown(admin)) return unknownResult('azuread_administrator is known only after apply');
      if (admin.length > 0) return PASS;
      if (ctx.graph.referencing(r, 'azurerm_sql_active_directory_administrator').length > 0) return PASS;
      return fail('no Entra ID administrator: only SQL authentication is configured');
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-SQL-005',
      title: 'Database firewall rule does not open the server to the whole internet',
      severity: 'critical',
      family: 'public-exposure',
      resourceTypes: FIREWALL_TYPES,
      remediation:
        'Narrow `start_ip_address`/`end_ip_address` to the client addresses that need access (`0.0.0.0`-`0.0.0.0` is the separate "allow Azure services" switch), or use private endpoints.',
      references: [
        azurermDoc('azurerm_mssql_firewall_rule'),
        'https://learn.microsoft.com/azure/azure-sql/database/firewall-configure',
      ],
      peers: {
        checkov: ['CKV_AZURE_11'],
        trivy: ['AVD-AZU-0029'],
        tfsec: ['azure-database-no-public-firewall-access'],
      },
    },
    (r) => {
      const start = textAt(r, 'start_ip_address');
      const end = textAt(r, 'end_ip_address');
      if (isUnknown(start) || isUnknown(end))
        return unknownResult('firewall addresses are known only after apply');
      const s = ipv4(start ?? '');
      const e = ipv4(end ?? '');
      if (s === undefined || e === undefined) return PASS;
      const wholeInternet = s <= (ipv4('1.0.0.0') ?? 0) && e >= (ipv4('223.255.255.255') ?? 0);
      return wholeInternet
        ? fail(
            `firewall rule allows ${start ?? ''}-${end ?? ''}: every internet address may connect`,
            'end_ip_address',
          )
        : PASS;
    },
  ),
];
