/**
 * Test support for rule authors: evaluate Terraform snippets from strings. Writes the files to a
 * fresh temporary directory and loads it with the real node reader (no mocks).
 *
 * @example
 * const { resources } = await evaluateSnippet({ 'main.tf': 'resource "aws_s3_bucket" "b" {}' });
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { nodeSourceReader } from '../node-source-reader.js';
import { parseHcl } from '../hcl/parser.js';
import type { FileCache, FunctionEnv } from './function-types.js';
import { loadTerraform, type TerraformResult } from './index.js';
import type { TerraformDiagnostic } from './load.js';
import { evaluateConstant } from './module.js';
import { Unknown, type Value } from './value.js';

export interface SnippetOptions {
  vars?: Record<string, string>;
  varFiles?: string[];
  env?: Record<string, string | undefined>;
}

export async function evaluateSnippet(
  files: Record<string, string>,
  opts: SnippetOptions = {},
): Promise<TerraformResult> {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-tf-'));
  try {
    for (const [rel, content] of Object.entries(files)) {
      const path = join(dir, rel);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
    return await loadTerraform(dir, { reader: nodeSourceReader, ...opts });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Evaluates one expression that references nothing but functions (`upper("a")`,
 * `cidrsubnet("10.0.0.0/16", 8, 2)`), as `terraform console` would. File functions see no files.
 */
export function evaluateExpression(source: string): { value: Value; diagnostics: TerraformDiagnostic[] } {
  const diagnostics: TerraformDiagnostic[] = [];
  const res = parseHcl(`v = ${source}\n`, 'expression.tf');
  for (const d of res.diagnostics) diagnostics.push({ ...d, phase: 'parse' });
  const attr = res.file.body.attributes[0];
  if (!attr) return { value: null, diagnostics };
  const files: FileCache = { read: () => null, list: () => null, request: () => undefined };
  const fn: FunctionEnv = {
    cwd: '/',
    files,
    renderTemplate: () => new Unknown('templatefile needs a module'),
  };
  return { value: evaluateConstant(attr.expr, fn, diagnostics), diagnostics };
}
