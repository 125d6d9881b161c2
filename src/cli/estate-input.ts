/** File access for `opsdeck estate`: the domain takes texts, this module reads them. */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpsdeckError } from '../core/errors.js';
import type { ImportInput } from '../estate/importers/index.js';
import type { Json } from '../estate/model.js';
import { buildCatalog, type PriceCatalog } from '../estate/pricing.js';
import type { Diagnostic } from '../estate/model.js';

/** Extensions read when a directory is given (files named explicitly are always read). */
export const ESTATE_EXTENSIONS = ['.json', '.tfstate', '.csv', '.jsonl', '.ndjson'];

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      await walk(p, out);
    } else if (e.isFile() && ESTATE_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push(p);
  }
}

function ioError(p: string, e: unknown): OpsdeckError {
  const msg = e instanceof Error ? e.message : String(e);
  return new OpsdeckError('OPSDECK_E_IO', `cannot read ${p}`, [{ path: p, message: msg }]);
}

/** Reads files and directories (recursively) into import inputs, paths shown relative to cwd. */
export async function readInputs(paths: readonly string[], cwd: string): Promise<ImportInput[]> {
  const files: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let st;
    try {
      st = await stat(abs);
    } catch (e) {
      throw ioError(p, e);
    }
    if (st.isDirectory()) await walk(abs, files);
    else files.push(abs);
  }
  const out: ImportInput[] = [];
  for (const f of files) {
    try {
      const rel = path.relative(cwd, f);
      out.push({ path: rel.startsWith('..') ? f : rel || f, text: await readFile(f, 'utf8') });
    } catch (e) {
      throw ioError(f, e);
    }
  }
  return out;
}

/** Repository root (two levels above src/cli or dist/cli). */
function repoRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
}

export function sharedDataDir(env: NodeJS.ProcessEnv): string {
  return env['OPSDECK_SHARED_DATA'] ?? path.resolve(repoRoot(), '../shared/data');
}

/** Loads price files (a directory of *.json or one file) into a catalog. */
export async function loadCatalog(
  pricesPath: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ catalog: PriceCatalog; diagnostics: Diagnostic[]; source: string }> {
  const src = pricesPath ? path.resolve(cwd, pricesPath) : path.join(sharedDataDir(env), 'prices');
  let files: string[];
  try {
    const st = await stat(src);
    files = st.isDirectory()
      ? (await readdir(src))
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => path.join(src, f))
      : [src];
  } catch (e) {
    if (!pricesPath) {
      return { ...buildCatalog([]), source: `(none: ${src} not found; costs are reported as n/a)` };
    }
    throw ioError(pricesPath, e);
  }
  const docs: Array<{ file: string; doc: Json }> = [];
  for (const f of files) {
    let text: string;
    try {
      text = await readFile(f, 'utf8');
    } catch (e) {
      throw ioError(f, e);
    }
    try {
      docs.push({ file: f, doc: JSON.parse(text) as Json });
    } catch (e) {
      throw new OpsdeckError('OPSDECK_E_IO', `price file ${f} is not valid JSON`, [
        { path: f, message: e instanceof Error ? e.message : String(e) },
      ]);
    }
  }
  return { ...buildCatalog(docs), source: src };
}
