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

/** `2026-11-27T00:00:00.000Z`: what toISOString prints (when the fields are in range). */
const CANONICAL_ISO = /^(\d{4})-(\d\d)-(\d\d)T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

function daysIn(year: number, month: number): number {
  return month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;
}

/**
 * `normaliseAws` without the copy, for a document the caller has just parsed and owns: the
 * AWS records become the resources' `attributes`, and a deep copy of a 10^5-record export
 * doubled the import's memory. Returns the value to use in place of `x`.
 */
export function normaliseAwsInPlace(x: Json): Json {
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as Json;
      if (typeof v === 'object' && v !== null) x[i] = normaliseAwsInPlace(v);
    }
    return x;
  }
  if (isObject(x)) {
    if (isDatetimeObject(x)) return datetimeToIso(x);
    if ('ResponseMetadata' in x) delete x['ResponseMetadata'];
    for (const k in x) {
      const v = x[k] as Json;
      if (typeof v === 'object' && v !== null) x[k] = normaliseAwsInPlace(v);
    }
    return x;
  }
  return x;
}

/** ISO string for a datetime in either encoding, or undefined. */
export function isoTime(x: unknown): string | undefined {
  if (typeof x === 'string') {
    // Already canonical (most exports, every snapshot): no Date round trip (10^6 calls at 10^5 resources).
    const m = CANONICAL_ISO.exec(x);
    if (m) {
      const month = Number(m[2]);
      const day = Number(m[3]);
      if (month >= 1 && month <= 12 && day >= 1 && day <= daysIn(Number(m[1]), month)) return x;
    }
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
