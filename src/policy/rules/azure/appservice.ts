import { isUnknown } from '../../../iac/terraform/value.js';
import { expect, fail, get, PASS, truthy, unknownResult } from '../../rule-kit.js';
import { azurermDoc, azureRule, blockList, textAt } from './kit.js';

const WEB_APPS = ['azurerm_linux_web_app', 'azurerm_windows_web_app', 'azurerm_app_service'];
const FUNCTION_APPS = ['azurerm_linux_function_app', 'azurerm_windows_function_app', 'azurerm_function_app'];
const APPS = [...WEB_APPS, ...FUNCTION_APPS];
/** Deprecated resources whose `ftps_state` falls back to Azure's own default, `AllAllowed`. */
const LEGACY = new Set(['azurerm_app_service', 'azurerm_function_app']);
const REFS = [azurermDoc('azurerm_linux_web_app'), azurermDoc('azurerm_windows_web_app')];

export const appServiceRules = [
  azureRule(
    {
      id: 'OPS-AZ-APPSERVICE-001',
      title: 'App Service app accepts HTTPS only',
      severity: 'high',
      family: 'encryption',
      resourceTypes: APPS,
      remediation: 'Set `https_only = true` (defaults to `false`: plain HTTP requests are served).',
      references: [
        ...REFS,
        'https://learn.microsoft.com/azure/app-service/configure-ssl-bindings#enforce-https',
      ],
      peers: {
        checkov: ['CKV_AZURE_14', 'CKV_AZURE_70'],
        trivy: ['AVD-AZU-0072', 'AVD-AZU-0004'],
        tfsec: ['azure-appservice-web-app-https-only', 'azure-appservice-enforce-https'],
      },
    },
    (r) =>
      expect(
        truthy(get(r, 'https_only'), false),
        'https_only is not true: the app answers plain HTTP',
        'https_only',
      ),
  ),
  azureRule(
    {
      id: 'OPS-AZ-APPSERVICE-002',
      title: 'App Service app requires TLS 1.2 or later',
      severity: 'high',
      family: 'encryption',
      resourceTypes: APPS,
      remediation:
        'Set `site_config { minimum_tls_version = "1.2" }` (`min_tls_version` on the deprecated `azurerm_app_service`/`azurerm_function_app`); the default is 1.2, so absent passes.',
      references: [...REFS, 'https://learn.microsoft.com/azure/app-service/overview-tls'],
      peers: {
        checkov: ['CKV_AZURE_15', 'CKV_AZURE_145'],
        trivy: ['AVD-AZU-0006'],
        tfsec: ['azure-appservice-use-secure-tls-policy'],
      },
    },
    (r) => {
      for (const attr of ['minimum_tls_version', 'min_tls_version']) {
        const v = textAt(r, `site_config.${attr}`);
        if (v === undefined) continue;
        if (isUnknown(v)) return unknownResult(`site_config.${attr} is known only after apply`);
        if (v === '1.0' || v === '1.1') {
          return fail(
            `site_config.${attr} is ${v}: clients may use TLS older than 1.2`,
            `site_config.0.${attr}`,
          );
        }
      }
      return PASS;
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-APPSERVICE-003',
      title: 'App Service app does not allow plain FTP',
      severity: 'medium',
      family: 'encryption',
      resourceTypes: APPS,
      remediation:
        'Set `site_config { ftps_state = "Disabled" }` (or `"FtpsOnly"`). The azurerm 3.x+ web and function app resources default to `Disabled`; the deprecated `azurerm_app_service`/`azurerm_function_app` fall back to Azure\'s `AllAllowed`.',
      references: [...REFS, 'https://learn.microsoft.com/azure/app-service/deploy-ftp'],
      peers: { checkov: ['CKV_AZURE_78'], trivy: ['AVD-AZU-0071'], tfsec: ['azure-appservice-enforce-ftps'] },
    },
    (r) => {
      const v = textAt(r, 'site_config.ftps_state');
      if (isUnknown(v)) return unknownResult('site_config.ftps_state is known only after apply');
      if (v === undefined) {
        return LEGACY.has(r.type)
          ? fail(
              'ftps_state is not set and Azure defaults it to AllAllowed: credentials travel over plain FTP',
            )
          : PASS;
      }
      return v.toLowerCase() === 'allallowed'
        ? fail(
            'ftps_state is AllAllowed: credentials and content travel over plain FTP',
            'site_config.0.ftps_state',
          )
        : PASS;
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-APPSERVICE-004',
      title: 'App Service app has a managed identity',
      severity: 'low',
      family: 'least-privilege',
      resourceTypes: APPS,
      remediation:
        'Add `identity { type = "SystemAssigned" }` (or `UserAssigned`) and grant it the roles the app needs, instead of storing credentials in app settings.',
      references: [...REFS, 'https://learn.microsoft.com/azure/app-service/overview-managed-identity'],
      peers: {
        checkov: ['CKV_AZURE_71'],
        trivy: ['AVD-AZU-0002'],
        tfsec: ['azure-appservice-account-identity-registered'],
      },
    },
    (r) => {
      const identity = blockList(r, 'identity');
      if (isUnknown(identity)) return unknownResult('identity is known only after apply');
      return identity.length > 0 ? PASS : fail('no managed identity: the app must hold its own credentials');
    },
  ),
];
