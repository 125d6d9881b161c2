import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeSourceReader } from '../src/iac/node-source-reader.js';
import { discoverRootModules, loadTerraform } from '../src/iac/terraform/index.js';
import { evaluateSnippet } from '../src/iac/terraform/testing.js';

const dirs: string[] = [];

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-tfload-'));
  dirs.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
  return dir;
}

afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('discoverRootModules', () => {
  it('returns directories not called as local modules, skipping hidden directories', async () => {
    const dir = await tree({
      'main.tf': 'resource "a_b" "c" {}\n',
      'examples/basic/main.tf': 'module "m" {\n  source = "../../"\n}\n',
      'examples/other/main.tf': 'module "m" {\n  source = "../../modules/sub"\n}\n',
      'modules/sub/main.tf': 'resource "a_b" "d" {}\n',
      'live/prod/main.tf': 'module "r" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n',
      'live/prod/.terraform/modules/r/main.tf': 'resource "a_b" "e" {}\n',
      '.hidden/main.tf': 'resource "a_b" "f" {}\n',
      'docs/readme.md': '# nothing\n',
    });
    const roots = await discoverRootModules(dir, nodeSourceReader);
    expect(roots.map((r) => r.slice(dir.length))).toEqual([
      '/examples/basic',
      '/examples/other',
      '/live/prod',
    ]);
  });

  it('ends on symbolic link loops', async () => {
    const dir = await tree({ 'a/main.tf': 'resource "a_b" "c" {}\n' });
    await symlink(join(dir, 'a'), join(dir, 'a', 'loop'));
    const roots = await discoverRootModules(dir, nodeSourceReader);
    expect(roots).toEqual([join(dir, 'a')]);
  });
});

describe('loading files', () => {
  it('reports an unreadable file and evaluates the others', async () => {
    const dir = await tree({
      'ok.tf': 'resource "a_b" "ok" {}\n',
      'locked.tf': 'resource "a_b" "locked" {}\n',
    });
    await chmod(join(dir, 'locked.tf'), 0o000);
    const r = await loadTerraform(dir, { reader: nodeSourceReader });
    await chmod(join(dir, 'locked.tf'), 0o644);
    // root ignores file modes; then both files are read and nothing is reported.
    const unreadable = r.diagnostics.filter((d) => d.summary === 'Failed to read file');
    const addresses = r.resources.map((x) => x.address);
    expect(addresses).toContain('a_b.ok');
    expect(unreadable.length + addresses.filter((a) => a === 'a_b.locked').length).toBe(1);
  });

  it('reports a dangling symbolic link as an unreadable file', async () => {
    const dir = await tree({ 'ok.tf': 'resource "a_b" "ok" {}\n' });
    await symlink(join(dir, 'missing.tf'), join(dir, 'broken.tf'));
    const r = await loadTerraform(dir, { reader: nodeSourceReader });
    expect(r.resources.map((x) => x.address)).toEqual(['a_b.ok']);
    const d = r.diagnostics.find((x) => x.summary === 'Failed to read file');
    expect(d?.range.file).toBe(join(dir, 'broken.tf'));
    expect(d?.phase).toBe('read');
  });

  it('reads .tf.json files and merges override files', async () => {
    const r = await evaluateSnippet({
      'main.tf':
        'resource "aws_s3_bucket" "b" {\n  bucket = "a"\n  acl    = "private"\n  versioning {\n    enabled = false\n  }\n}\n',
      'main_override.tf':
        'resource "aws_s3_bucket" "b" {\n  acl = "public-read"\n  versioning {\n    enabled = true\n  }\n}\n',
      'extra.tf.json': '{"resource": {"aws_sqs_queue": {"q": {"name": "q-${upper(\\"x\\")}"}}}}',
    });
    const b = r.resources.find((x) => x.address === 'aws_s3_bucket.b');
    expect(b?.attributes).toEqual({ bucket: 'a', acl: 'public-read', versioning: [{ enabled: true }] });
    expect(r.resources.find((x) => x.address === 'aws_sqs_queue.q')?.attributes['name']).toBe('q-X');
  });
});
