import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { OpsdeckError } from '../core/errors.js';
import { resolveConfig, type FlagValue, type OpsdeckConfig } from './resolve.js';

export interface LoadConfigInput {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Command flags; `config` (from `--config <file>`) selects the YAML file. */
  flags?: Readonly<Record<string, FlagValue>>;
}

/** Where the YAML file comes from: `--config`, else OPSDECK_CONFIG, else ./opsdeck.yaml if present. */
export function configFilePath(input: LoadConfigInput): { path: string; explicit: string } | undefined {
  const flag = input.flags?.['config'];
  if (typeof flag === 'string' && flag !== '') {
    return { path: path.resolve(input.cwd, flag), explicit: `--config=${flag}` };
  }
  const env = input.env['OPSDECK_CONFIG'];
  if (env) return { path: path.resolve(input.cwd, env), explicit: `OPSDECK_CONFIG=${env}` };
  const local = path.resolve(input.cwd, 'opsdeck.yaml');
  return existsSync(local) ? { path: local, explicit: '' } : undefined;
}

/**
 * Reads the YAML file (if any) and resolves the configuration.
 * @throws OpsdeckError OPSDECK_E_CONFIG_INVALID for a missing/unreadable file or any bad key.
 */
export function loadConfig(input: LoadConfigInput): OpsdeckConfig {
  const where = configFilePath(input);
  let file: { path: string; text: string } | undefined;
  if (where) {
    try {
      file = {
        path: path.relative(input.cwd, where.path) || where.path,
        text: readFileSync(where.path, 'utf8'),
      };
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
      throw new OpsdeckError('OPSDECK_E_CONFIG_INVALID', `Configuration file cannot be read: ${where.path}`, [
        { path: where.explicit || where.path, message: reason },
      ]);
    }
  }
  const { config: _config, ...flags } = input.flags ?? {};
  return resolveConfig({ env: input.env, file, flags, cwd: input.cwd });
}
