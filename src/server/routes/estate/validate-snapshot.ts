/**
 * Checks the shape of a pushed snapshot (the JSON `opsdeck estate import --out` writes) before
 * any analysis, and reports every problem (up to a limit) with its JSON pointer.
 */
import { OpsdeckError, type ErrorDetail } from '../../../core/errors.js';
import type { Snapshot } from '../../../estate/model.js';

const MAX_DETAILS = 50;
const PROVIDERS = new Set(['aws', 'azure', 'gcp']);

const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

class Problems {
  readonly details: ErrorDetail[] = [];
  add(path: string, message: string): void {
    if (this.details.length < MAX_DETAILS) this.details.push({ path: `/body${path}`, message });
  }
  get full(): boolean {
    return this.details.length >= MAX_DETAILS;
  }
}

function checkStringMap(p: Problems, x: unknown, at: string): void {
  if (!isObj(x)) return p.add(at, 'must be an object of strings');
  for (const [k, v] of Object.entries(x))
    if (typeof v !== 'string') p.add(`${at}/${escapePointer(k)}`, 'must be a string');
}

const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function checkArray(
  p: Problems,
  doc: Record<string, unknown>,
  key: string,
  required: boolean,
  each: (item: Record<string, unknown>, at: string) => void,
): void {
  const v = doc[key];
  if (v === undefined && !required) return;
  if (!Array.isArray(v)) return p.add(`/${key}`, 'must be an array');
  for (let i = 0; i < v.length && !p.full; i++) {
    const item: unknown = v[i];
    if (!isObj(item)) p.add(`/${key}/${i}`, 'must be an object');
    else each(item, `/${key}/${i}`);
  }
}

function requireString(p: Problems, o: Record<string, unknown>, key: string, at: string): void {
  if (typeof o[key] !== 'string') p.add(`${at}/${key}`, 'must be a string');
}

/**
 * @throws OpsdeckError OPSDECK_E_VALIDATION with one detail per problem (JSON pointer into the body).
 */
export function ensureValidSnapshot(doc: unknown): Snapshot {
  const p = new Problems();
  if (!isObj(doc)) {
    throw new OpsdeckError('OPSDECK_E_VALIDATION', 'The body is not an estate snapshot', [
      { path: '/body', message: 'must be the JSON object written by `opsdeck estate import --out`' },
    ]);
  }
  if (doc['version'] !== 1) p.add('/version', 'must be 1 (the snapshot format version)');
  const takenAt = doc['takenAt'];
  if (typeof takenAt !== 'string' || Number.isNaN(Date.parse(takenAt)))
    p.add('/takenAt', 'must be an ISO-8601 time');
  checkArray(p, doc, 'resources', true, (r, at) => {
    if (typeof r['provider'] !== 'string' || !PROVIDERS.has(r['provider']))
      p.add(`${at}/provider`, 'must be aws, azure or gcp');
    requireString(p, r, 'type', at);
    requireString(p, r, 'id', at);
    checkStringMap(p, r['tags'], `${at}/tags`);
    if (!isObj(r['attributes'])) p.add(`${at}/attributes`, 'must be an object');
    if (!isObj(r['source'])) p.add(`${at}/source`, 'must be an object');
    for (const k of ['arn', 'region', 'account', 'name', 'state', 'createdAt'])
      if (r[k] !== undefined && typeof r[k] !== 'string') p.add(`${at}/${k}`, 'must be a string');
  });
  checkArray(p, doc, 'managed', true, (m, at) => {
    requireString(p, m, 'address', at);
    requireString(p, m, 'type', at);
    requireString(p, m, 'id', at);
    if (!isObj(m['attributes'])) p.add(`${at}/attributes`, 'must be an object');
  });
  const scanned = doc['scannedTypes'];
  if (scanned !== undefined && (!Array.isArray(scanned) || scanned.some((t) => typeof t !== 'string')))
    p.add('/scannedTypes', 'must be an array of strings');
  checkArray(p, doc, 'metrics', false, (m, at) => {
    requireString(p, m, 'metric', at);
    if (!Array.isArray(m['datapoints'])) p.add(`${at}/datapoints`, 'must be an array');
  });
  checkArray(p, doc, 'costs', false, (c, at) => {
    for (const k of ['billedCost', 'effectiveCost'])
      if (typeof c[k] !== 'number') p.add(`${at}/${k}`, 'must be a number');
    for (const k of ['chargePeriodStart', 'serviceName', 'resourceId']) requireString(p, c, k, at);
    checkStringMap(p, c['tags'], `${at}/tags`);
  });
  checkArray(p, doc, 'diagnostics', false, () => undefined);
  checkArray(p, doc, 'files', false, () => undefined);
  if (p.details.length > 0) {
    throw new OpsdeckError(
      'OPSDECK_E_VALIDATION',
      `The body is not a valid estate snapshot: ${p.details.length}${p.full ? '+' : ''} problem${p.details.length === 1 ? '' : 's'}`,
      p.details,
    );
  }
  return {
    version: 1,
    takenAt: new Date(takenAt as string).toISOString(),
    resources: doc['resources'] as Snapshot['resources'],
    managed: doc['managed'] as Snapshot['managed'],
    scannedTypes: (scanned as string[] | undefined) ?? [],
    metrics: (doc['metrics'] as Snapshot['metrics'] | undefined) ?? [],
    costs: (doc['costs'] as Snapshot['costs'] | undefined) ?? [],
    diagnostics: (doc['diagnostics'] as Snapshot['diagnostics'] | undefined) ?? [],
    files: (doc['files'] as Snapshot['files'] | undefined) ?? [],
  };
}
