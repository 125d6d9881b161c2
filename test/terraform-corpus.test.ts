import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeSourceReader } from '../src/iac/node-source-reader.js';
import {
  discoverRootModules,
  LoadCache,
  loadTerraform,
  type TerraformResult,
} from '../src/iac/terraform/index.js';
import { isUnknown } from '../src/iac/terraform/value.js';

const shared = process.env['OPSDECK_SHARED_DATA'] ?? resolve(import.meta.dirname, '../../shared/data');
const tarball = resolve(shared, 'terraform-corpus.tar.gz');
const available = existsSync(tarball);
if (!available) {
  if (process.env['CI'] === 'true') throw new Error(`shared data missing: ${tarball}`);
  console.warn(`skipping the Terraform corpus tests: ${tarball} not found`);
}

describe.skipIf(!available)('the real-world Terraform corpus', () => {
  let dir = '';
  let roots: string[] = [];
  const results = new Map<string, TerraformResult>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opsdeck-corpus-'));
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    const cache = new LoadCache();
    const now = () => performance.now();
    roots = await discoverRootModules(dir, nodeSourceReader, cache, now);
    let evalMs = 0;
    for (const root of roots) {
      const r = await loadTerraform(root, { reader: nodeSourceReader, cache, now });
      evalMs += r.stats.evalMs;
      results.set(root.slice(dir.length + 1), r);
    }
    console.log(
      `corpus: ${roots.length} root modules, parse ${cache.parseMs.toFixed(0)} ms, evaluate ${evalMs.toFixed(0)} ms`,
    );
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds the examples as root modules and not the modules they call', () => {
    const rel = roots.map((r) => r.slice(dir.length + 1));
    expect(rel).toContain('terraform-aws-s3-bucket/examples/complete');
    expect(rel).toContain('terraform-aws-vpc/examples/simple');
    expect(rel).toContain('terragoat/terraform/aws');
    expect(rel).not.toContain('terraform-aws-s3-bucket');
    expect(rel).not.toContain('terraform-aws-vpc');
    expect(rel).not.toContain('terraform-aws-iam/modules/iam-role');
  });

  it('evaluates every root module without an internal error', () => {
    expect(results.size).toBe(roots.length);
    for (const [root, r] of results) {
      for (const d of r.diagnostics) expect(d.summary, root).not.toMatch(/internal/i);
      expect(r.stats.files, root).toBeGreaterThan(0);
    }
  });

  it('expands the s3-bucket complete example through the module, count and for_each', () => {
    const r = results.get('terraform-aws-s3-bucket/examples/complete')!;
    const addresses = r.resources.map((x) => x.address);
    expect(addresses).toEqual(
      expect.arrayContaining([
        'aws_kms_key.objects',
        'module.log_bucket.aws_s3_bucket.this[0]',
        'module.s3_bucket.aws_s3_bucket.this[0]',
        'module.s3_bucket.aws_s3_bucket_versioning.this[0]',
        'module.s3_bucket.aws_s3_bucket_server_side_encryption_configuration.this[0]',
        'module.s3_bucket.aws_s3_bucket_public_access_block.this[0]',
        'module.s3_bucket.aws_s3_bucket_intelligent_tiering_configuration.this["documents"]',
        'module.s3_bucket.aws_s3_bucket_metric.this["0"]',
      ]),
    );
    // module "disabled" sets create_bucket = false: no bucket at all.
    expect(addresses.filter((a) => a.startsWith('module.disabled.aws_'))).toEqual([]);
    const versioning = r.resources.find(
      (x) => x.address === 'module.s3_bucket.aws_s3_bucket_versioning.this[0]',
    )!;
    expect(versioning.attributes['versioning_configuration']).toEqual([
      { mfa_delete: 'Disabled', status: 'Enabled' },
    ]);
    expect(versioning.references.get('bucket')).toEqual(['module.s3_bucket.aws_s3_bucket.this']);
    const sse = r.resources.find(
      (x) => x.address === 'module.s3_bucket.aws_s3_bucket_server_side_encryption_configuration.this[0]',
    )!;
    const rule = (sse.attributes['rule'] as Array<Record<string, unknown>>)[0]!;
    const apply = (rule['apply_server_side_encryption_by_default'] as Array<Record<string, unknown>>)[0]!;
    expect(apply['sse_algorithm']).toBe('aws:kms');
    expect(isUnknown(apply['kms_master_key_id'])).toBe(true);
  });

  it('evaluates terragoat resources with their literal insecure settings', () => {
    const r = results.get('terragoat/terraform/aws')!;
    const bucket = r.resources.find((x) => x.address === 'aws_s3_bucket.data');
    expect(bucket?.attributes['force_destroy']).toBe(true);
    // The name embeds data.aws_caller_identity.current.account_id: known only after apply.
    expect(isUnknown(bucket?.attributes['bucket'])).toBe(true);
    expect(r.resources.length).toBeGreaterThan(40);
  });
});
