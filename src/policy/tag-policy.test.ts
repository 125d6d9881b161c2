import { describe, expect, it } from 'vitest';
import { unknown } from '../iac/terraform/value.js';
import { missingTags } from './tag-policy.js';
import { makeResource } from './testing.js';

const policy = { required: ['Owner', 'Environment'], caseSensitive: true };

describe('missingTags', () => {
  it('lists required keys absent from the resource tags', () => {
    const r = makeResource({ type: 'aws_s3_bucket', attributes: { tags: { Owner: 'team-a' } } });
    expect(missingTags(r, policy)).toEqual({ missing: ['Environment'], bad: [] });
  });

  it('merges AWS provider default_tags under the resource tags', () => {
    const r = makeResource({
      type: 'aws_s3_bucket',
      attributes: { tags: { Owner: 'team-a' } },
      providerConfig: { region: 'eu-west-1', default_tags: [{ tags: { Environment: 'prod' } }] },
    });
    expect(missingTags(r, policy)).toEqual({ missing: [], bad: [] });
  });

  it.each([
    { caseSensitive: true, missing: ['Owner'] },
    { caseSensitive: false, missing: [] },
  ])(
    'compares keys case-sensitively only when asked (caseSensitive=$caseSensitive)',
    ({ caseSensitive, missing }) => {
      const r = makeResource({ type: 'aws_s3_bucket', attributes: { tags: { owner: 'x' } } });
      expect(missingTags(r, { required: ['Owner'], caseSensitive })).toEqual({ missing, bad: [] });
    },
  );

  it('checks allowed values as literals and /regex/', () => {
    const r = makeResource({
      type: 'aws_s3_bucket',
      attributes: { tags: { Environment: 'qa', Owner: 'bob' } },
    });
    const result = missingTags(r, {
      required: [],
      caseSensitive: true,
      allowed: { Environment: ['prod', 'dev'], Owner: ['/^team-/'] },
    });
    expect(result).toEqual({
      missing: [],
      bad: [
        { key: 'Environment', value: 'qa' },
        { key: 'Owner', value: 'bob' },
      ],
    });
  });

  it('answers unknown when the tags come from a value known only after apply', () => {
    const r = makeResource({ type: 'aws_s3_bucket', attributes: { tags: unknown('data source') } });
    expect(missingTags(r, policy)).toBe('unknown');
  });

  it('reads labels on Google Cloud resources', () => {
    const r = makeResource({
      type: 'google_storage_bucket',
      attributes: { labels: { owner: 'a', environment: 'b' } },
    });
    expect(missingTags(r, { required: ['owner', 'environment'], caseSensitive: true })).toEqual({
      missing: [],
      bad: [],
    });
  });

  it('uses tags_all from plan input', () => {
    const r = makeResource({
      type: 'aws_s3_bucket',
      source: 'plan',
      attributes: { tags: null, tags_all: { Owner: 'x', Environment: 'y' } },
    });
    expect(missingTags(r, policy)).toEqual({ missing: [], bad: [] });
  });
});
