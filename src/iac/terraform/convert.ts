/**
 * Conversions between Terraform's value kinds, as cty does them: number <-> string, bool <->
 * string, equality, type names. Shared by the evaluator and the function library.
 */
import { isObjectValue, isUnknown, Unknown, type ObjectValue, type Value } from './value.js';

/** A failed conversion or a wrongly typed value. The evaluator turns it into a diagnostic. */
export class ConversionError extends Error {}

export function typeName(v: Value): string {
  if (v === null) return 'null';
  if (isUnknown(v)) return 'unknown';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'tuple';
  return 'object';
}

/** Terraform prints numbers without exponent and without a trailing `.0`. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) {
    return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  }
  const s = String(n);
  if (!s.includes('e')) return s;
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

export function toStr(v: Value, what = 'value'): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) throw new ConversionError(`a null ${what} cannot be used as a string`);
  throw new ConversionError(`string required, but have ${typeName(v)}`);
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function toNum(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === v && NUMBER_RE.test(t)) return Number(t);
    throw new ConversionError(
      `cannot convert "${v}" to number; given string must be a decimal representation of a number`,
    );
  }
  if (v === null) throw new ConversionError('a number is required, but have null');
  throw new ConversionError(`a number is required, but have ${typeName(v)}`);
}

export function toBool(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === null) throw new ConversionError('a bool is required, but have null');
  throw new ConversionError(
    `a bool is required, but have ${typeof v === 'string' ? `string "${v}"` : typeName(v)}`,
  );
}

export function toList(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  throw new ConversionError(`list of any single type required, but have ${typeName(v)}`);
}

export function toObject(v: Value): ObjectValue {
  if (isObjectValue(v)) return v;
  throw new ConversionError(`map of any single type required, but have ${typeName(v)}`);
}

/** Keys in Terraform's iteration order: lexical. */
export function sortedKeys(o: ObjectValue): string[] {
  return Object.keys(o).sort(lexical);
}

export function lexical(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deep equality; Unknown when either side holds an Unknown. */
export function valueEquals(a: Value, b: Value): boolean | Unknown {
  if (isUnknown(a)) return a;
  if (isUnknown(b)) return b;
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    let unknownSeen: Unknown | undefined;
    for (let i = 0; i < a.length; i++) {
      const r = valueEquals(a[i] as Value, b[i] as Value);
      if (r === false) return false;
      if (r instanceof Unknown) unknownSeen = r;
    }
    return unknownSeen ?? true;
  }
  if (isObjectValue(a)) {
    if (!isObjectValue(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    let unknownSeen: Unknown | undefined;
    for (const k of ka) {
      if (!(k in b)) return false;
      const r = valueEquals(a[k] as Value, b[k] as Value);
      if (r === false) return false;
      if (r instanceof Unknown) unknownSeen = r;
    }
    return unknownSeen ?? true;
  }
  return false;
}

/** Set semantics on values: a stable key per value. */
export function valueKey(v: Value): string {
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof Unknown ? { '@unknown': x.reason } : x));
}
