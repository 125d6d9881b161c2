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
import { loadTerraform, type TerraformResult } from './index.js';

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
