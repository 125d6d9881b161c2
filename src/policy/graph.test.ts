import { describe, expect, it } from 'vitest';
import { unknown } from '../iac/terraform/value.js';
import { buildGraph } from './graph.js';
import { makeResource } from './testing.js';

describe('IndexedResourceGraph', () => {
  const bucket = makeResource({
    type: 'aws_s3_bucket',
    name: 'b',
    attributes: { bucket: 'logs', id: unknown() },
  });
  const pab = makeResource({
    type: 'aws_s3_bucket_public_access_block',
    name: 'b',
    attributes: { bucket: unknown() },
    references: { bucket: ['aws_s3_bucket.b'] },
  });
  const other = makeResource({ type: 'aws_s3_bucket_versioning', name: 'v', attributes: { bucket: 'logs' } });
  const doc = makeResource({ type: 'aws_iam_policy_document', name: 'p', mode: 'data' });
  const policy = makeResource({
    type: 'aws_iam_policy',
    name: 'p',
    references: { policy: ['data.aws_iam_policy_document.p'] },
  });
  const graph = buildGraph([bucket, pab, other, doc, policy]);

  it('indexes managed resources by type and data sources under data.<type>', () => {
    expect(graph.byType('aws_s3_bucket')).toEqual([bucket]);
    expect(graph.byType('data.aws_iam_policy_document')).toEqual([doc]);
    expect(graph.byType('aws_iam_policy_document')).toEqual([]);
  });

  it('finds resources referencing a target through the given attribute', () => {
    expect(graph.referencing(bucket, 'aws_s3_bucket_public_access_block', 'bucket')).toEqual([pab]);
    expect(graph.referencing(bucket, 'aws_s3_bucket_public_access_block', 'policy')).toEqual([]);
  });

  it('matches by attribute value equal to the target identity (plan input, literal names)', () => {
    expect(graph.referencing(bucket, 'aws_s3_bucket_versioning', 'bucket')).toEqual([other]);
  });

  it('follows references forward, including to data sources', () => {
    expect(graph.referencedBy(policy, 'policy')).toEqual([doc]);
    expect(graph.referencedBy(pab)).toEqual([bucket]);
  });

  it('pairs for_each instances with the same key', () => {
    const b1 = makeResource({ type: 'aws_s3_bucket', name: 'b', address: 'aws_s3_bucket.b["a"]' });
    const b2 = makeResource({ type: 'aws_s3_bucket', name: 'b', address: 'aws_s3_bucket.b["z"]' });
    const p1 = makeResource({
      type: 'aws_s3_bucket_versioning',
      name: 'v',
      address: 'aws_s3_bucket_versioning.v["a"]',
      references: { bucket: ['aws_s3_bucket.b'] },
    });
    const p2 = makeResource({
      type: 'aws_s3_bucket_versioning',
      name: 'v',
      address: 'aws_s3_bucket_versioning.v["z"]',
      references: { bucket: ['aws_s3_bucket.b'] },
    });
    const g = buildGraph([b1, b2, p1, p2]);
    expect(g.referencing(b1, 'aws_s3_bucket_versioning', 'bucket')).toEqual([p1]);
    expect(g.referencedBy(p2, 'bucket')).toEqual([b1, b2]);
  });
});
