import { describe, expect, it } from 'vitest';
import { appServiceRules } from './appservice.js';
import { outcomes, rulesLackingCases, type RuleCase } from './testing.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-AZ-APPSERVICE-001',
    about: 'HTTPS only on a web app, defaulted off on a function app, and per module instance',
    files: {
      'main.tf': `
resource "azurerm_linux_web_app" "secure" {
  https_only = true
  site_config {}
}
resource "azurerm_linux_function_app" "defaulted" {
  site_config {}
}
module "apps" {
  source = "./modules/app"
  count  = 2
  https  = count.index == 0
}`,
      'modules/app/main.tf': `
variable "https" {
  type = bool
}
resource "azurerm_windows_web_app" "this" {
  https_only = var.https
  site_config {}
}`,
    },
    expected: {
      'azurerm_linux_web_app.secure': 'pass',
      'azurerm_linux_function_app.defaulted': 'fail:https_only',
      'module.apps[0].azurerm_windows_web_app.this': 'pass',
      'module.apps[1].azurerm_windows_web_app.this': 'fail:https_only',
    },
  },
  {
    id: 'OPS-AZ-APPSERVICE-002',
    about: 'minimum TLS defaulted, 1.0 on a web app and 1.1 on the legacy resource',
    files: {
      'main.tf': `
resource "azurerm_linux_web_app" "defaulted" {
  site_config {}
}
resource "azurerm_linux_web_app" "old" {
  site_config {
    minimum_tls_version = "1.0"
  }
}
resource "azurerm_app_service" "legacy" {
  site_config {
    min_tls_version = "1.1"
  }
}`,
    },
    expected: {
      'azurerm_linux_web_app.defaulted': 'pass',
      'azurerm_linux_web_app.old': 'fail:site_config.0.minimum_tls_version',
      'azurerm_app_service.legacy': 'fail:site_config.0.min_tls_version',
    },
  },
  {
    id: 'OPS-AZ-APPSERVICE-003',
    about: 'FTPS defaults per resource generation, AllAllowed and FtpsOnly',
    files: {
      'main.tf': `
resource "azurerm_linux_web_app" "defaulted" {
  site_config {}
}
resource "azurerm_windows_web_app" "all" {
  site_config {
    ftps_state = "AllAllowed"
  }
}
resource "azurerm_app_service" "legacy_default" {
  site_config {}
}
resource "azurerm_app_service" "legacy_ftps" {
  site_config {
    ftps_state = "FtpsOnly"
  }
}`,
    },
    expected: {
      'azurerm_linux_web_app.defaulted': 'pass',
      'azurerm_windows_web_app.all': 'fail:site_config.0.ftps_state',
      'azurerm_app_service.legacy_default': 'fail',
      'azurerm_app_service.legacy_ftps': 'pass',
    },
  },
  {
    id: 'OPS-AZ-APPSERVICE-004',
    about: 'managed identity present and absent',
    files: {
      'main.tf': `
resource "azurerm_linux_web_app" "identity" {
  identity {
    type = "SystemAssigned"
  }
  site_config {}
}
resource "azurerm_linux_web_app" "none" {
  site_config {}
}`,
    },
    expected: {
      'azurerm_linux_web_app.identity': 'pass',
      'azurerm_linux_web_app.none': 'fail',
    },
  },
];

describe('Azure App Service rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(appServiceRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(appServiceRules, cases)).toEqual([]);
  });
});
