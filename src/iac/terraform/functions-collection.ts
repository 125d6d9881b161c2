/** Collection and type-conversion built-ins. */
import {
  ConversionError,
  lexical,
  sortedKeys,
  toBool,
  toNum,
  toStr,
  typeName,
  valueEquals,
  valueKey,
} from './convert.js';
import { FunctionError, type FunctionTable } from './function-types.js';
import { containsUnknown, isObjectValue, isUnknown, Unknown, type ObjectValue, type Value } from './value.js';

function list(v: Value, arg: number): Value[] {
  if (Array.isArray(v)) return v;
  throw new FunctionError(`list of any single type required, but have ${typeName(v)}`, arg);
}

function obj(v: Value, arg: number): ObjectValue {
  if (isObjectValue(v)) return v;
  throw new FunctionError(`map of any single type required, but have ${typeName(v)}`, arg);
}

function int(v: Value, arg: number): number {
  let n: number;
  try {
    n = toNum(v);
  } catch (e) {
    if (e instanceof ConversionError) throw new FunctionError(e.message, arg);
    throw e;
  }
  if (!Number.isInteger(n)) throw new FunctionError('value must be a whole number', arg);
  return n;
}

function keyString(v: Value, arg: number): string {
  try {
    return toStr(v);
  } catch (e) {
    if (e instanceof ConversionError) throw new FunctionError(e.message, arg);
    throw e;
  }
}

/** Set of values: distinct and, for strings and numbers, in Terraform's set order. */
export function toSetValue(items: Value[]): Value[] {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const x of items) {
    const k = valueKey(x);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(x);
    }
  }
  if (out.every((x) => typeof x === 'string')) return out.sort(lexical);
  if (out.every((x) => typeof x === 'number')) return out.sort((a, b) => a - b);
  return out;
}

function contains(items: Value[], v: Value): boolean | Unknown {
  let unk: Unknown | undefined;
  for (const x of items) {
    const eq = valueEquals(x, v);
    if (eq === true) return true;
    if (eq instanceof Unknown) unk = eq;
  }
  return unk ?? false;
}

function flattenList(v: Value[], out: Value[]): Unknown | undefined {
  for (const x of v) {
    if (isUnknown(x)) return x;
    if (Array.isArray(x)) {
      const u = flattenList(x, out);
      if (u) return u;
    } else out.push(x);
  }
  return undefined;
}

function convertScalar(f: () => Value): Value {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConversionError) throw new FunctionError(e.message, 0);
    throw e;
  }
}

export const COLLECTION_FUNCTIONS: FunctionTable = {
  alltrue: {
    arity: 1,
    shallow: true,
    impl: ([l]) => {
      let unk: Unknown | undefined;
      for (const x of list(l as Value, 0)) {
        if (isUnknown(x)) unk = x;
        else if (!convertScalar(() => toBool(x))) return false;
      }
      return unk ?? true;
    },
  },
  anytrue: {
    arity: 1,
    shallow: true,
    impl: ([l]) => {
      let unk: Unknown | undefined;
      for (const x of list(l as Value, 0)) {
        if (isUnknown(x)) unk = x;
        else if (convertScalar(() => toBool(x))) return true;
      }
      return unk ?? false;
    },
  },
  chunklist: {
    arity: 2,
    shallow: true,
    impl: ([l, n]) => {
      const items = list(l as Value, 0);
      const size = int(n as Value, 1);
      if (size < 0) throw new FunctionError('the size argument must be positive', 1);
      if (size === 0) return [items];
      const out: Value[] = [];
      for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
      return out;
    },
  },
  coalesce: {
    arity: [1, Infinity],
    acceptsUnknown: true,
    impl: (args) => {
      for (const a of args) {
        if (isUnknown(a)) return a;
        if (a !== null && a !== '') return a;
      }
      throw new FunctionError('no non-null, non-empty-string arguments');
    },
  },
  coalescelist: {
    arity: [1, Infinity],
    acceptsUnknown: true,
    impl: (args) => {
      for (const [i, a] of args.entries()) {
        if (isUnknown(a)) return a;
        if (a === null) continue;
        if (list(a, i).length > 0) return a;
      }
      throw new FunctionError('no non-null arguments');
    },
  },
  compact: {
    arity: 1,
    shallow: true,
    impl: ([l]) => {
      const items = list(l as Value, 0);
      const u = items.find(isUnknown);
      if (u) return u;
      return items.filter((x) => x !== null && x !== '').map((x, i) => keyString(x, i));
    },
  },
  concat: {
    arity: [0, Infinity],
    shallow: true,
    impl: (args) => args.flatMap((a, i) => list(a, i)),
  },
  contains: {
    arity: 2,
    impl: ([l, v]) => contains(list(l as Value, 0), v as Value),
  },
  distinct: {
    arity: 1,
    impl: ([l]) => {
      const seen = new Set<string>();
      return list(l as Value, 0).filter((x) => {
        const k = valueKey(x);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    },
  },
  element: {
    arity: 2,
    shallow: true,
    impl: ([l, i]) => {
      const items = list(l as Value, 0);
      if (items.length === 0) throw new FunctionError('cannot use element function with an empty list');
      const n = int(i as Value, 1);
      if (n < 0) throw new FunctionError('cannot use element function with a negative index');
      return items[n % items.length] as Value;
    },
  },
  flatten: {
    arity: 1,
    shallow: true,
    impl: ([l]) => {
      const out: Value[] = [];
      return flattenList(list(l as Value, 0), out) ?? out;
    },
  },
  index: {
    arity: 2,
    impl: ([l, v]) => {
      const items = list(l as Value, 0);
      for (let i = 0; i < items.length; i++)
        if (valueEquals(items[i] as Value, v as Value) === true) return i;
      throw new FunctionError('item not found');
    },
  },
  keys: {
    arity: 1,
    shallow: true,
    impl: ([m]) => sortedKeys(obj(m as Value, 0)),
  },
  values: {
    arity: 1,
    shallow: true,
    impl: ([m]) => {
      const o = obj(m as Value, 0);
      return sortedKeys(o).map((k) => o[k] as Value);
    },
  },
  length: {
    arity: 1,
    shallow: true,
    impl: ([v]) => {
      if (typeof v === 'string') return [...v].length;
      if (Array.isArray(v)) return v.length;
      if (isObjectValue(v)) return Object.keys(v).length;
      throw new FunctionError(`argument must be a string, a collection type, or a structural type`, 0);
    },
  },
  list: {
    arity: [0, Infinity],
    shallow: true,
    impl: (args) => args,
  },
  map: {
    arity: [0, Infinity],
    shallow: true,
    impl: (args) => {
      if (args.length % 2 !== 0)
        throw new FunctionError('map requires an even number of two or more arguments');
      const out: ObjectValue = {};
      for (let i = 0; i < args.length; i += 2) out[keyString(args[i] as Value, i)] = args[i + 1] as Value;
      return out;
    },
  },
  lookup: {
    arity: [2, 3],
    shallow: true,
    impl: ([m, k, d]) => {
      const o = obj(m as Value, 0);
      if (isUnknown(k)) return k;
      const key = keyString(k as Value, 1);
      if (Object.prototype.hasOwnProperty.call(o, key)) return o[key] as Value;
      if (d !== undefined) return d;
      throw new FunctionError(`lookup failed to find key ${JSON.stringify(key)}`);
    },
  },
  matchkeys: {
    arity: 3,
    impl: ([v, k, s]) => {
      const values = list(v as Value, 0);
      const keys = list(k as Value, 1);
      const search = list(s as Value, 2);
      if (values.length !== keys.length) throw new FunctionError('length of keys and values should be equal');
      return values.filter((_x, i) => contains(search, keys[i] as Value) === true);
    },
  },
  merge: {
    arity: [0, Infinity],
    shallow: true,
    impl: (args) => {
      const out: ObjectValue = {};
      args.forEach((a, i) => {
        if (a === null) return;
        Object.assign(out, obj(a, i));
      });
      return out;
    },
  },
  one: {
    arity: 1,
    shallow: true,
    impl: ([l]) => {
      const items = list(l as Value, 0);
      if (items.length === 0) return null;
      if (items.length > 1)
        throw new FunctionError('must be a list, set, or tuple value with either zero or one elements', 0);
      return items[0] as Value;
    },
  },
  range: {
    arity: [1, 3],
    impl: (args) => {
      const nums = args.map((a) => convertScalar(() => toNum(a)) as number);
      const start = nums.length === 1 ? 0 : (nums[0] ?? 0);
      const end = nums.length === 1 ? (nums[0] ?? 0) : (nums[1] ?? 0);
      const step = nums.length === 3 ? (nums[2] ?? 1) : start <= end ? 1 : -1;
      if (step === 0) throw new FunctionError('step must not be zero');
      if ((start < end && step < 0) || (start > end && step > 0)) {
        throw new FunctionError(
          `step must be ${start < end ? 'positive' : 'negative'} if start is ${start < end ? 'less' : 'greater'} than end`,
        );
      }
      const out: number[] = [];
      for (let x = start; step > 0 ? x < end : x > end; x += step) {
        out.push(x);
        if (out.length > 1024)
          throw new FunctionError(
            'more than 1024 values were generated; either decrease the difference between start and end or use a smaller step',
          );
      }
      return out;
    },
  },
  reverse: {
    arity: 1,
    shallow: true,
    impl: ([l]) => [...list(l as Value, 0)].reverse(),
  },
  setintersection: {
    arity: [1, Infinity],
    impl: (args) => {
      const sets = args.map((a, i) => list(a, i));
      const [first = [], ...rest] = sets;
      return toSetValue(first.filter((x) => rest.every((s) => contains(s, x) === true)));
    },
  },
  setproduct: {
    arity: [1, Infinity],
    shallow: true,
    impl: (args) => {
      let acc: Value[][] = [[]];
      args.forEach((a, i) => {
        const items = list(a, i);
        const next: Value[][] = [];
        for (const prefix of acc) for (const x of items) next.push([...prefix, x]);
        acc = next;
      });
      return acc;
    },
  },
  setsubtract: {
    arity: 2,
    impl: ([a, b]) => {
      const bs = list(b as Value, 1);
      return toSetValue(list(a as Value, 0).filter((x) => contains(bs, x) !== true));
    },
  },
  setunion: {
    arity: [1, Infinity],
    impl: (args) => toSetValue(args.flatMap((a, i) => list(a, i))),
  },
  slice: {
    arity: 3,
    shallow: true,
    impl: ([l, s, e]) => {
      const items = list(l as Value, 0);
      const start = int(s as Value, 1);
      const end = int(e as Value, 2);
      if (start < 0) throw new FunctionError('the start index must not be less than zero', 1);
      if (end > items.length)
        throw new FunctionError('the end index must not be greater than the length of the list', 2);
      if (start > end) throw new FunctionError('the start index must not be greater than the end index', 1);
      return items.slice(start, end);
    },
  },
  sort: {
    arity: 1,
    impl: ([l]) =>
      list(l as Value, 0)
        .map((x, i) => {
          if (x === null)
            throw new FunctionError(`given list element ${i} is null; a null string cannot be sorted`);
          return keyString(x, 0);
        })
        .sort(lexical),
  },
  sum: {
    arity: 1,
    impl: ([l]) => {
      const items = list(l as Value, 0);
      if (items.length === 0) throw new FunctionError('cannot sum an empty list', 0);
      return items.reduce<number>((acc, x) => acc + (convertScalar(() => toNum(x)) as number), 0);
    },
  },
  transpose: {
    arity: 1,
    impl: ([m]) => {
      const o = obj(m as Value, 0);
      const out: Record<string, string[]> = {};
      for (const k of sortedKeys(o)) {
        for (const v of list(o[k] as Value, 0)) {
          const key = keyString(v, 0);
          (out[key] ??= []).push(k);
        }
      }
      for (const k of Object.keys(out)) out[k]?.sort(lexical);
      return out;
    },
  },
  zipmap: {
    arity: 2,
    shallow: true,
    impl: ([k, v]) => {
      const keys = list(k as Value, 0);
      const vals = list(v as Value, 1);
      if (keys.length !== vals.length) {
        throw new FunctionError(
          `number of keys (${keys.length}) does not match number of values (${vals.length})`,
        );
      }
      if (keys.some(isUnknown)) return new Unknown('zipmap() with an unknown key');
      const out: ObjectValue = {};
      keys.forEach((x, i) => (out[keyString(x, 0)] = vals[i] as Value));
      return out;
    },
  },
  tobool: {
    arity: 1,
    impl: ([v]) => (v === null ? null : convertScalar(() => toBool(v as Value))),
  },
  tonumber: {
    arity: 1,
    impl: ([v]) => (v === null ? null : convertScalar(() => toNum(v as Value))),
  },
  tostring: {
    arity: 1,
    impl: ([v]) => {
      if (v === null) return null;
      if (Array.isArray(v) || isObjectValue(v))
        throw new FunctionError(`cannot convert ${typeName(v)} to string`, 0);
      return convertScalar(() => toStr(v as Value));
    },
  },
  tolist: {
    arity: 1,
    shallow: true,
    impl: ([v]) => (v === null ? null : list(v as Value, 0)),
  },
  toset: {
    arity: 1,
    shallow: true,
    impl: ([v]) => {
      if (v === null) return null;
      const items = list(v as Value, 0);
      if (items.some(containsUnknown)) return new Unknown('toset() of unknown elements');
      return toSetValue(items);
    },
  },
  tomap: {
    arity: 1,
    shallow: true,
    impl: ([v]) => (v === null ? null : obj(v as Value, 0)),
  },
  type: {
    arity: 1,
    acceptsUnknown: true,
    impl: ([v]) => typeName(v as Value),
  },
  sensitive: { arity: 1, shallow: true, acceptsUnknown: true, impl: ([v]) => v as Value },
  nonsensitive: { arity: 1, shallow: true, acceptsUnknown: true, impl: ([v]) => v as Value },
};
