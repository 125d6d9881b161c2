/**
 * The scan configuration as the engine uses it, and path exclusion. Kept apart from config.ts
 * (which parses and validates `.opsdeck.yaml` with typebox) so a scan without a configuration
 * file does not load the schema library: start-up time counts in every CI run.
 */
import type { Severity, TagPolicy } from './rule.js';
import { DEFAULT_TAG_POLICY } from './tag-policy.js';

export interface ScanConfig {
  severityThreshold?: Severity;
  enable: string[];
  disable: string[];
  severityOverrides: Record<string, Severity>;
  tagPolicy: TagPolicy;
  exclude: string[];
}

export const EMPTY_CONFIG: ScanConfig = {
  enable: [],
  disable: [],
  severityOverrides: {},
  tagPolicy: DEFAULT_TAG_POLICY,
  exclude: [],
};

/** A glob (`*`, `**`, `?`) as a RegExp over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}(?:/.*)?$`);
}

export function isExcluded(relPath: string, patterns: readonly string[]): boolean {
  const p = relPath.replace(/\\/g, '/').replace(/^\.\//, '');
  return patterns.some((g) => globToRegExp(g.replace(/^\.\//, '')).test(p));
}
