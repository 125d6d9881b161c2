/**
 * What the server's estate analysis reads besides the snapshot: the price catalog, the tag policy
 * and the ignore list, from the files named by `estate.prices_path`, `estate.policy_file` and
 * `estate.ignore_file` (docs/configuration.md). Read once when the server starts.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { OpsdeckError } from '../../../core/errors.js';
import { parseIgnore } from '../../../estate/ignore.js';
import type { Diagnostic, Json } from '../../../estate/model.js';
import { buildCatalog } from '../../../estate/pricing.js';
import { parseConfig } from '../../../policy/config.js';
import { DEFAULT_TAG_POLICY } from '../../../policy/tag-policy.js';
import type { OpsdeckConfig } from '../../../config/index.js';
import { packageRoot } from '../../package-root.js';
import type { AnalysisInputs } from './analyse.js';

export interface LoadedInputs extends AnalysisInputs {
  /** Problems with the price files, added to every snapshot's diagnostics. */
  diagnostics: Diagnostic[];
  pricesSource: string;
}

function configError(key: string, file: string, e: unknown): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_CONFIG_INVALID', `${key} ${file} cannot be read`, [
    { path: key, message: e instanceof Error ? e.message : String(e) },
  ]);
}

async function readText(key: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw configError(key, file, e);
  }
}

/** The CLI's default: the price data beside the repository, when it is there. */
function defaultPrices(): string | undefined {
  const p = path.resolve(packageRoot(), '../shared/data/prices');
  return existsSync(p) ? p : undefined;
}

export async function loadAnalysisInputs(config: OpsdeckConfig): Promise<LoadedInputs> {
  const pricesPath = config.estate.pricesPath ?? defaultPrices();
  const docs: Array<{ file: string; doc: Json }> = [];
  if (pricesPath !== undefined) {
    let files: string[];
    try {
      const st = await stat(pricesPath);
      files = st.isDirectory()
        ? (await readdir(pricesPath))
            .filter((f) => f.endsWith('.json'))
            .sort()
            .map((f) => path.join(pricesPath, f))
        : [pricesPath];
    } catch (e) {
      throw configError('estate.prices_path', pricesPath, e);
    }
    for (const f of files) {
      const text = await readText('estate.prices_path', f);
      try {
        docs.push({ file: f, doc: JSON.parse(text) as Json });
      } catch (e) {
        throw new OpsdeckError('OPSDECK_E_CONFIG_INVALID', `price file ${f} is not valid JSON`, [
          { path: 'estate.prices_path', message: e instanceof Error ? e.message : String(e) },
        ]);
      }
    }
  }
  const { catalog, diagnostics } = buildCatalog(docs);
  if (pricesPath === undefined)
    diagnostics.push({
      severity: 'warning',
      file: '(server)',
      path: 'estate.prices_path',
      message: 'no price catalog configured: costs and savings are reported as n/a',
    });
  const policyFile = config.estate.policyFile;
  const policy = policyFile
    ? parseConfig(await readText('estate.policy_file', policyFile), policyFile).tagPolicy
    : DEFAULT_TAG_POLICY;
  const ignoreFile = config.estate.ignoreFile;
  const ignore = ignoreFile ? parseIgnore(await readText('estate.ignore_file', ignoreFile)) : [];
  return { catalog, policy, ignore, diagnostics, pricesSource: pricesPath ?? '(none)' };
}
