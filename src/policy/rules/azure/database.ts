import { isUnknown } from '../../../iac/terraform/value.js';
import { expect, fail, get, PASS, truthy, unknownResult } from '../../rule-kit.js';
import { azurermDoc, azureRule, not, textAt } from './kit.js';

const PG_FLEX = 'azurerm_postgresql_flexible_server';
const MYSQL_FLEX = 'azurerm_mysql_flexible_server';
const PG_SINGLE = 'azurerm_postgresql_server';
const MYSQL_SINGLE = 'azurerm_mysql_server';
const FLEX_CONFIG: Record<string, string> = {
  [PG_FLEX]: 'azurerm_postgresql_flexible_server_configuration',
  [MYSQL_FLEX]: 'azurerm_mysql_flexible_server_configuration',
};

export const databaseRules = [
  azureRule(
    {
      id: 'OPS-AZ-DATABASE-001',
      title: 'PostgreSQL/MySQL server enforces TLS connections',
      severity: 'high',
      family: 'encryption',
      resourceTypes: [PG_FLEX, MYSQL_FLEX, PG_SINGLE, MYSQL_SINGLE],
      remediation:
        'Flexible servers enforce TLS by default: do not set the server parameter `require_secure_transport` to `OFF` (an `azurerm_*_flexible_server_configuration`). Single servers: set `ssl_enforcement_enabled = true`.',
      references: [
        azurermDoc('azurerm_postgresql_flexible_server_configuration'),
        'https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-ssl-tls',
      ],
      peers: {
        checkov: ['CKV_AZURE_28', 'CKV_AZURE_29'],
        trivy: ['AVD-AZU-0020'],
        tfsec: ['azure-database-enable-ssl-enforcement'],
      },
    },
    (r, ctx) => {
      const configType = FLEX_CONFIG[r.type];
      if (configType === undefined) {
        const legacy = textAt(r, 'ssl_enforcement');
        if (typeof legacy === 'string' && legacy.toLowerCase() === 'disabled') {
          return fail('ssl_enforcement is Disabled: clients may connect without TLS', 'ssl_enforcement');
        }
        return expect(
          truthy(get(r, 'ssl_enforcement_enabled'), true),
          'ssl_enforcement_enabled is false: clients may connect without TLS',
          'ssl_enforcement_enabled',
        );
      }
      let unknown = false;
      for (const c of ctx.graph.referencing(r, configType, 'server_id')) {
        const name = textAt(c, 'name');
        const value = textAt(c, 'value');
        if (isUnknown(name)) {
          unknown = true;
          continue;
        }
        if (name?.toLowerCase() !== 'require_secure_transport') continue;
        if (isUnknown(value)) unknown = true;
        else if (value?.toLowerCase() === 'off') {
          return fail(`${c.address} sets require_secure_transport = OFF: clients may connect without TLS`);
        }
      }
      return unknown ? unknownResult('a server configuration is known only after apply') : PASS;
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-DATABASE-002',
      title: 'PostgreSQL/MySQL server is not reachable from public networks',
      severity: 'high',
      family: 'public-exposure',
      resourceTypes: [PG_FLEX, MYSQL_FLEX, PG_SINGLE, MYSQL_SINGLE],
      remediation:
        'Deploy flexible servers into a delegated subnet (`delegated_subnet_id` + `private_dns_zone_id`) or set `public_network_access_enabled = false` (MySQL flexible: `public_network_access = "Disabled"`) and use private endpoints. Public access is the default.',
      references: [
        azurermDoc(PG_FLEX),
        azurermDoc(MYSQL_FLEX),
        'https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking',
      ],
      peers: {
        checkov: ['CKV_AZURE_68', 'CKV_AZURE_53'],
        trivy: ['AVD-AZU-0022'],
        tfsec: ['azure-database-no-public-access'],
      },
    },
    (r) => {
      const subnet = get(r, 'delegated_subnet_id');
      if (subnet !== undefined && subnet !== null && subnet !== '') return PASS;
      const mode = textAt(r, 'public_network_access');
      if (isUnknown(mode)) return unknownResult('public_network_access is known only after apply');
      if (mode !== undefined) {
        return mode.toLowerCase() === 'disabled'
          ? PASS
          : fail(
              `public_network_access is ${mode}: the server has a public endpoint`,
              'public_network_access',
            );
      }
      const attr = get(r, 'public_network_access_enabled');
      return expect(
        not(truthy(attr, true)),
        'public network access is enabled and the server is not in a delegated subnet',
        attr === undefined ? undefined : 'public_network_access_enabled',
      );
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-DATABASE-003',
      title: 'PostgreSQL/MySQL server uses geo-redundant backups',
      severity: 'low',
      family: 'resilience',
      resourceTypes: [PG_FLEX, MYSQL_FLEX, PG_SINGLE, MYSQL_SINGLE],
      remediation:
        'Set `geo_redundant_backup_enabled = true` (defaults to `false`; it can only be chosen when the server is created).',
      references: [
        azurermDoc(PG_FLEX),
        'https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-backup-restore',
      ],
      peers: { checkov: ['CKV_AZURE_136', 'CKV_AZURE_94', 'CKV_AZURE_102'], trivy: [], tfsec: [] },
    },
    (r) =>
      expect(
        truthy(get(r, 'geo_redundant_backup_enabled'), false),
        'geo_redundant_backup_enabled is not true: backups stay in one region',
        'geo_redundant_backup_enabled',
      ),
  ),
];
