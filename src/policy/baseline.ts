/**
 * Baselines: accept today's findings so that only new ones fail a build. A baseline is a JSON file
 * of finding fingerprints (stable across line moves), with rule, address and file for humans.
 */
import { OpsdeckError } from '../core/errors.js';
import type { Finding } from './engine.js';

export const DEFAULT_BASELINE_FILE = '.opsdeck-baseline.json';

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  address: string;
  file: string;
}

export interface Baseline {
  version: 1;
  entries: BaselineEntry[];
}

/** A baseline of the open findings (suppressed ones need no baseline entry). */
export function createBaseline(findings: readonly Finding[]): Baseline {
  const seen = new Set<string>();
  const entries: BaselineEntry[] = [];
  for (const f of findings) {
    if (f.status === 'suppressed' || seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    entries.push({ fingerprint: f.fingerprint, ruleId: f.ruleId, address: f.address, file: f.file });
  }
  entries.sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.address.localeCompare(b.address) || a.ruleId.localeCompare(b.ruleId),
  );
  return { version: 1, entries };
}

export function serializeBaseline(b: Baseline): string {
  return `${JSON.stringify(b, null, 2)}\n`;
}

/** Parses a baseline file; a malformed one is a configuration error naming the file and the key. */
export function parseBaseline(text: string, file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new OpsdeckError('OPSDECK_E_CONFIG_INVALID', `baseline ${file} is not valid JSON`, [
      { path: file, message: e instanceof Error ? e.message : String(e) },
    ]);
  }
  const bad = (path: string, message: string) =>
    new OpsdeckError('OPSDECK_E_CONFIG_INVALID', `baseline ${file} is invalid`, [
      { path: `${file}#${path}`, message },
    ]);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad('/', 'must be an object');
  const obj = data as Record<string, unknown>;
  if (obj['version'] !== 1) throw bad('/version', 'must be 1');
  const entries = obj['entries'];
  if (!Array.isArray(entries)) throw bad('/entries', 'must be an array');
  const out: BaselineEntry[] = [];
  entries.forEach((e: unknown, i) => {
    if (typeof e !== 'object' || e === null) throw bad(`/entries/${i}`, 'must be an object');
    const r = e as Record<string, unknown>;
    if (typeof r['fingerprint'] !== 'string') throw bad(`/entries/${i}/fingerprint`, 'must be a string');
    out.push({
      fingerprint: r['fingerprint'],
      ruleId: typeof r['ruleId'] === 'string' ? r['ruleId'] : '',
      address: typeof r['address'] === 'string' ? r['address'] : '',
      file: typeof r['file'] === 'string' ? r['file'] : '',
    });
  });
  return { version: 1, entries: out };
}

export function baselineFingerprints(b: Baseline): Set<string> {
  return new Set(b.entries.map((e) => e.fingerprint));
}
