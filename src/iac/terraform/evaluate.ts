/**
 * Expression evaluation over the HCL AST. Evaluation never throws to its caller's caller: an
 * invalid expression raises an EvalError inside, which `evaluateExpr` turns into a diagnostic
 * (with the expression's range and HashiCorp's wording) and an Unknown value.
 */
import type { Diagnostic, Expr, Range, TemplatePart } from '../hcl/ast.js';
import {
  ConversionError,
  formatNumber,
  lexical,
  sortedKeys,
  toBool,
  toNum,
  typeName,
  valueEquals,
} from './convert.js';
import { callFunction, FunctionCallError, type FunctionEnv } from './functions.js';
import { isObjectValue, isUnknown, Unknown, type ObjectValue, type Value } from './value.js';

export class EvalError extends Error {
  readonly summary: string;
  readonly detail: string;
  readonly range: Range;

  constructor(summary: string, detail: string, range: Range) {
    // try() and can() throw and catch these in hot loops: skip the stack trace.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${summary}: ${detail}`);
    Error.stackTraceLimit = limit;
    this.summary = summary;
    this.detail = detail;
    this.range = range;
  }
}

/** One step of a static traversal: `.name` or `[key]`. */
export type Step = { kind: 'attr'; name: string; range: Range } | { kind: 'index'; key: Expr; range: Range };

/** Resolves root names that are not local (for-expression) variables: var, local, module, data, resources. */
export interface Resolver {
  /**
   * Value of `root` followed by some of `steps`; `consumed` says how many steps it used (a
   * resource reference consumes the name, a `data` reference type and name).
   */
  resolve(
    root: string,
    steps: readonly Step[],
    range: Range,
    ctx: EvalContext,
  ): { value: Value; consumed: number };
}

/** Local variables: for-expression and iterator symbols, `each`, `count`, `self`. */
export interface Scope {
  readonly parent: Scope | undefined;
  readonly vars: Map<string, Value>;
}

export interface EvalContext {
  resolver: Resolver;
  scope: Scope | undefined;
  fn: FunctionEnv;
  /** Collects base addresses of referenced resources while an attribute is being evaluated. */
  refs: Set<string> | undefined;
}

/** Objects that stand for resource instances: a missing attribute is computed (Unknown), not an error. */
const computedObjects = new WeakSet<object>();

export function markComputed<T extends object>(o: T): T {
  computedObjects.add(o);
  return o;
}

export function isComputedObject(o: object): boolean {
  return computedObjects.has(o);
}

export function childScope(parent: Scope | undefined, vars: Record<string, Value>): Scope {
  return { parent, vars: new Map(Object.entries(vars)) };
}

function lookupScope(scope: Scope | undefined, name: string): Value | undefined {
  for (let s = scope; s; s = s.parent) {
    const v = s.vars.get(name);
    if (v !== undefined || s.vars.has(name)) return v;
  }
  return undefined;
}

/** Evaluates `expr`; errors become diagnostics and the result Unknown. */
export function evaluateExpr(expr: Expr, ctx: EvalContext, onError: (d: Diagnostic) => void): Value {
  try {
    return evaluate(expr, ctx);
  } catch (e) {
    if (e instanceof EvalError) {
      onError({ severity: 'error', summary: e.summary, detail: e.detail, range: e.range });
      return new Unknown(`invalid expression: ${e.summary}`);
    }
    // A defect or a resource limit (deep recursion) must not abort the whole scan.
    onError({
      severity: 'error',
      summary: 'Internal error in evaluation',
      detail: `opsdeck could not evaluate this expression (${e instanceof Error ? e.message : String(e)}); its value is treated as unknown.`,
      range: expr.range,
    });
    return new Unknown('internal error in evaluation');
  }
}

/** Evaluates `expr`; throws EvalError on invalid expressions. */
export function evaluate(expr: Expr, ctx: EvalContext): Value {
  switch (expr.kind) {
    case 'Literal':
      return expr.value;
    case 'Paren':
      return evaluate(expr.expr, ctx);
    case 'Template':
      return evalTemplate(expr.parts, ctx, expr.range);
    case 'Tuple': {
      const out: Value[] = new Array<Value>(expr.items.length);
      for (let i = 0; i < expr.items.length; i++) out[i] = evaluate(expr.items[i] as Expr, ctx);
      return out;
    }
    case 'Object': {
      const out: ObjectValue = {};
      let unknownKey: Unknown | undefined;
      for (const item of expr.items) {
        let key: string;
        if (item.key.kind === 'Variable') key = item.key.name;
        else {
          const k = evaluate(item.key, ctx);
          if (isUnknown(k)) {
            unknownKey = k;
            continue;
          }
          if (k === null)
            throw new EvalError(
              'Invalid object key',
              'Key expression must not produce a null value.',
              item.key.range,
            );
          key = convertOrThrow(() => templateString(k), item.key.range, 'Invalid object key');
        }
        out[key] = evaluate(item.value, ctx);
      }
      return unknownKey ?? out;
    }
    case 'Variable':
    case 'GetAttr':
    case 'Index':
      return evalTraversal(expr, ctx);
    case 'Splat':
      return evalSplat(expr.object, expr.each, ctx);
    case 'FunctionCall':
      return evalCall(expr, ctx);
    case 'For':
      return evalFor(expr, ctx);
    case 'Conditional': {
      const c = evaluate(expr.cond, ctx);
      if (isUnknown(c)) return c;
      if (c === null) {
        throw new EvalError(
          'Null condition',
          'The condition value is null. Conditions must either be true or false.',
          expr.cond.range,
        );
      }
      const b = convertOrThrow(() => toBool(c), expr.cond.range, 'Incorrect condition type');
      return evaluate(b ? expr.then : expr.else, ctx);
    }
    case 'Unary': {
      const v = evaluate(expr.operand, ctx);
      if (isUnknown(v)) return v;
      if (expr.op === '!') return !convertOrThrow(() => toBool(v), expr.operand.range, 'Invalid operand');
      return -convertOrThrow(() => toNum(v), expr.operand.range, 'Invalid operand');
    }
    case 'Binary':
      return evalBinary(expr.op, expr.left, expr.right, expr.range, ctx);
  }
}

function convertOrThrow<T>(f: () => T, range: Range, summary: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConversionError) throw new EvalError(summary, capitalize(e.message) + '.', range);
    throw e;
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function evalBinary(op: string, l: Expr, r: Expr, range: Range, ctx: EvalContext): Value {
  const a = evaluate(l, ctx);
  if (op === '||' || op === '&&') {
    if (!isUnknown(a)) {
      const ab = convertOrThrow(() => toBool(a), l.range, 'Invalid operand');
      if (op === '||' && ab) return true;
      if (op === '&&' && !ab) return false;
    }
    const b = evaluate(r, ctx);
    if (isUnknown(b)) return b;
    const bb = convertOrThrow(() => toBool(b), r.range, 'Invalid operand');
    // A known operand decides the result even when the other is unknown.
    if (isUnknown(a)) return op === '||' ? (bb ? true : a) : bb ? a : false;
    return bb;
  }
  const b = evaluate(r, ctx);
  if (op === '==' || op === '!=') {
    const eq = valueEquals(a, b);
    if (eq instanceof Unknown) return eq;
    return op === '==' ? eq : !eq;
  }
  if (isUnknown(a)) return a;
  if (isUnknown(b)) return b;
  const x = convertOrThrow(() => toNum(a), l.range, 'Invalid operand');
  const y = convertOrThrow(() => toNum(b), r.range, 'Invalid operand');
  switch (op) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      if (y === 0)
        throw new EvalError('Operation failed', "Error during operation: can't divide by zero.", range);
      return x / y;
    case '%':
      if (y === 0)
        throw new EvalError('Operation failed', "Error during operation: can't divide by zero.", range);
      return x % y;
  }
  throw new EvalError('Invalid operator', `Unsupported operator "${op}".`, range);
}

/** String form of a value inside a template (and for object keys). */
export function templateString(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null)
    throw new ConversionError(
      'the expression result is null; cannot include a null value in a string template',
    );
  throw new ConversionError(
    `cannot include the given value in a string template: string required, but have ${typeName(v)}`,
  );
}

function evalTemplate(parts: TemplatePart[], ctx: EvalContext, range: Range): Value {
  const first = parts[0];
  if (parts.length === 1 && first?.kind === 'TemplateInterp') return evaluate(first.expr, ctx);
  if (parts.length === 1 && first?.kind === 'TemplateLiteral') return first.value;
  const r = renderParts(parts, ctx, range);
  return r;
}

function renderParts(parts: TemplatePart[], ctx: EvalContext, range: Range): string | Unknown {
  let out = '';
  let stripNext = false;
  for (const p of parts) {
    switch (p.kind) {
      case 'TemplateLiteral':
        out += stripNext ? p.value.replace(/^\s+/, '') : p.value;
        stripNext = false;
        break;
      case 'TemplateInterp': {
        if (p.stripLeft) out = out.replace(/\s+$/, '');
        const v = evaluate(p.expr, ctx);
        if (isUnknown(v)) return v;
        out += convertOrThrow(() => templateString(v), p.expr.range, 'Invalid template interpolation value');
        stripNext = p.stripRight;
        break;
      }
      case 'TemplateIf': {
        const c = evaluate(p.cond, ctx);
        if (isUnknown(c)) return c;
        const b = convertOrThrow(() => toBool(c), p.cond.range, 'Invalid template if directive');
        const branch = b ? p.then : p.else;
        if (branch) {
          const s = renderParts(branch, ctx, range);
          if (isUnknown(s)) return s;
          out += s;
        }
        stripNext = false;
        break;
      }
      case 'TemplateFor': {
        const coll = evaluate(p.collection, ctx);
        if (isUnknown(coll)) return coll;
        const scope: Scope = { parent: ctx.scope, vars: new Map() };
        const inner: EvalContext = { ...ctx, scope };
        for (const [k, v] of iterate(coll, p.collection.range)) {
          if (p.keyVar !== undefined) scope.vars.set(p.keyVar, k);
          scope.vars.set(p.valueVar, v);
          const s = renderParts(p.body, inner, range);
          if (isUnknown(s)) return s;
          out += s;
        }
        stripNext = false;
        break;
      }
    }
  }
  return out;
}

function iterate(coll: Value, range: Range): Array<[Value, Value]> {
  if (Array.isArray(coll)) return coll.map((v, i) => [i, v]);
  if (isObjectValue(coll)) return sortedKeys(coll).map((k) => [k, coll[k] as Value]);
  if (coll === null)
    throw new EvalError(
      'Iteration over null value',
      "A null value cannot be used as the collection in a 'for' expression.",
      range,
    );
  throw new EvalError(
    'Iteration over non-iterable value',
    `A value of type ${typeName(coll)} cannot be used as the collection in a 'for' expression.`,
    range,
  );
}

function evalFor(expr: Extract<Expr, { kind: 'For' }>, ctx: EvalContext): Value {
  const coll = evaluate(expr.collection, ctx);
  if (isUnknown(coll)) return coll;
  const scope: Scope = { parent: ctx.scope, vars: new Map() };
  const inner: EvalContext = { ...ctx, scope };
  const tuple: Value[] = [];
  const obj: ObjectValue = {};
  const groups = new Map<string, Value[]>();
  for (const [k, v] of iterate(coll, expr.collection.range)) {
    if (expr.keyVar !== undefined) scope.vars.set(expr.keyVar, k);
    scope.vars.set(expr.valueVar, v);
    if (expr.cond) {
      const c = evaluate(expr.cond, inner);
      if (isUnknown(c)) return c;
      if (!convertOrThrow(() => toBool(c), expr.cond.range, "Invalid 'for' condition")) continue;
    }
    if (expr.keyExpr === undefined) {
      tuple.push(evaluate(expr.valueExpr, inner));
      continue;
    }
    const kv = evaluate(expr.keyExpr, inner);
    if (isUnknown(kv)) return kv;
    const key = convertOrThrow(() => templateString(kv), expr.keyExpr.range, 'Invalid object key');
    const val = evaluate(expr.valueExpr, inner);
    if (expr.grouping) {
      const g = groups.get(key);
      if (g) g.push(val);
      else groups.set(key, [val]);
    } else {
      if (key in obj) {
        throw new EvalError(
          'Duplicate object key',
          `Two different items produced the key "${key}" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.`,
          expr.keyExpr.range,
        );
      }
      obj[key] = val;
    }
  }
  if (expr.keyExpr === undefined) return tuple;
  if (expr.grouping) for (const [k, g] of groups) obj[k] = g;
  return obj;
}

function evalSplat(objectExpr: Expr, each: Expr, ctx: EvalContext): Value {
  const src = evaluate(objectExpr, ctx);
  if (isUnknown(src)) return src;
  if (src === null) return [];
  const items = Array.isArray(src) ? src : [src];
  const scope: Scope = { parent: ctx.scope, vars: new Map() };
  const inner: EvalContext = { ...ctx, scope };
  const out: Value[] = [];
  for (const item of items) {
    scope.vars.set('@splat', item);
    out.push(evaluate(each, inner));
  }
  return out;
}

function evalCall(expr: Extract<Expr, { kind: 'FunctionCall' }>, ctx: EvalContext): Value {
  const name = expr.name;
  if (name === 'try') {
    if (expr.args.length === 0)
      throw new EvalError('Invalid function argument', 'At least one argument is required.', expr.range);
    let lastError: EvalError | undefined;
    for (const a of expr.args) {
      try {
        return evaluate(a, ctx);
      } catch (e) {
        if (!(e instanceof EvalError)) throw e;
        lastError = e;
      }
    }
    throw new EvalError(
      'Error in function call',
      `Call to function "try" failed: no expression succeeded:\n- ${lastError?.summary ?? ''}: ${lastError?.detail ?? ''}`,
      expr.range,
    );
  }
  if (name === 'can') {
    const a = expr.args[0];
    if (expr.args.length !== 1 || !a)
      throw new EvalError(
        'Invalid function argument',
        'Function "can" takes exactly one argument.',
        expr.range,
      );
    try {
      const v = evaluate(a, ctx);
      return isUnknown(v) ? v : true;
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      return false;
    }
  }
  let args: Value[] = expr.args.map((a) => evaluate(a, ctx));
  if (expr.expandFinal) {
    const last = args[args.length - 1];
    if (last === undefined || isUnknown(last)) return new Unknown('expanded argument is unknown');
    if (!Array.isArray(last)) {
      throw new EvalError(
        'Invalid expanding argument value',
        'The expanding argument (indicated by ...) must be of a tuple, list, or set type.',
        expr.range,
      );
    }
    args = [...args.slice(0, -1), ...last];
  }
  try {
    return callFunction(name, args, expr.range, ctx.fn);
  } catch (e) {
    if (e instanceof FunctionCallError) throw new EvalError(e.summary, e.detail, e.range);
    throw e;
  }
}

/** Flattens a traversal (GetAttr / Index chain) down to its root expression. */
function flatten(expr: Expr): { root: Expr; steps: Step[] } {
  const steps: Step[] = [];
  let cur: Expr = expr;
  for (;;) {
    if (cur.kind === 'GetAttr') {
      steps.push({ kind: 'attr', name: cur.name, range: cur.range });
      cur = cur.object;
    } else if (cur.kind === 'Index') {
      steps.push({ kind: 'index', key: cur.key, range: cur.range });
      cur = cur.object;
    } else break;
  }
  steps.reverse();
  return { root: cur, steps };
}

function evalTraversal(expr: Expr, ctx: EvalContext): Value {
  const { root, steps } = flatten(expr);
  let value: Value;
  let i = 0;
  if (root.kind === 'Variable') {
    const local = lookupScope(ctx.scope, root.name);
    if (local !== undefined || hasScope(ctx.scope, root.name)) value = local ?? null;
    else {
      const r = ctx.resolver.resolve(root.name, steps, root.range, ctx);
      value = r.value;
      i = r.consumed;
    }
  } else value = evaluate(root, ctx);
  for (; i < steps.length; i++) {
    const s = steps[i] as Step;
    if (s.kind === 'attr') value = getAttr(value, s.name, s.range);
    else value = index(value, evaluate(s.key, ctx), s.range);
  }
  return value;
}

function hasScope(scope: Scope | undefined, name: string): boolean {
  for (let s = scope; s; s = s.parent) if (s.vars.has(name)) return true;
  return false;
}

export function getAttr(v: Value, name: string, range: Range): Value {
  if (isUnknown(v)) return v;
  if (isObjectValue(v)) {
    const x = v[name];
    const computed = computedObjects.has(v);
    // An argument left null in a resource's configuration is computed by the provider.
    if (x !== undefined && (x !== null || !computed) && Object.prototype.hasOwnProperty.call(v, name))
      return x;
    if (computed) return new Unknown(`computed attribute ${name}`);
    throw new EvalError(
      'Unsupported attribute',
      `This object does not have an attribute named "${name}".`,
      range,
    );
  }
  if (v === null)
    throw new EvalError(
      'Attempt to get attribute from null value',
      'This value is null, so it does not have any attributes.',
      range,
    );
  if (Array.isArray(v)) {
    throw new EvalError(
      'Unsupported attribute',
      `Can't access attributes on a list of objects. Did you mean to access attribute "${name}" for a specific element of the list, or across all elements of the list?`,
      range,
    );
  }
  throw new EvalError(
    'Unsupported attribute',
    `Can't access attributes on a primitive-typed value (${typeName(v)}).`,
    range,
  );
}

export function index(v: Value, key: Value, range: Range): Value {
  if (isUnknown(v)) return v;
  if (isUnknown(key)) return key;
  if (v === null)
    throw new EvalError(
      'Attempt to index null value',
      'This value is null, so it does not have any indices.',
      range,
    );
  if (key === null) throw new EvalError('Invalid index', "Can't use a null value as an indexing key.", range);
  if (Array.isArray(v)) {
    let n: number;
    try {
      n = toNum(key);
    } catch {
      throw new EvalError(
        'Invalid index',
        'The given key does not identify an element in this collection value: a number is required.',
        range,
      );
    }
    if (!Number.isInteger(n) || n < 0 || n >= v.length) {
      throw new EvalError(
        'Invalid index',
        'The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection.',
        range,
      );
    }
    return v[n] as Value;
  }
  if (isObjectValue(v)) {
    const k = typeof key === 'string' ? key : typeof key === 'number' ? formatNumber(key) : null;
    if (k === null)
      throw new EvalError(
        'Invalid index',
        'The given key does not identify an element in this collection value: string required.',
        range,
      );
    const computed = computedObjects.has(v);
    if (Object.prototype.hasOwnProperty.call(v, k) && (v[k] !== null || !computed)) return v[k] as Value;
    if (computed) return new Unknown(`computed attribute ${k}`);
    throw new EvalError(
      'Invalid index',
      `The given key does not identify an element in this collection value.`,
      range,
    );
  }
  throw new EvalError(
    'Invalid index',
    `This value does not have any indices (it is a ${typeName(v)}).`,
    range,
  );
}

/** Sorting helper for callers that need Terraform's key order. */
export { lexical };
