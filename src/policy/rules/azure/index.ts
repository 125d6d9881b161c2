import type { Rule } from '../../rule.js';
import { aksRules } from './aks.js';
import { appServiceRules } from './appservice.js';
import { authorizationRules } from './authorization.js';
import { computeRules } from './compute.js';
import { databaseRules } from './database.js';
import { keyVaultRules } from './keyvault.js';
import { monitorRules } from './monitor.js';
import { networkRules } from './network.js';
import { sqlRules } from './sql.js';
import { storageRules } from './storage.js';
import { tagRules } from './tags.js';

/** Every built-in rule for the azurerm provider. */
export const azureRules: readonly Rule[] = [
  ...storageRules,
  ...networkRules,
  ...keyVaultRules,
  ...sqlRules,
  ...databaseRules,
  ...aksRules,
  ...appServiceRules,
  ...computeRules,
  ...monitorRules,
  ...authorizationRules,
  ...tagRules,
];
