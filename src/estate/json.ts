import type { Json, JsonObject } from './model.js';

export function isObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function obj(x: unknown): JsonObject | undefined {
  return isObject(x) ? x : undefined;
}

export function arr(x: unknown): Json[] {
  return Array.isArray(x) ? (x as Json[]) : [];
}

export function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

export function num(x: unknown): number | undefined {
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
  return undefined;
}

export function bool(x: unknown): boolean | undefined {
  if (typeof x === 'boolean') return x;
  if (x === 'true') return true;
  if (x === 'false') return false;
  return undefined;
}

/** Is this the older placebo/botocore datetime object `{__class__: "datetime", year, ...}`? */
function isDatetimeObject(x: JsonObject): boolean {
  return x['__class__'] === 'datetime' && typeof x['year'] === 'number';
}

function datetimeToIso(x: JsonObject): string {
  const n = (k: string): number => (typeof x[k] === 'number' ? x[k] : 0);
  const ms = Math.floor(n('microsecond') / 1000);
  return new Date(
    Date.UTC(n('year'), n('month') - 1, n('day') || 1, n('hour'), n('minute'), n('second'), ms),
  ).toISOString();
}

/**
 * Normalises a recorded AWS response into what the AWS CLI prints: datetime objects become
 * ISO-8601 strings (UTC) and `ResponseMetadata` is dropped.
 */
export function normaliseAws(x: Json): Json {
  if (Array.isArray(x)) return x.map(normaliseAws);
  if (isObject(x)) {
    if (isDatetimeObject(x)) return datetimeToIso(x);
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(x)) {
      if (k === 'ResponseMetadata') continue;
      out[k] = normaliseAws(v);
    }
    return out;
  }
  return x;
}

/** ISO string for a datetime in either encoding, or undefined. */
export function isoTime(x: unknown): string | undefined {
  if (typeof x === 'string') {
    const t = Date.parse(x);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  if (isObject(x) && isDatetimeObject(x)) return datetimeToIso(x);
  return undefined;
}

/** `[{Key, Value}]` (AWS) or a plain map into a string map. */
export function tagMap(x: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(x)) {
    for (const t of x) {
      const o = obj(t);
      const k = str(o?.['Key'] ?? o?.['key']);
      const v = o?.['Value'] ?? o?.['value'] ?? '';
      if (k !== undefined) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  } else if (isObject(x)) {
    for (const [k, v] of Object.entries(x)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

export function round2(n: number): number {
  return Math.round((n + Number.EPSILON) * 100) / 100;
}
