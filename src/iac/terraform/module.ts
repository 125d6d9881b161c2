/**
 * The synchronous half of module evaluation: variables, locals, resources with count/for_each
 * and dynamic blocks, providers, module calls and outputs, over modules already parsed by
 * load.ts. Values are resolved on demand and memoized per module instance, so declaration order
 * does not matter and cycles become diagnostics, not hangs.
 */
import { posix } from 'node:path';
import type { Attribute, Block, Body, Diagnostic, Expr, Range } from '../hcl/ast.js';
import { parseHcl } from '../hcl/parser.js';
import type { IacResource } from '../resource.js';
import { ConversionError, sortedKeys, toNum, typeName } from './convert.js';
import {
  evaluate,
  evaluateExpr,
  EvalError,
  markComputed,
  type EvalContext,
  type Resolver,
  type Scope,
  type Step,
} from './evaluate.js';
import type { FunctionEnv } from './function-types.js';
import { providerKey, type ParsedModule, type TerraformDiagnostic } from './load.js';
import { convertToType, isPrimitiveType, parseType, type TypeConstraint } from './types.js';
import { isObjectValue, isUnknown, Unknown, type ObjectValue, type Value } from './value.js';

/** An evaluated resource instance; `unknownExpansion` when its count/for_each is known only after apply. */
export type TerraformResource = IacResource & { unknownExpansion?: boolean };

interface Traced {
  value: Value;
  refs: ReadonlySet<string>;
}

const EMPTY_REFS: ReadonlySet<string> = new Set();
const PENDING = Symbol('pending');
const MAX_MODULE_DEPTH = 24;

/** Everything one evaluation run shares: parsed modules, call targets, outputs. */
export interface World {
  modules: Map<string, ParsedModule>;
  /** Module call path key (`net`, `net.subnets`) -> directory; null when not installed. */
  callTargets: Map<string, string | null>;
  rootDir: string;
  fn: Omit<FunctionEnv, 'renderTemplate'>;
  resources: TerraformResource[];
  diagnostics: TerraformDiagnostic[];
}

const META_ATTRS = new Set(['count', 'for_each', 'provider', 'depends_on']);
const META_BLOCKS = new Set(['lifecycle', 'provisioner', 'connection']);
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

function literalString(e: Expr | undefined): string | undefined {
  if (e?.kind === 'Template' && e.parts.length === 1 && e.parts[0]?.kind === 'TemplateLiteral')
    return e.parts[0].value;
  if (e?.kind === 'Template' && e.parts.length === 0) return '';
  return undefined;
}

/** `aws.east` from the traversal expression `aws.east`. */
function traversalText(e: Expr | undefined): string | undefined {
  if (!e) return undefined;
  if (e.kind === 'Variable') return e.name;
  if (e.kind === 'GetAttr') {
    const o = traversalText(e.object);
    return o === undefined ? undefined : `${o}.${e.name}`;
  }
  return literalString(e);
}

export function instanceKeyText(key: string | number): string {
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

type Expansion =
  | { kind: 'single' }
  | { kind: 'count'; n: number }
  | { kind: 'each'; entries: Array<[string, Value]> }
  | { kind: 'unknown'; meta: 'count' | 'each' };

export class ModuleInstance implements Resolver {
  private readonly locals = new Map<string, Traced | typeof PENDING>();
  private readonly resourceValues = new Map<string, Value | typeof PENDING>();
  private readonly moduleValues = new Map<
    string,
    { value: Value; outputs: Map<string, Traced>[] } | typeof PENDING
  >();
  private readonly providerConfigs = new Map<string, ObjectValue>();
  private readonly variables = new Map<string, Traced>();
  private readonly fn: FunctionEnv;
  private readonly prefix: string;
  private readonly pathModule: string;
  private outputsCache: Map<string, Traced> | undefined;
  /** Set when this instance stands for a module call whose count/for_each is unknown. */
  unknownExpansion = false;

  constructor(
    private readonly world: World,
    readonly mod: ParsedModule,
    readonly modulePath: string[],
    /** Call names from the root, for modules.json keys. */
    private readonly callKey: string[],
    inputs: Map<string, Traced>,
    parentProviders: Map<string, ObjectValue>,
    providerMap: Map<string, string>,
    private readonly inputRange: Range | undefined,
  ) {
    this.prefix = modulePath.length ? modulePath.join('.') + '.' : '';
    this.pathModule = posix.relative(world.rootDir, mod.dir) || '.';
    this.fn = {
      ...world.fn,
      renderTemplate: (src, file, vars, range) => this.renderTemplate(src, file, vars, range),
    };
    for (const [k, v] of parentProviders) if (!k.includes('.')) this.providerConfigs.set(k, v);
    for (const [child, parentKey] of providerMap) {
      const cfg = parentProviders.get(parentKey);
      if (cfg) this.providerConfigs.set(child, cfg);
    }
    this.initVariables(inputs);
    for (const p of mod.providers) {
      const cfg = this.evalBlockBody(
        p.body,
        undefined,
        '',
        new Map(),
        new Map(),
        new Set(['alias', 'version']),
        false,
      );
      this.providerConfigs.set(providerKey(p), cfg);
    }
  }

  private diag(d: Omit<TerraformDiagnostic, 'phase'>): void {
    this.world.diagnostics.push({ ...d, phase: 'evaluate' });
  }

  private readonly onError = (d: Diagnostic): void => {
    this.world.diagnostics.push({ ...d, phase: 'evaluate' });
  };

  private eval(expr: Expr, scope: Scope | undefined, refs: Set<string> | undefined): Value {
    return evaluateExpr(expr, { resolver: this, scope, fn: this.fn, refs }, this.onError);
  }

  // ---------- variables ----------

  private initVariables(inputs: Map<string, Traced>): void {
    for (const [name, block] of this.mod.variables) {
      const info = this.variableInfo(block);
      const type = info.type;
      const given = inputs.get(name);
      let traced: Traced;
      if (given !== undefined && !(given.value === null && !info.nullable && info.hasDefault)) traced = given;
      else if (info.hasDefault) traced = { value: info.default, refs: EMPTY_REFS };
      else traced = { value: new Unknown(`input variable ${name} has no value`), refs: EMPTY_REFS };
      if (type) {
        try {
          traced = { value: convertToType(traced.value, type), refs: traced.refs };
        } catch (e) {
          if (!(e instanceof ConversionError)) throw e;
          this.diag({
            severity: 'error',
            summary: 'Invalid value for input variable',
            detail: `The given value is not suitable for var.${name} declared at ${block.range.file}:${block.range.start.line},${block.range.start.column}: ${e.message}.`,
            range: this.inputRange ?? block.range,
          });
          traced = { value: new Unknown(`invalid value for var.${name}`), refs: traced.refs };
        }
      }
      this.variables.set(name, traced);
    }
    for (const [name] of inputs) {
      if (!this.mod.variables.has(name) && this.inputRange) {
        this.diag({
          severity: 'error',
          summary: 'Unsupported argument',
          detail: `An argument named "${name}" is not expected here: the module at ${this.mod.dir} declares no variable "${name}".`,
          range: this.inputRange,
        });
      }
    }
  }

  /** Type, default and nullability of a variable block: constant, so computed once per block. */
  private variableInfo(block: Block): VariableInfo {
    let info = variableInfoCache.get(block);
    if (!info) {
      const attrs = new Map(block.body.attributes.map((a) => [a.name, a]));
      const typeAttr = attrs.get('type');
      const defAttr = attrs.get('default');
      const nullableAttr = attrs.get('nullable');
      info = {
        type: typeAttr ? parseType(typeAttr.expr, (e) => this.constant(e)) : undefined,
        hasDefault: defAttr !== undefined,
        default: defAttr ? this.constant(defAttr.expr) : null,
        nullable: nullableAttr ? this.constant(nullableAttr.expr) !== false : true,
      };
      variableInfoCache.set(block, info);
    }
    return info;
  }

  /** Types of this module's variables, for parsing -var and TF_VAR_ strings. */
  static variableTypes(
    mod: ParsedModule,
    constant: (e: Expr) => Value,
  ): Map<string, TypeConstraint | undefined> {
    const out = new Map<string, TypeConstraint | undefined>();
    for (const [name, block] of mod.variables) {
      const t = block.body.attributes.find((a) => a.name === 'type');
      out.set(name, t ? parseType(t.expr, constant) : undefined);
    }
    return out;
  }

  /** A constant expression: no references allowed (defaults, optional() defaults). */
  constant(e: Expr): Value {
    return evaluateConstant(e, this.fn, this.world.diagnostics);
  }

  // ---------- Resolver ----------

  resolve(
    root: string,
    steps: readonly Step[],
    range: Range,
    ctx: EvalContext,
  ): { value: Value; consumed: number } {
    const first = steps[0];
    const name = first?.kind === 'attr' ? first.name : undefined;
    switch (root) {
      case 'var': {
        if (name === undefined) return { value: this.allOf(this.variables, ctx), consumed: 0 };
        const v = this.variables.get(name);
        if (!v) {
          throw new EvalError(
            'Reference to undeclared input variable',
            `An input variable with the name "${name}" has not been declared. This variable can be declared with a variable "${name}" {} block.`,
            first?.range ?? range,
          );
        }
        addAll(ctx.refs, v.refs);
        return { value: v.value, consumed: 1 };
      }
      case 'local': {
        if (name === undefined) {
          const o: ObjectValue = {};
          for (const k of this.mod.locals.keys()) o[k] = this.local(k, range, ctx);
          return { value: o, consumed: 0 };
        }
        if (!this.mod.locals.has(name)) {
          throw new EvalError(
            'Reference to undeclared local value',
            `A local value with the name "${name}" has not been declared.`,
            first?.range ?? range,
          );
        }
        return { value: this.local(name, range, ctx), consumed: 1 };
      }
      case 'module': {
        if (name === undefined)
          throw new EvalError(
            'Invalid reference',
            'The "module" object cannot be accessed directly. Instead, access one of its attributes.',
            range,
          );
        if (!this.mod.moduleCalls.has(name)) {
          throw new EvalError(
            'Reference to undeclared module',
            `No module call named "${name}" is declared in ${this.mod.dir}.`,
            first?.range ?? range,
          );
        }
        const m = this.moduleCall(name);
        const second = steps[1];
        if (m.outputs.length === 1 && isObjectValue(m.value) && second?.kind === 'attr') {
          const out = m.outputs[0]?.get(second.name);
          if (out) {
            addAll(ctx.refs, out.refs);
            return { value: out.value, consumed: 2 };
          }
        }
        for (const o of m.outputs) for (const t of o.values()) addAll(ctx.refs, t.refs);
        return { value: m.value, consumed: 1 };
      }
      case 'data': {
        const second = steps[1];
        if (name === undefined || second?.kind !== 'attr') {
          throw new EvalError(
            'Invalid data resource reference',
            'A data resource reference needs a type and a name: data.TYPE.NAME.',
            range,
          );
        }
        const key = `data.${name}.${second.name}`;
        if (!this.mod.resources.has(key)) {
          throw new EvalError(
            'Reference to undeclared resource',
            `A data resource "${name}" "${second.name}" has not been declared in ${this.pathModule === '.' ? 'the root module' : this.mod.dir}.`,
            range,
          );
        }
        ctx.refs?.add(this.prefix + key);
        return { value: new Unknown(`data source ${this.prefix}${key} is read during apply`), consumed: 2 };
      }
      case 'path':
        return {
          value: { module: this.pathModule, root: '.', cwd: this.world.rootDir },
          consumed: 0,
        };
      case 'terraform':
        return { value: { workspace: 'default' }, consumed: 0 };
      case 'self':
        return { value: new Unknown('self'), consumed: 0 };
      case 'count':
      case 'each':
        throw new EvalError(
          `Reference to "${root}" in non-${root === 'count' ? 'counted' : 'for_each'} context`,
          `The "${root}" object can only be used in "module", "resource", and "data" blocks, and only when the "${root === 'count' ? 'count' : 'for_each'}" argument is set.`,
          range,
        );
      default: {
        if (name === undefined) {
          throw new EvalError(
            'Invalid reference',
            `A reference to a resource type must be followed by at least one attribute access, specifying the resource name.`,
            range,
          );
        }
        const key = `${root}.${name}`;
        if (!this.mod.resources.has(key)) {
          if (!/^[a-z][a-z0-9]*_/.test(root)) {
            throw new EvalError('Unknown variable', `There is no variable named "${root}".`, range);
          }
          throw new EvalError(
            'Reference to undeclared resource',
            `A managed resource "${root}" "${name}" has not been declared in ${this.pathModule === '.' ? 'the root module' : this.mod.dir}.`,
            range,
          );
        }
        ctx.refs?.add(this.prefix + key);
        return { value: this.resourceValue(key), consumed: 1 };
      }
    }
  }

  private allOf(m: Map<string, Traced>, ctx: EvalContext): ObjectValue {
    const o: ObjectValue = {};
    for (const [k, t] of m) {
      o[k] = t.value;
      addAll(ctx.refs, t.refs);
    }
    return o;
  }

  private local(name: string, range: Range, ctx: EvalContext): Value {
    const cached = this.locals.get(name);
    if (cached === PENDING) {
      this.diag({
        severity: 'error',
        summary: 'Cycle in local values',
        detail: `local.${name} depends on itself (directly or through other locals).`,
        range,
      });
      return new Unknown(`cycle in local.${name}`);
    }
    if (cached) {
      addAll(ctx.refs, cached.refs);
      return cached.value;
    }
    const attr = this.mod.locals.get(name) as Attribute;
    this.locals.set(name, PENDING);
    const refs = new Set<string>();
    const value = this.eval(attr.expr, undefined, refs);
    this.locals.set(name, { value, refs });
    addAll(ctx.refs, refs);
    return value;
  }

  // ---------- resources ----------

  private expansion(block: Block, scope: Scope | undefined, refs: Set<string> | undefined): Expansion {
    const attrs = block.body.attributes;
    const count = attrs.find((a) => a.name === 'count');
    const forEach = attrs.find((a) => a.name === 'for_each');
    if (count) {
      const v = this.eval(count.expr, scope, refs);
      if (isUnknown(v)) return { kind: 'unknown', meta: 'count' };
      let n: number;
      try {
        n = toNum(v);
      } catch {
        this.diag({
          severity: 'error',
          summary: 'Invalid count argument',
          detail: `The given "count" argument value is unsuitable: number required, but have ${typeName(v)}.`,
          range: count.expr.range,
        });
        return { kind: 'unknown', meta: 'count' };
      }
      if (!Number.isInteger(n) || n < 0) {
        this.diag({
          severity: 'error',
          summary: 'Invalid count argument',
          detail: `The given "count" argument value is unsuitable: must be a whole number greater than or equal to zero.`,
          range: count.expr.range,
        });
        return { kind: 'count', n: 0 };
      }
      return { kind: 'count', n };
    }
    if (forEach) {
      const v = this.eval(forEach.expr, scope, refs);
      if (isUnknown(v)) return { kind: 'unknown', meta: 'each' };
      if (isObjectValue(v)) return { kind: 'each', entries: sortedKeys(v).map((k) => [k, v[k] as Value]) };
      if (Array.isArray(v)) {
        const entries: Array<[string, Value]> = [];
        for (const x of v) {
          if (isUnknown(x)) return { kind: 'unknown', meta: 'each' };
          if (typeof x !== 'string') {
            this.diag({
              severity: 'error',
              summary: 'Invalid for_each argument',
              detail: `The given "for_each" argument value is unsuitable: "for_each" supports maps and sets of strings, but you have provided a set containing type ${typeName(x)}.`,
              range: forEach.expr.range,
            });
            return { kind: 'each', entries: [] };
          }
          if (!entries.some(([k]) => k === x)) entries.push([x, x]);
        }
        entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return { kind: 'each', entries };
      }
      this.diag({
        severity: 'error',
        summary: 'Invalid for_each argument',
        detail:
          v === null
            ? 'The given "for_each" argument value is null. A map, or set of strings is allowed.'
            : `The given "for_each" argument value is unsuitable: the "for_each" argument must be a map, or set of strings, and you have provided a value of type ${typeName(v)}.`,
        range: forEach.expr.range,
      });
      return { kind: 'each', entries: [] };
    }
    return { kind: 'single' };
  }

  private resourceValue(key: string): Value {
    const cached = this.resourceValues.get(key);
    if (cached === PENDING) return new Unknown(`${this.prefix}${key} refers to itself`);
    if (cached !== undefined) return cached;
    this.resourceValues.set(key, PENDING);
    const value = this.evaluateResource(key);
    this.resourceValues.set(key, value);
    return value;
  }

  private evaluateResource(key: string): Value {
    const block = this.mod.resources.get(key) as Block;
    const isData = block.type === 'data';
    const [type = '', name = ''] = block.labels;
    const metaRefs = new Set<string>();
    const exp = this.expansion(block, undefined, metaRefs);
    const providerAttr = block.body.attributes.find((a) => a.name === 'provider');
    const pkey = traversalText(providerAttr?.expr) ?? type.split('_')[0] ?? type;
    const provider = pkey.split('.')[0] ?? pkey;
    const providerConfig = this.providerConfigs.get(pkey);
    const base = `${this.prefix}${isData ? 'data.' : ''}${type}.${name}`;
    const emit = (addressKey: string, scope: Scope | undefined, unknownExpansion: boolean): ObjectValue => {
      const ranges = new Map<string, Range>();
      const references = new Map<string, string[]>();
      const attributes = this.evalBlockBody(block.body, scope, '', ranges, references, META_ATTRS, true);
      if (metaRefs.size) {
        const meta = block.body.attributes.find((a) => a.name === 'count' || a.name === 'for_each');
        if (meta) references.set(meta.name, [...metaRefs]);
      }
      const r: TerraformResource = {
        address: base + addressKey,
        mode: isData ? 'data' : 'managed',
        type,
        name,
        provider,
        modulePath: this.modulePath,
        attributes,
        range: block.range,
        attributeRanges: ranges,
        references,
        source: 'hcl',
      };
      if (providerConfig) r.providerConfig = providerConfig;
      if (unknownExpansion || this.unknownExpansion) r.unknownExpansion = true;
      this.world.resources.push(r);
      return attributes;
    };
    switch (exp.kind) {
      case 'single':
        return emit('', undefined, false);
      case 'count': {
        const out: Value[] = [];
        for (let i = 0; i < exp.n; i++) out.push(emit(`[${i}]`, scopeOf({ count: { index: i } }), false));
        return out;
      }
      case 'each': {
        const out: ObjectValue = {};
        for (const [k, v] of exp.entries)
          out[k] = emit(instanceKeyText(k), scopeOf({ each: { key: k, value: v } }), false);
        return out;
      }
      case 'unknown': {
        const u = new Unknown(
          `${exp.meta === 'count' ? 'count' : 'for_each'} of ${base} is known only after apply`,
        );
        emit(
          '',
          scopeOf(exp.meta === 'count' ? { count: { index: u } } : { each: { key: u, value: u } }),
          true,
        );
        return u;
      }
    }
  }

  /**
   * Evaluates a block body into the plan-JSON shape: attributes by name, nested blocks as arrays
   * under their type (dynamic blocks expanded). Records ranges and references by dotted path.
   */
  private evalBlockBody(
    body: Body,
    scope: Scope | undefined,
    prefix: string,
    ranges: Map<string, Range>,
    references: Map<string, string[]>,
    skipAttrs: ReadonlySet<string>,
    topLevel: boolean,
  ): ObjectValue {
    const out: ObjectValue = {};
    const refs = new Set<string>();
    for (const a of body.attributes) {
      if (skipAttrs.has(a.name)) continue;
      refs.clear();
      out[a.name] = this.eval(a.expr, scope, refs);
      ranges.set(prefix + a.name, a.range);
      if (refs.size) references.set(prefix + a.name, [...refs]);
    }
    const counts = new Map<string, number>();
    const addBlock = (type: string, value: ObjectValue | Unknown, range: Range): void => {
      const cur = out[type];
      if (isUnknown(cur)) return;
      if (isUnknown(value)) {
        out[type] = value;
        return;
      }
      const list = Array.isArray(cur) ? cur : (out[type] = []);
      list.push(value);
      const i = counts.get(type) ?? 0;
      counts.set(type, i + 1);
      if (!ranges.has(prefix + type)) ranges.set(prefix + type, range);
      ranges.set(`${prefix}${type}.${i}`, range);
    };
    for (const b of body.blocks) {
      if (topLevel && META_BLOCKS.has(b.type)) continue;
      if (b.type === 'dynamic') {
        this.expandDynamic(b, scope, prefix, ranges, references, counts, addBlock);
        continue;
      }
      const i = counts.get(b.type) ?? 0;
      const v = markComputed(
        this.evalBlockBody(b.body, scope, `${prefix}${b.type}.${i}.`, ranges, references, EMPTY_SKIP, false),
      );
      addBlock(b.type, v, b.range);
    }
    return topLevel ? markComputed(out) : out;
  }

  private expandDynamic(
    b: Block,
    scope: Scope | undefined,
    prefix: string,
    ranges: Map<string, Range>,
    references: Map<string, string[]>,
    counts: Map<string, number>,
    addBlock: (type: string, value: ObjectValue | Unknown, range: Range) => void,
  ): void {
    const type = b.labels[0];
    if (type === undefined) return;
    const forEach = b.body.attributes.find((a) => a.name === 'for_each');
    const iterAttr = b.body.attributes.find((a) => a.name === 'iterator');
    const iterName = iterAttr ? (traversalText(iterAttr.expr) ?? type) : type;
    const content = b.body.blocks.find((x) => x.type === 'content');
    if (!forEach || !content) {
      this.diag({
        severity: 'error',
        summary: !forEach ? 'Missing required argument' : 'Missing content block',
        detail: !forEach
          ? 'The argument "for_each" is required, but no definition was found.'
          : 'A dynamic block must have a nested block of type "content" to describe the body of each generated block.',
        range: b.range,
      });
      return;
    }
    const refs = new Set<string>();
    const coll = this.eval(forEach.expr, scope, refs);
    if (refs.size)
      references.set(`${prefix}${type}`, [...(references.get(`${prefix}${type}`) ?? []), ...refs]);
    if (isUnknown(coll)) {
      addBlock(type, coll, b.range);
      return;
    }
    let entries: Array<[Value, Value]>;
    if (Array.isArray(coll)) entries = coll.map((v, i) => [i, v]);
    else if (isObjectValue(coll)) entries = sortedKeys(coll).map((k) => [k, coll[k] as Value]);
    else {
      if (coll !== null) {
        this.diag({
          severity: 'error',
          summary: 'Invalid dynamic for_each value',
          detail: `Cannot use a ${typeName(coll)} value in for_each. An iterable collection is required.`,
          range: forEach.expr.range,
        });
      } else {
        this.diag({
          severity: 'error',
          summary: 'Invalid dynamic for_each value',
          detail: 'Cannot use a null value in for_each.',
          range: forEach.expr.range,
        });
      }
      return;
    }
    for (const [k, v] of entries) {
      const inner = scopeOf({ [iterName]: { key: k, value: v } }, scope);
      const i = counts.get(type) ?? 0;
      const value = markComputed(
        this.evalBlockBody(
          content.body,
          inner,
          `${prefix}${type}.${i}.`,
          ranges,
          references,
          EMPTY_SKIP,
          false,
        ),
      );
      addBlock(type, value, content.range);
    }
  }

  // ---------- module calls ----------

  private moduleCall(name: string): { value: Value; outputs: Map<string, Traced>[] } {
    const cached = this.moduleValues.get(name);
    if (cached === PENDING) return { value: new Unknown(`module.${name} refers to itself`), outputs: [] };
    if (cached) return cached;
    this.moduleValues.set(name, PENDING);
    const r = this.evaluateModuleCall(name);
    this.moduleValues.set(name, r);
    return r;
  }

  private evaluateModuleCall(name: string): { value: Value; outputs: Map<string, Traced>[] } {
    const block = this.mod.moduleCalls.get(name) as Block;
    const key = [...this.callKey, name];
    const dir = this.world.callTargets.get(key.join('.'));
    const child = dir ? this.world.modules.get(dir) : undefined;
    const notInstalled = (): { value: Value; outputs: Map<string, Traced>[] } => ({
      value: markComputed({}),
      outputs: [],
    });
    if (!child || this.modulePath.length >= MAX_MODULE_DEPTH) return notInstalled();
    const providerMap = new Map<string, string>();
    const providersAttr = block.body.attributes.find((a) => a.name === 'providers');
    if (providersAttr?.expr.kind === 'Object') {
      for (const item of providersAttr.expr.items) {
        const k = traversalText(item.key.kind === 'Paren' ? item.key.expr : item.key);
        const v = traversalText(item.value);
        if (k && v) providerMap.set(k, v);
      }
    }
    const exp = this.expansion(block, undefined, undefined);
    const run = (
      segment: string,
      scope: Scope | undefined,
      unknownExpansion = false,
    ): Map<string, Traced> => {
      const inputs = new Map<string, Traced>();
      for (const a of block.body.attributes) {
        if (MODULE_META.has(a.name)) continue;
        const refs = new Set<string>();
        inputs.set(a.name, { value: this.eval(a.expr, scope, refs), refs });
      }
      const inst = new ModuleInstance(
        this.world,
        child,
        [...this.modulePath, segment],
        key,
        inputs,
        this.providerConfigs,
        providerMap,
        block.range,
      );
      inst.unknownExpansion = this.unknownExpansion || unknownExpansion;
      inst.evaluateAll();
      return inst.outputs();
    };
    const toObject = (outs: Map<string, Traced>): ObjectValue => {
      const o: ObjectValue = {};
      for (const [k, t] of outs) o[k] = t.value;
      return markComputed(o);
    };
    switch (exp.kind) {
      case 'single': {
        const outs = run(`module.${name}`, undefined);
        return { value: toObject(outs), outputs: [outs] };
      }
      case 'count': {
        const all: Map<string, Traced>[] = [];
        for (let i = 0; i < exp.n; i++)
          all.push(run(`module.${name}[${i}]`, scopeOf({ count: { index: i } })));
        return { value: all.map(toObject), outputs: all };
      }
      case 'each': {
        const all: Map<string, Traced>[] = [];
        const value: ObjectValue = {};
        for (const [k, v] of exp.entries) {
          const outs = run(`module.${name}${instanceKeyText(k)}`, scopeOf({ each: { key: k, value: v } }));
          all.push(outs);
          value[k] = toObject(outs);
        }
        return { value, outputs: all };
      }
      case 'unknown': {
        const u = new Unknown(`expansion of module.${name} is known only after apply`);
        const outs = run(
          `module.${name}`,
          scopeOf(exp.meta === 'count' ? { count: { index: u } } : { each: { key: u, value: u } }),
          true,
        );
        return { value: u, outputs: [outs] };
      }
    }
  }

  /** Evaluates every resource, data source, module call and output of this instance. */
  evaluateAll(): void {
    for (const key of this.mod.resources.keys()) this.resourceValue(key);
    for (const name of this.mod.moduleCalls.keys()) this.moduleCall(name);
    this.outputs();
  }

  outputs(): Map<string, Traced> {
    if (this.outputsCache) return this.outputsCache;
    const out = new Map<string, Traced>();
    this.outputsCache = out;
    for (const [name, block] of this.mod.outputs) {
      const v = block.body.attributes.find((a) => a.name === 'value');
      if (!v) continue;
      const refs = new Set<string>();
      out.set(name, { value: this.eval(v.expr, undefined, refs), refs });
    }
    return out;
  }

  // ---------- templatefile ----------

  private renderTemplate(src: string, file: string, vars: Record<string, Value>, range: Range): Value {
    const tpl = parseTemplate(src, file);
    if (tpl.error)
      throw new EvalError(
        'Invalid function argument',
        `Invalid value for "path" parameter: failed to parse template ${file}: ${tpl.error}.`,
        range,
      );
    const scope: Scope = { parent: undefined, vars: new Map(Object.entries(vars)) };
    const resolver: Resolver = {
      resolve: (root, _steps, r) => {
        throw new EvalError(
          'Invalid function argument',
          `Invalid value for "vars" parameter: vars map does not contain key "${root}", referenced at ${r.file}:${r.start.line},${r.start.column}.`,
          range,
        );
      },
    };
    return evaluate(tpl.expr as Expr, { resolver, scope, fn: this.fn, refs: undefined });
  }
}

const EMPTY_SKIP: ReadonlySet<string> = new Set();

interface VariableInfo {
  type: TypeConstraint | undefined;
  hasDefault: boolean;
  default: Value;
  nullable: boolean;
}

/** Parsed modules are immutable and shared across loads, so this cache is too. */
const variableInfoCache = new WeakMap<Block, VariableInfo>();

function scopeOf(vars: Record<string, Value>, parent?: Scope): Scope {
  return { parent, vars: new Map(Object.entries(vars)) };
}

function addAll(into: Set<string> | undefined, from: ReadonlySet<string>): void {
  if (!into) return;
  for (const r of from) into.add(r);
}

const templateCache = new Map<string, { expr?: Expr; error?: string }>();
const TEMPLATE_MARKER = '__OPSDECK_TEMPLATE_END__';

/** Parses a template file's text (the content of a heredoc, without its final newline). */
function parseTemplate(src: string, file: string): { expr?: Expr; error?: string } {
  const key = file + '\u0000' + src;
  const hit = templateCache.get(key);
  if (hit) return hit;
  const text = `t = <<${TEMPLATE_MARKER}\n${src}\n${TEMPLATE_MARKER}\n`;
  const res = parseHcl(text, file);
  const attr = res.file.body.attributes[0];
  let out: { expr?: Expr; error?: string };
  const err = res.diagnostics.find((d) => d.severity === 'error');
  if (err || !attr) out = { error: err ? `${err.summary}: ${err.detail}` : 'empty template' };
  else {
    const expr = attr.expr;
    if (expr.kind === 'Template') {
      // The heredoc adds one final newline that the file does not have.
      const parts = [...expr.parts];
      const last = parts[parts.length - 1];
      if (last?.kind === 'TemplateLiteral' && last.value.endsWith('\n')) {
        parts[parts.length - 1] = { ...last, value: last.value.slice(0, -1) };
      }
      out = { expr: { ...expr, parts, heredoc: false } };
    } else out = { expr };
  }
  if (templateCache.size > 500) templateCache.clear();
  templateCache.set(key, out);
  return out;
}

/** Evaluates an expression that may not reference anything (variable defaults, tfvars values). */
export function evaluateConstant(e: Expr, fn: FunctionEnv, diagnostics: TerraformDiagnostic[]): Value {
  const resolver: Resolver = {
    resolve: (root, _steps, range) => {
      throw new EvalError(
        'Variables not allowed',
        `Variables may not be used here (found a reference to "${root}").`,
        range,
      );
    },
  };
  return evaluateExpr(e, { resolver, scope: undefined, fn, refs: undefined }, (d) =>
    diagnostics.push({ ...d, phase: 'evaluate' }),
  );
}

export { isPrimitiveType };
