/** Type constraints of input variables (`list(string)`, `object({ a = optional(number, 1) })`) and conversion to them. */
import type { Expr } from '../hcl/ast.js';
import { ConversionError, formatNumber, toBool, toNum, typeName } from './convert.js';
import { toSetValue } from './functions-collection.js';
import { isObjectValue, isUnknown, type ObjectValue, type Value } from './value.js';

export type TypeConstraint =
  | { kind: 'any' }
  | { kind: 'string' | 'number' | 'bool' }
  | { kind: 'list' | 'set' | 'map'; elem: TypeConstraint }
  | { kind: 'tuple'; elems: TypeConstraint[] }
  | { kind: 'object'; attrs: Map<string, { type: TypeConstraint; optional: boolean; default?: Value }> };

const ANY: TypeConstraint = { kind: 'any' };

/** Reads a type expression; `literal` evaluates optional() defaults (which must be constant). */
export function parseType(expr: Expr, literal: (e: Expr) => Value): TypeConstraint {
  if (expr.kind === 'Variable') {
    if (expr.name === 'string' || expr.name === 'number' || expr.name === 'bool') return { kind: expr.name };
    return ANY;
  }
  if (expr.kind === 'Paren') return parseType(expr.expr, literal);
  if (expr.kind !== 'FunctionCall') return ANY;
  const [a, b] = expr.args;
  switch (expr.name) {
    case 'list':
    case 'set':
    case 'map':
      return { kind: expr.name, elem: a ? parseType(a, literal) : ANY };
    case 'tuple':
      return { kind: 'tuple', elems: a?.kind === 'Tuple' ? a.items.map((i) => parseType(i, literal)) : [] };
    case 'object': {
      const attrs = new Map<string, { type: TypeConstraint; optional: boolean; default?: Value }>();
      if (a?.kind === 'Object') {
        for (const item of a.items) {
          const name =
            item.key.kind === 'Variable'
              ? item.key.name
              : item.key.kind === 'Template' && item.key.parts[0]?.kind === 'TemplateLiteral'
                ? item.key.parts[0].value
                : undefined;
          if (name === undefined) continue;
          const v = item.value;
          if (v.kind === 'FunctionCall' && v.name === 'optional') {
            const [t, d] = v.args;
            const type = t ? parseType(t, literal) : ANY;
            attrs.set(name, d ? { type, optional: true, default: literal(d) } : { type, optional: true });
          } else attrs.set(name, { type: parseType(v, literal), optional: false });
        }
      }
      return { kind: 'object', attrs };
    }
    default:
      return ANY;
  }
  void b;
}

export function isPrimitiveType(t: TypeConstraint | undefined): boolean {
  return (
    t === undefined || t.kind === 'any' || t.kind === 'string' || t.kind === 'number' || t.kind === 'bool'
  );
}

/** Converts `v` to type `t` as Terraform does for input variables; throws ConversionError with a path. */
export function convertToType(v: Value, t: TypeConstraint, path = ''): Value {
  if (isUnknown(v) || t.kind === 'any') return v;
  if (v === null) return null;
  const at = path ? ` at ${path}` : '';
  switch (t.kind) {
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return formatNumber(v);
      if (typeof v === 'boolean') return String(v);
      throw new ConversionError(`string required${at}, but have ${typeName(v)}`);
    case 'number':
      try {
        return toNum(v);
      } catch (e) {
        throw new ConversionError(`${(e as Error).message}${at}`);
      }
    case 'bool':
      try {
        return toBool(v);
      } catch (e) {
        throw new ConversionError(`${(e as Error).message}${at}`);
      }
    case 'list':
    case 'set': {
      if (!Array.isArray(v))
        throw new ConversionError(`${t.kind} of ${describe(t.elem)} required${at}, but have ${typeName(v)}`);
      const items = v.map((x, i) => convertToType(x, t.elem, `${path}[${i}]`));
      return t.kind === 'set' ? toSetValue(items) : items;
    }
    case 'tuple': {
      if (!Array.isArray(v) || v.length !== t.elems.length)
        throw new ConversionError(`tuple of ${t.elems.length} elements required${at}`);
      return v.map((x, i) => convertToType(x, t.elems[i] ?? ANY, `${path}[${i}]`));
    }
    case 'map': {
      if (!isObjectValue(v))
        throw new ConversionError(`map of ${describe(t.elem)} required${at}, but have ${typeName(v)}`);
      const out: ObjectValue = {};
      for (const [k, x] of Object.entries(v)) out[k] = convertToType(x, t.elem, `${path}["${k}"]`);
      return out;
    }
    case 'object': {
      if (!isObjectValue(v)) throw new ConversionError(`object required${at}, but have ${typeName(v)}`);
      const out: ObjectValue = {};
      for (const [name, a] of t.attrs) {
        const p = path ? `${path}.${name}` : name;
        if (!Object.prototype.hasOwnProperty.call(v, name) || v[name] === null) {
          if (!a.optional && !Object.prototype.hasOwnProperty.call(v, name))
            throw new ConversionError(`attribute "${name}" is required${at}`);
          out[name] = a.default !== undefined ? convertToType(a.default, a.type, p) : null;
          continue;
        }
        out[name] = convertToType(v[name] as Value, a.type, p);
      }
      return out;
    }
  }
}

function describe(t: TypeConstraint): string {
  if (t.kind === 'list' || t.kind === 'set' || t.kind === 'map') return `${t.kind} of ${describe(t.elem)}`;
  return t.kind;
}
