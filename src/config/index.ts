export { CONFIG_KEYS, LOG_LEVELS, expectation, type ConfigKey, type KeyKind, type LogLevel } from './keys.js';
export {
  CONFIG_FILE_SCHEMA,
  DEFAULTS,
  flagAttribute,
  resolveConfig,
  type FlagValue,
  type OpsdeckConfig,
  type ResolveConfigInput,
} from './resolve.js';
export { configFilePath, loadConfig, type LoadConfigInput } from './load.js';
