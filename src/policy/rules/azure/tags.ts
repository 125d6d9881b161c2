import { missingTags } from '../../tag-policy.js';
import { fail, PASS, unknownResult } from '../../rule-kit.js';
import { azureRule } from './kit.js';

/** azurerm resource types that carry `tags` and are worth owning (cost, ownership, lifecycle). */
export const AZURE_TAGGABLE_TYPES = [
  'azurerm_resource_group',
  'azurerm_storage_account',
  'azurerm_key_vault',
  'azurerm_virtual_network',
  'azurerm_network_security_group',
  'azurerm_public_ip',
  'azurerm_network_interface',
  'azurerm_lb',
  'azurerm_application_gateway',
  'azurerm_firewall',
  'azurerm_nat_gateway',
  'azurerm_linux_virtual_machine',
  'azurerm_windows_virtual_machine',
  'azurerm_virtual_machine',
  'azurerm_linux_virtual_machine_scale_set',
  'azurerm_windows_virtual_machine_scale_set',
  'azurerm_managed_disk',
  'azurerm_snapshot',
  'azurerm_kubernetes_cluster',
  'azurerm_container_registry',
  'azurerm_mssql_server',
  'azurerm_mssql_database',
  'azurerm_postgresql_flexible_server',
  'azurerm_mysql_flexible_server',
  'azurerm_cosmosdb_account',
  'azurerm_redis_cache',
  'azurerm_service_plan',
  'azurerm_linux_web_app',
  'azurerm_windows_web_app',
  'azurerm_linux_function_app',
  'azurerm_windows_function_app',
  'azurerm_log_analytics_workspace',
  'azurerm_eventhub_namespace',
  'azurerm_servicebus_namespace',
];

export const tagRules = [
  azureRule(
    {
      id: 'OPS-AZ-TAGS-001',
      title: 'Azure resource carries the required tags',
      severity: 'low',
      family: 'tagging',
      resourceTypes: AZURE_TAGGABLE_TYPES,
      remediation:
        'Add the tags your tag policy requires (e.g. `tags = { Owner = "team-x", Environment = "prod" }`) with allowed values. Azure tag names are case-insensitive, so configure the policy with `case_sensitive: false`.',
      references: [
        'https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources',
        'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs',
      ],
      peers: { checkov: [], trivy: [], tfsec: [] },
    },
    (r, ctx) => {
      const check = missingTags(r, ctx.tagPolicy);
      if (check === 'unknown') return unknownResult('tags are known only after apply');
      const problems = [
        ...(check.missing.length > 0 ? [`missing required tags: ${check.missing.join(', ')}`] : []),
        ...check.bad.map((b) => `tag ${b.key} has a value outside the policy: "${b.value}"`),
      ];
      if (problems.length === 0) return PASS;
      return fail(problems.join('; '), 'tags' in r.attributes ? 'tags' : undefined);
    },
  ),
];
