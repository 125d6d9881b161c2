import { isUnknown } from '../../../iac/terraform/value.js';
import { fail, get, PASS, strings, truthy, unknownResult } from '../../rule-kit.js';
import { azurermDoc, azureRule, blockList } from './kit.js';

const LOG_PROFILE = 'azurerm_monitor_log_profile';
const DIAGNOSTIC = 'azurerm_monitor_diagnostic_setting';
const REQUIRED_CATEGORIES = ['Action', 'Delete', 'Write'];

export const monitorRules = [
  azureRule(
    {
      id: 'OPS-AZ-MONITOR-001',
      title: 'Key vault access is logged through a diagnostic setting',
      severity: 'medium',
      family: 'logging',
      resourceTypes: ['azurerm_key_vault'],
      remediation:
        'Add an `azurerm_monitor_diagnostic_setting` with `target_resource_id = <vault>.id`, a Log Analytics workspace or storage account, and `enabled_log { category_group = "audit" }` (azurerm 3.x: `log { category = "AuditEvent" }`).',
      references: [azurermDoc(DIAGNOSTIC), 'https://learn.microsoft.com/azure/key-vault/general/logging'],
      peers: { checkov: [], trivy: [], tfsec: [] },
    },
    (r, ctx) => {
      const settings = ctx.graph.referencing(r, DIAGNOSTIC, 'target_resource_id');
      if (settings.length === 0)
        return fail('no diagnostic setting: key, secret and certificate access is not logged');
      let unknown = false;
      for (const s of settings) {
        const enabled = blockList(s, 'enabled_log');
        const legacy = blockList(s, 'log');
        if (isUnknown(enabled) || isUnknown(legacy)) {
          unknown = true;
          continue;
        }
        if (enabled.length > 0) return PASS;
        for (const l of legacy) {
          const on = truthy(l['enabled'], true);
          if (on === true) return PASS;
          if (on === 'unknown') unknown = true;
        }
      }
      return unknown
        ? unknownResult('diagnostic setting logs are known only after apply')
        : fail('the diagnostic settings of this vault export metrics only, no audit logs');
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-MONITOR-002',
      title: 'Activity log profile keeps logs for at least 365 days',
      severity: 'medium',
      family: 'logging',
      resourceTypes: [LOG_PROFILE],
      remediation:
        'Set `retention_policy { enabled = true, days = 365 }` (or `days = 0` to keep forever). Log profiles are retired: prefer a subscription `azurerm_monitor_diagnostic_setting` to a storage account with a lifecycle policy.',
      references: [
        azurermDoc(LOG_PROFILE),
        'https://learn.microsoft.com/azure/azure-monitor/essentials/activity-log',
      ],
      peers: {
        checkov: ['CKV_AZURE_37'],
        trivy: ['AVD-AZU-0031'],
        tfsec: ['azure-monitor-activity-log-retention-set'],
      },
    },
    (r) => {
      const policy = blockList(r, 'retention_policy');
      if (isUnknown(policy)) return unknownResult('retention_policy is known only after apply');
      const first = policy[0];
      if (first === undefined) return PASS;
      const enabled = truthy(first['enabled'], false);
      if (enabled === 'unknown') return unknownResult('retention_policy.enabled is known only after apply');
      if (!enabled) return PASS;
      const days = get(first, 'days');
      if (isUnknown(days)) return unknownResult('retention_policy.days is known only after apply');
      const n = days === undefined || days === null ? 0 : Number(days);
      return n === 0 || n >= 365
        ? PASS
        : fail(`activity logs are deleted after ${n} days (less than 365)`, 'retention_policy.0.days');
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-MONITOR-003',
      title: 'Activity log profile captures write, delete and action events',
      severity: 'medium',
      family: 'logging',
      resourceTypes: [LOG_PROFILE],
      remediation: 'Set `categories = ["Action", "Delete", "Write"]`.',
      references: [
        azurermDoc(LOG_PROFILE),
        'https://learn.microsoft.com/azure/azure-monitor/essentials/activity-log',
      ],
      peers: {
        checkov: ['CKV_AZURE_38'],
        trivy: ['AVD-AZU-0033'],
        tfsec: ['azure-monitor-capture-all-activities'],
      },
    },
    (r) => {
      const cats = strings(get(r, 'categories'));
      const have = new Set(cats.values.map((c) => c.toLowerCase()));
      const missing = REQUIRED_CATEGORIES.filter((c) => !have.has(c.toLowerCase()));
      if (missing.length === 0) return PASS;
      if (cats.unknown) return unknownResult('categories are known only after apply');
      return fail(`categories lack ${missing.join(', ')}: those operations are not logged`, 'categories');
    },
  ),
];
