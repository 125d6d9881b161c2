import { describe, expect, it } from 'vitest';
import { gcpRules } from './index.js';

describe('the GCP rule pack', () => {
  const metas = gcpRules.map((r) => r.meta);

  it('has at least 22 rules with unique OPS-GCP ids for the gcp provider', () => {
    expect(metas.length).toBeGreaterThanOrEqual(22);
    const ids = metas.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(metas.filter((m) => !/^OPS-GCP-[A-Z]+-\d{3}$/.test(m.id) || m.provider !== 'gcp')).toEqual([]);
  });

  it('covers the five baseline families plus resilience', () => {
    const families = new Set(metas.map((m) => m.family));
    for (const f of [
      'tagging',
      'encryption',
      'logging',
      'public-exposure',
      'least-privilege',
      'resilience',
    ]) {
      expect(families).toContain(f);
    }
  });

  it('checks google resource types only and links registry or Google Cloud documentation', () => {
    expect(metas.filter((m) => m.resourceTypes.some((t) => !t.startsWith('google_')))).toEqual([]);
    expect(
      metas.filter(
        (m) => !m.references.some((u) => /^https:\/\/(registry\.terraform\.io|cloud\.google\.com)\//.test(u)),
      ),
    ).toEqual([]);
  });
});
