/**
 * Values produced by evaluating Terraform expressions. Known values are plain JSON-like data
 * (strings, numbers, booleans, null, arrays, plain objects). What cannot be known before apply is
 * an Unknown: a rule never reports a violation on an Unknown.
 */
export class Unknown {
  /** Why the value is unknown, e.g. "computed attribute aws_s3_bucket.b.id", "data source". */
  readonly reason: string;
  /**
   * For analysis only: the partially known structure behind an unknown value, e.g. the object
   * given to `jsonencode` when some leaf is Unknown (Terraform's result is wholly unknown, but the
   * known keys still tell a rule something). Its Unknown leaves stay Unknown.
   */
  readonly partial?: Value;

  constructor(reason = 'known only after apply', partial?: Value) {
    this.reason = reason;
    if (partial !== undefined) this.partial = partial;
  }
}

export type Value = null | boolean | number | string | Unknown | Value[] | { [key: string]: Value };

export type ObjectValue = { [key: string]: Value };

export function unknown(reason?: string): Unknown {
  return new Unknown(reason);
}

export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown;
}

/**
 * The most that is known about `v`: the partial structure an Unknown carries (followed through
 * nested partials), else `v` itself. The result may still be, or contain, Unknown.
 */
export function partialOf(v: Value): Value {
  let cur = v;
  while (cur instanceof Unknown && cur.partial !== undefined) cur = cur.partial;
  return cur;
}

export function isObjectValue(v: Value | undefined): v is ObjectValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

/** True when `v` or anything inside it is Unknown. */
export function containsUnknown(v: Value | undefined): boolean {
  if (v instanceof Unknown) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (isObjectValue(v)) return Object.values(v).some(containsUnknown);
  return false;
}
