import { describe, expect, it } from 'vitest';
import { azureRules } from './index.js';

describe('the Azure rule pack', () => {
  const metas = azureRules.map((r) => r.meta);

  it('has at least 22 rules with unique OPS-AZ ids for the azure provider', () => {
    expect(metas.length).toBeGreaterThanOrEqual(22);
    const ids = metas.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(metas.filter((m) => !/^OPS-AZ-[A-Z]+-\d{3}$/.test(m.id) || m.provider !== 'azure')).toEqual([]);
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

  it('checks azurerm resource types only and links registry or Microsoft documentation', () => {
    expect(metas.filter((m) => m.resourceTypes.some((t) => !t.startsWith('azurerm_')))).toEqual([]);
    expect(
      metas.filter(
        (m) =>
          !m.references.some((u) => /^https:\/\/(registry\.terraform\.io|learn\.microsoft\.com)\//.test(u)),
      ),
    ).toEqual([]);
  });
});
