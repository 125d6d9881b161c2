import type { Rule } from '../rule.js';
import { awsRules } from './aws/index.js';
import { azureRules } from './azure/index.js';
import { gcpRules } from './gcp/index.js';

/** Every built-in rule, AWS first, then Azure and Google Cloud. */
export const builtinRules: readonly Rule[] = [...awsRules, ...azureRules, ...gcpRules];
