/**
 * The asynchronous half of module loading: reads module directories through the SourceReader,
 * parses them, follows module calls (local paths, and registry/git modules installed under
 * `.terraform/modules/modules.json`), and reads the files the evaluator asked for. Everything the
 * synchronous evaluator needs is in memory afterwards.
 */
import { posix } from 'node:path';
import type { Attribute, Block, Body, Comment, Diagnostic, File, Range } from '../hcl/ast.js';
import { parseTfJson } from '../hcl/json-syntax.js';
import { parseHcl } from '../hcl/parser.js';
import type { SourceReader } from '../source-reader.js';
import type { FileCache } from './function-types.js';

export interface TerraformDiagnostic extends Diagnostic {
  /** Which stage found it: reading files, parsing, or evaluating. */
  phase: 'read' | 'parse' | 'evaluate';
}

export interface SourceFileInfo {
  path: string;
  bytes: number;
  comments: Comment[];
}

/** A parsed module directory: its top-level blocks, by kind. */
export interface ParsedModule {
  dir: string;
  files: SourceFileInfo[];
  variables: Map<string, Block>;
  locals: Map<string, Attribute>;
  outputs: Map<string, Block>;
  /** Managed resources and data sources, by `type.name` / `data.type.name`. */
  resources: Map<string, Block>;
  moduleCalls: Map<string, Block>;
  providers: Block[];
  diagnostics: TerraformDiagnostic[];
}

export function pointRange(file: string): Range {
  const p = { line: 1, column: 1, offset: 0 };
  return { file, start: p, end: p };
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error)
    return (e as NodeJS.ErrnoException).code
      ? `${(e as NodeJS.ErrnoException).code}: ${e.message}`
      : e.message;
  return String(e);
}

const decoder = new TextDecoder('utf-8');

/** Shared between loads (e.g. across the root modules of one scan): parsed modules and read files. */
export class LoadCache {
  readonly modules = new Map<string, Promise<ParsedModule>>();
  readonly files = new Map<string, Uint8Array | null>();
  readonly dirs = new Map<string, string[] | null>();
  /** Milliseconds spent parsing, when a clock was given. */
  parseMs = 0;
}

export function isTerraformFile(name: string): boolean {
  return name.endsWith('.tf') || name.endsWith('.tf.json');
}

function isOverride(name: string): boolean {
  const base = name.replace(/\.tf(\.json)?$/, '');
  return base === 'override' || base.endsWith('_override');
}

export async function loadModuleDir(
  dir: string,
  reader: SourceReader,
  cache: LoadCache,
  now?: () => number,
): Promise<ParsedModule> {
  let p = cache.modules.get(dir);
  if (!p) {
    p = readModuleDir(dir, reader, cache, now);
    cache.modules.set(dir, p);
  }
  return p;
}

async function readModuleDir(
  dir: string,
  reader: SourceReader,
  cache: LoadCache,
  now?: () => number,
): Promise<ParsedModule> {
  const mod: ParsedModule = {
    dir,
    files: [],
    variables: new Map(),
    locals: new Map(),
    outputs: new Map(),
    resources: new Map(),
    moduleCalls: new Map(),
    providers: [],
    diagnostics: [],
  };
  let names: string[];
  try {
    const entries = await reader.readDir(dir);
    names = entries
      .filter((e) => (e.kind === 'file' || e.kind === 'symlink') && isTerraformFile(e.name))
      .map((e) => e.name)
      .sort();
  } catch (e) {
    mod.diagnostics.push({
      severity: 'error',
      phase: 'read',
      summary: 'Failed to read module directory',
      detail: `Module directory ${dir} could not be read (${errorMessage(e)}).`,
      range: pointRange(dir),
    });
    return mod;
  }
  const texts = await Promise.all(
    names.map(async (name) => {
      const path = posix.join(dir, name);
      try {
        return { name, path, text: decoder.decode(await reader.readFile(path)) };
      } catch (e) {
        mod.diagnostics.push({
          severity: 'error',
          phase: 'read',
          summary: 'Failed to read file',
          detail: `The configuration file ${path} could not be read (${errorMessage(e)}).`,
          range: pointRange(path),
        });
        return undefined;
      }
    }),
  );
  const primary: File[] = [];
  const overrides: File[] = [];
  for (const t of texts) {
    if (!t) continue;
    const start = now?.() ?? 0;
    const res = t.name.endsWith('.json') ? parseTfJson(t.text, t.path) : parseHcl(t.text, t.path);
    if (now) cache.parseMs += now() - start;
    for (const d of res.diagnostics) mod.diagnostics.push({ ...d, phase: 'parse' });
    mod.files.push({ path: t.path, bytes: Buffer.byteLength(t.text), comments: res.file.comments });
    (isOverride(t.name) ? overrides : primary).push(res.file);
  }
  for (const f of primary) addBlocks(mod, f.body, false);
  for (const f of overrides) addBlocks(mod, f.body, true);
  return mod;
}

function addBlocks(mod: ParsedModule, body: Body, override: boolean): void {
  for (const b of body.blocks) {
    switch (b.type) {
      case 'variable':
        put(mod, mod.variables, b.labels[0], b, override, 'variable');
        break;
      case 'output':
        put(mod, mod.outputs, b.labels[0], b, override, 'output');
        break;
      case 'module':
        put(mod, mod.moduleCalls, b.labels[0], b, override, 'module call');
        break;
      case 'resource':
        if (b.labels.length >= 2)
          put(mod, mod.resources, `${b.labels[0]}.${b.labels[1]}`, b, override, 'resource');
        break;
      case 'data':
        if (b.labels.length >= 2)
          put(mod, mod.resources, `data.${b.labels[0]}.${b.labels[1]}`, b, override, 'data source');
        break;
      case 'provider':
        if (override) {
          const alias = providerKey(b);
          const i = mod.providers.findIndex((p) => providerKey(p) === alias);
          if (i >= 0) mod.providers[i] = mergeBlock(mod.providers[i] as Block, b);
          else mod.providers.push(b);
        } else mod.providers.push(b);
        break;
      case 'locals':
        for (const a of b.body.attributes) {
          if (!override && mod.locals.has(a.name)) {
            mod.diagnostics.push({
              severity: 'error',
              phase: 'parse',
              summary: 'Duplicate local value definition',
              detail: `A local value named "${a.name}" was already defined. Local value names must be unique within a module.`,
              range: a.nameRange,
            });
          }
          mod.locals.set(a.name, a);
        }
        break;
      default:
        break;
    }
  }
}

/** `aws` or `aws.east`, from a provider block's name label and alias. */
export function providerKey(b: Block): string {
  const alias = b.body.attributes.find((a) => a.name === 'alias');
  const expr = alias?.expr;
  const part =
    expr?.kind === 'Template' && expr.parts.length === 1 && expr.parts[0]?.kind === 'TemplateLiteral'
      ? expr.parts[0].value
      : undefined;
  return part ? `${b.labels[0] ?? ''}.${part}` : (b.labels[0] ?? '');
}

function put(
  mod: ParsedModule,
  map: Map<string, Block>,
  key: string | undefined,
  b: Block,
  override: boolean,
  what: string,
): void {
  if (key === undefined) return;
  const prev = map.get(key);
  if (override) {
    if (prev) map.set(key, mergeBlock(prev, b));
    else {
      mod.diagnostics.push({
        severity: 'error',
        phase: 'parse',
        summary: `Missing base ${what} for override`,
        detail: `There is no ${what} named "${key}". An override file can only override a ${what} that was already defined in a primary configuration file.`,
        range: b.range,
      });
    }
    return;
  }
  if (prev) {
    mod.diagnostics.push({
      severity: 'error',
      phase: 'parse',
      summary: `Duplicate ${what} configuration`,
      detail: `A ${what} named "${key}" was already declared at ${prev.range.file}:${prev.range.start.line},${prev.range.start.column}. Names must be unique per type in each module.`,
      range: b.typeRange,
    });
    return;
  }
  map.set(key, b);
}

/** Terraform's override merge: attributes replace by name; nested blocks of a type in the override replace all of that type. */
function mergeBlock(base: Block, over: Block): Block {
  const attrs = new Map(base.body.attributes.map((a) => [a.name, a]));
  for (const a of over.body.attributes) attrs.set(a.name, a);
  const overTypes = new Set(
    over.body.blocks.map((b) => (b.type === 'dynamic' ? (b.labels[0] ?? '') : b.type)),
  );
  const blocks = [
    ...base.body.blocks.filter((b) => !overTypes.has(b.type === 'dynamic' ? (b.labels[0] ?? '') : b.type)),
    ...over.body.blocks,
  ];
  return { ...base, body: { ...base.body, attributes: [...attrs.values()], blocks } };
}

/** Reads files and lists directories the evaluator requested; a FileCache view over LoadCache. */
export class RequestingFileCache implements FileCache {
  readonly requested = new Map<string, 'file' | 'dir'>();

  constructor(private readonly cache: LoadCache) {}

  read(path: string): Uint8Array | null | undefined {
    return this.cache.files.get(path);
  }

  list(dir: string): string[] | null | undefined {
    return this.cache.dirs.get(dir);
  }

  request(kind: 'file' | 'dir', path: string): void {
    this.requested.set(path, kind);
  }

  /** Reads everything requested since the last call; returns false when there was nothing to read. */
  async fetch(reader: SourceReader): Promise<boolean> {
    if (this.requested.size === 0) return false;
    const todo = [...this.requested];
    this.requested.clear();
    await Promise.all(
      todo.map(async ([path, kind]) => {
        if (kind === 'file') {
          try {
            this.cache.files.set(path, await reader.readFile(path));
          } catch {
            this.cache.files.set(path, null);
          }
        } else {
          this.cache.dirs.set(path, await listFiles(reader, path));
        }
      }),
    );
    return true;
  }
}

async function listFiles(reader: SourceReader, root: string): Promise<string[] | null> {
  const out: string[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > 32) return;
    const entries = await reader.readDir(rel ? posix.join(root, rel) : root);
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.kind === 'file' || e.kind === 'symlink') out.push(r);
      else if (e.kind === 'dir') await walk(r, depth + 1);
    }
  };
  try {
    await walk('', 0);
  } catch {
    return out.length ? out : null;
  }
  return out;
}

/** `.terraform/modules/modules.json`: installed module directories by call path key (`net`, `net.subnets`). */
export async function readModuleManifest(
  rootDir: string,
  reader: SourceReader,
  diagnostics: TerraformDiagnostic[],
): Promise<Map<string, string>> {
  const path = posix.join(rootDir, '.terraform', 'modules', 'modules.json');
  const out = new Map<string, string>();
  let text: string;
  try {
    text = decoder.decode(await reader.readFile(path));
  } catch {
    return out;
  }
  try {
    const json = JSON.parse(text) as { Modules?: Array<{ Key?: unknown; Dir?: unknown }> };
    for (const m of json.Modules ?? []) {
      if (typeof m.Key === 'string' && typeof m.Dir === 'string' && m.Key !== '') {
        out.set(m.Key, posix.resolve(rootDir, m.Dir));
      }
    }
  } catch (e) {
    diagnostics.push({
      severity: 'warning',
      phase: 'read',
      summary: 'Invalid module manifest',
      detail: `${path} is not valid JSON (${errorMessage(e)}); installed modules are not evaluated.`,
      range: pointRange(path),
    });
  }
  return out;
}

export { decoder as utf8Decoder };
