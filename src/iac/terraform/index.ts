/**
 * Public API of the Terraform evaluator: load a root module directory into evaluated
 * IacResources, find the root modules of a tree, read plan JSON.
 *
 * @example
 * const result = await loadTerraform('infra/prod', { reader: nodeSourceReader, vars: { env: 'prod' } });
 * for (const r of result.resources) console.log(r.address, r.attributes);
 */
import { posix } from 'node:path';
import { parseHcl } from '../hcl/parser.js';
import type { SourceReader } from '../source-reader.js';
import { evaluateConstant, ModuleInstance, type TerraformResource, type World } from './module.js';
import type { FunctionEnv } from './function-types.js';
import {
  errorMessage,
  isTerraformFile,
  LoadCache,
  loadModuleDir,
  pointRange,
  readModuleManifest,
  RequestingFileCache,
  utf8Decoder,
  type ParsedModule,
  type SourceFileInfo,
  type TerraformDiagnostic,
} from './load.js';
import { isPrimitiveType, type TypeConstraint } from './types.js';
import { Unknown, type Value } from './value.js';

export { readPlanJson } from './plan.js';
export { LoadCache } from './load.js';
export type { TerraformDiagnostic, SourceFileInfo } from './load.js';
export type { TerraformResource } from './module.js';
export { FUNCTION_NAMES } from './functions.js';

export interface LoadTerraformOptions {
  reader: SourceReader;
  /** `-var name=value` values, applied last (highest precedence). */
  vars?: Record<string, string>;
  /** `-var-file` paths in command-line order; relative paths resolve against the root module directory. */
  varFiles?: string[];
  /** Environment for `TF_VAR_*` (pass `process.env` from the CLI). */
  env?: Record<string, string | undefined>;
  /** Monotonic clock in milliseconds for stats; without it the timings are 0. */
  now?: () => number;
  /** Shares parsed modules and read files across loads (one per scan). */
  cache?: LoadCache;
}

export interface TerraformResult {
  resources: TerraformResource[];
  files: SourceFileInfo[];
  diagnostics: TerraformDiagnostic[];
  stats: { files: number; bytes: number; parseMs: number; evalMs: number };
}

const MAX_FILE_ROUNDS = 4;

/** Loads and evaluates the root module in `dir` and every module it calls. Never throws for bad input. */
export async function loadTerraform(dir: string, opts: LoadTerraformOptions): Promise<TerraformResult> {
  const { reader } = opts;
  const now = opts.now;
  const cache = opts.cache ?? new LoadCache();
  const parse0 = cache.parseMs;
  const rootDir = posix.resolve(dir);
  const diagnostics: TerraformDiagnostic[] = [];
  const modules = new Map<string, ParsedModule>();
  const callTargets = new Map<string, string | null>();
  const root = await loadModuleDir(rootDir, reader, cache, now);
  modules.set(rootDir, root);
  const manifest = await readModuleManifest(rootDir, reader, diagnostics);

  const walk = async (mod: ParsedModule, key: string[], stack: string[]): Promise<void> => {
    await Promise.all(
      [...mod.moduleCalls].map(async ([name, block]) => {
        const callKey = [...key, name];
        const src = block.body.attributes.find((a) => a.name === 'source');
        const source =
          src?.expr.kind === 'Template' &&
          src.expr.parts.length === 1 &&
          src.expr.parts[0]?.kind === 'TemplateLiteral'
            ? src.expr.parts[0].value
            : undefined;
        let target: string | undefined;
        if (source === undefined) {
          diagnostics.push({
            severity: 'error',
            phase: 'read',
            summary: 'Invalid module source',
            detail: `Module "${name}" needs a "source" argument that is a literal string.`,
            range: src?.range ?? block.range,
          });
        } else if (source.startsWith('./') || source.startsWith('../') || source === '.' || source === '..') {
          target = posix.resolve(mod.dir, source);
        } else {
          target = manifest.get(callKey.join('.'));
          if (!target) {
            diagnostics.push({
              severity: 'warning',
              phase: 'read',
              summary: 'Module not installed',
              detail: `Module "${callKey.join('.')}" (source "${source}") is not installed: run "terraform init" so .terraform/modules/modules.json maps it to a directory. Its resources are not evaluated and its outputs are unknown.`,
              range: src?.range ?? block.range,
            });
          }
        }
        if (target && stack.includes(target)) {
          diagnostics.push({
            severity: 'error',
            phase: 'read',
            summary: 'Module recursion',
            detail: `Module "${callKey.join('.')}" calls ${target}, which is already being called on this path (${stack.join(' -> ')}).`,
            range: block.range,
          });
          target = undefined;
        }
        if (target && callKey.length > 24) target = undefined;
        callTargets.set(callKey.join('.'), target ?? null);
        if (!target) return;
        const child = await loadModuleDir(target, reader, cache, now);
        modules.set(target, child);
        await walk(child, callKey, [...stack, target]);
      }),
    );
  };
  await walk(root, [], [rootDir]);
  for (const m of modules.values()) diagnostics.push(...m.diagnostics);

  const fileCache = new RequestingFileCache(cache);
  const fnBase = { cwd: rootDir, files: fileCache };
  const fnEnv: FunctionEnv = {
    ...fnBase,
    renderTemplate: () => new Unknown('templatefile is not available in variable values'),
  };
  const inputs = await rootInputs(root, rootDir, opts, fnEnv, diagnostics);

  let world: World | undefined;
  let evalMs = 0;
  for (let round = 0; round < MAX_FILE_ROUNDS; round++) {
    const start = now?.() ?? 0;
    world = { modules, callTargets, rootDir, fn: fnBase, resources: [], diagnostics: [] };
    const inst = new ModuleInstance(world, root, [], [], inputs, new Map(), new Map(), undefined);
    inst.evaluateAll();
    evalMs += (now?.() ?? 0) - start;
    if (!(await fileCache.fetch(reader))) break;
  }
  // A module evaluated once per instance reports the same problem once per instance: keep one.
  const reported = new Set<string>();
  for (const d of world?.diagnostics ?? []) {
    const key = `${d.range.file}:${d.range.start.offset}:${d.range.end.offset}:${d.summary}:${d.detail}`;
    if (reported.has(key)) continue;
    reported.add(key);
    diagnostics.push(d);
  }
  const seen = new Set<string>();
  const files: SourceFileInfo[] = [];
  for (const m of modules.values()) {
    for (const f of m.files) {
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      files.push(f);
    }
  }
  const parseMs = cache.parseMs - parse0;
  return {
    resources: world?.resources ?? [],
    files,
    diagnostics,
    stats: { files: files.length, bytes: files.reduce((a, f) => a + f.bytes, 0), parseMs, evalMs },
  };
}

interface Traced {
  value: Value;
  refs: ReadonlySet<string>;
}

/** Root variable values from every source, in Terraform's precedence (later wins). */
async function rootInputs(
  root: ParsedModule,
  rootDir: string,
  opts: LoadTerraformOptions,
  fn: FunctionEnv,
  diagnostics: TerraformDiagnostic[],
): Promise<Map<string, Traced>> {
  const out = new Map<string, Traced>();
  const types = ModuleInstance.variableTypes(root, (e) => evaluateConstant(e, fn, diagnostics));
  const none: ReadonlySet<string> = new Set();
  const fromString = (name: string, raw: string, where: string): void => {
    const type: TypeConstraint | undefined = types.get(name);
    if (!types.has(name)) return;
    if (isPrimitiveType(type)) {
      out.set(name, { value: raw, refs: none });
      return;
    }
    const res = parseHcl(`v = ${raw}\n`, where);
    const attr = res.file.body.attributes[0];
    if (res.diagnostics.length || !attr) {
      diagnostics.push({
        severity: 'error',
        phase: 'read',
        summary: 'Invalid value for variable',
        detail: `The value given for var.${name} in ${where} is not a valid expression.`,
        range: pointRange(where),
      });
      return;
    }
    out.set(name, { value: evaluateConstant(attr.expr, fn, diagnostics), refs: none });
  };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (k.startsWith('TF_VAR_') && v !== undefined) fromString(k.slice(7), v, `environment variable ${k}`);
  }
  let names: string[] = [];
  try {
    names = (await opts.reader.readDir(rootDir))
      .filter((e) => e.kind === 'file' || e.kind === 'symlink')
      .map((e) => e.name);
  } catch {
    names = [];
  }
  const auto = names.filter((n) => n.endsWith('.auto.tfvars') || n.endsWith('.auto.tfvars.json')).sort();
  const files = [
    ...['terraform.tfvars', 'terraform.tfvars.json']
      .filter((n) => names.includes(n))
      .map((n) => posix.join(rootDir, n)),
    ...auto.map((n) => posix.join(rootDir, n)),
    ...(opts.varFiles ?? []).map((f) => posix.resolve(rootDir, f)),
  ];
  for (const path of files) {
    let text: string;
    try {
      text = utf8Decoder.decode(await opts.reader.readFile(path));
    } catch (e) {
      diagnostics.push({
        severity: 'error',
        phase: 'read',
        summary: 'Failed to read variables file',
        detail: `Given variables file ${path} could not be read (${errorMessage(e)}).`,
        range: pointRange(path),
      });
      continue;
    }
    if (path.endsWith('.json')) {
      try {
        const json = JSON.parse(text) as unknown;
        if (typeof json !== 'object' || json === null || Array.isArray(json))
          throw new Error('the root value must be an object');
        for (const [k, v] of Object.entries(json as Record<string, unknown>))
          out.set(k, { value: jsonValue(v), refs: none });
      } catch (e) {
        diagnostics.push({
          severity: 'error',
          phase: 'parse',
          summary: 'Invalid variables file',
          detail: `${path} is not a valid variables file: ${errorMessage(e)}.`,
          range: pointRange(path),
        });
      }
      continue;
    }
    const res = parseHcl(text, path);
    for (const d of res.diagnostics) diagnostics.push({ ...d, phase: 'parse' });
    for (const a of res.file.body.attributes)
      out.set(a.name, { value: evaluateConstant(a.expr, fn, diagnostics), refs: none });
  }
  for (const [k, v] of Object.entries(opts.vars ?? {})) {
    if (!types.has(k)) {
      diagnostics.push({
        severity: 'error',
        phase: 'read',
        summary: 'Value for undeclared variable',
        detail: `A variable named "${k}" was assigned on the command line, but the root module does not declare a variable of that name.`,
        range: pointRange(rootDir),
      });
      continue;
    }
    fromString(k, v, `-var ${k}`);
  }
  return out;
}

function jsonValue(x: unknown): Value {
  if (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return x;
  if (Array.isArray(x)) return x.map(jsonValue);
  if (typeof x === 'object') {
    const o: Record<string, Value> = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) o[k] = jsonValue(v);
    return o;
  }
  return null;
}

/**
 * Root modules under `dir`: directories holding `.tf`/`.tf.json` files that no other directory
 * in the tree calls as a local module (`source = "./x"` or `"../x"`). Hidden directories
 * (including `.terraform/`) and `node_modules` are skipped; symlinked directories are followed
 * once (by real path). Sorted. Pass the scan's LoadCache (and clock, for parse timing) so the
 * modules parsed here are not parsed again by loadTerraform.
 */
export async function discoverRootModules(
  dir: string,
  reader: SourceReader,
  cache: LoadCache = new LoadCache(),
  now?: () => number,
): Promise<string[]> {
  const moduleDirs: string[] = [];
  const visited = new Set<string>();
  const walk = async (d: string, depth: number): Promise<void> => {
    if (depth > 64) return;
    let real: string;
    try {
      real = await reader.realPath(d);
    } catch {
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let entries;
    try {
      entries = await reader.readDir(d);
    } catch {
      return;
    }
    if (entries.some((e) => (e.kind === 'file' || e.kind === 'symlink') && isTerraformFile(e.name)))
      moduleDirs.push(d);
    const subdirs = entries.filter(
      (e) =>
        (e.kind === 'dir' || e.kind === 'symlink') && !e.name.startsWith('.') && e.name !== 'node_modules',
    );
    await Promise.all(
      subdirs.map(async (e) => {
        if (e.kind === 'symlink' && isTerraformFile(e.name)) return;
        await walk(posix.join(d, e.name), depth + 1);
      }),
    );
  };
  await walk(posix.resolve(dir), 0);
  const called = new Set<string>();
  await Promise.all(
    moduleDirs.map(async (d) => {
      const mod = await loadModuleDir(d, reader, cache, now);
      for (const [name, block] of mod.moduleCalls) {
        void name;
        const src = block.body.attributes.find((a) => a.name === 'source');
        const s =
          src?.expr.kind === 'Template' && src.expr.parts[0]?.kind === 'TemplateLiteral'
            ? src.expr.parts[0].value
            : undefined;
        if (s && (s.startsWith('./') || s.startsWith('../') || s === '.' || s === '..'))
          called.add(posix.resolve(d, s));
      }
    }),
  );
  return moduleDirs.filter((d) => !called.has(d)).sort();
}
