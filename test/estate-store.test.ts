import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEstateFinding, NewEstateResource, NewEstateSnapshot } from '../src/store/estate/index.js';
import { openTestStore, testDialects, type TestStore } from './helpers/databases.js';

const dialects = await testDialects();

const snapshot = (takenAt: string): NewEstateSnapshot => ({
  takenAt,
  importedBy: 'user:test',
  source: 'store test',
  counts: { files: 1, resources: 0, stateInstances: 0, metricSeries: 0, costRows: 0, diagnostics: 0 },
  coverage: { pct: 50, managed: 1, unmanaged: 1, missing: 0, ignored: 0, drifted: 0 },
  tags: { compliancePct: 75.5, spendCompliancePct: null, nonCompliant: 1 },
  waste: { findings: 0, monthlySaving: 0.1 + 0.2, byCategory: {} },
  rightsizing: { findings: 0, monthlySaving: 0 },
  cost: null,
  summary: { note: 'ünïcode and "quotes"' },
});

/** More rows than one INSERT takes on either dialect (about 100 on SQLite, 1,200 on PostgreSQL). */
const N = 2_600;

function resources(): NewEstateResource[] {
  return Array.from({ length: N }, (_, i) => ({
    key: `k${String(i).padStart(5, '0')}`,
    provider: 'aws',
    account: i % 2 ? '111111111111' : '222222222222',
    region: 'us-east-1',
    type: i % 3 ? 'aws_ebs_volume' : 'aws_instance',
    id: `r-${i}`,
    arn: null,
    name: i === 7 ? "it's 100%_done\\" : null,
    state: null,
    createdAt: null,
    tags: { Owner: `team-${i % 5}` },
    coverage: i % 4 ? 'managed' : 'unmanaged',
    address: i % 4 ? `aws_ebs_volume.v[${i}]` : null,
    drift: i === 3 ? [{ field: 'size', state: 10, live: 20 }] : [],
    compliant: i % 10 !== 0,
    missingTags: i % 10 ? [] : ['Environment'],
    badTags: [],
    remediation: null,
    owner: `team-${i % 5}`,
    monthlyCost: i % 7 ? i / 100 : null,
    billedCost: null,
    findings: i % 50 ? 0 : 1,
  }));
}

const findings = (): NewEstateFinding[] =>
  Array.from({ length: N / 50 }, (_, j) => ({
    resourceKey: `k${String(j * 50).padStart(5, '0')}`,
    kind: 'waste',
    category: 'unattached-volume',
    resourceType: 'aws_ebs_volume',
    resourceId: `r-${j * 50}`,
    region: 'us-east-1',
    message: 'not attached',
    monthlyCost: j,
    monthlySaving: j,
    evidence: { sizeGiB: j },
  }));

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`estate store on ${dialect}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await openTestStore(dialect);
    });
    afterAll(async () => t?.close());

    it('stores thousands of resources and findings in chunks and reads every one back', async () => {
      const { snapshot: s, findingIds } = await t.store.estate.snapshots.insert(
        snapshot('2026-11-01T00:00:00.000Z'),
        resources(),
        findings(),
      );
      expect(findingIds).toHaveLength(N / 50);
      expect(s.tags.compliancePct).toBe(75.5);
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t.store.estate.resources.search({
          snapshotId: s.id,
          limit: 500,
          ...(cursor ? { cursor } : {}),
        });
        keys.push(...page.items.map((r) => r.key));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(keys).toEqual(resources().map((r) => r.key));
      const one = await t.store.estate.resources.get(s.id, 'k00003');
      expect(one).toMatchObject({
        drift: [{ field: 'size', state: 10, live: 20 }],
        monthlyCost: 0.03,
        compliant: true,
      });
      const listed = await t.store.estate.findings.list({ snapshotId: s.id });
      expect(listed.map((f) => f.monthlySaving)).toEqual([...Array(N / 50).keys()].reverse());
      expect((await t.store.estate.findings.getMany(findingIds.slice(0, 3))).length).toBe(3);
      const detail = await t.store.estate.snapshots.get(s.id);
      expect(detail?.summary).toEqual({ note: 'ünïcode and "quotes"' });
    });

    it('searches literally: % and _ and backslashes in the query match only themselves', async () => {
      const latest = await t.store.estate.snapshots.latest();
      const search = (q: string) =>
        t.store.estate.resources.search({ snapshotId: latest?.id ?? '', q, limit: 10 });
      expect((await search('100%_DONE\\')).items.map((r) => r.id)).toEqual(['r-7']);
      expect((await search('%')).items.map((r) => r.id)).toEqual(['r-7']);
      expect((await search('_d')).items.map((r) => r.id)).toEqual(['r-7']);
      expect((await search('team-3')).items).toHaveLength(10);
      const filtered = await t.store.estate.resources.search({
        snapshotId: latest?.id ?? '',
        type: 'aws_instance',
        coverage: 'unmanaged',
        compliant: false,
        account: '222222222222',
        limit: 1000,
      });
      expect(filtered.items.map((r) => r.id)).toEqual(
        resources()
          .filter(
            (r) =>
              r.type === 'aws_instance' &&
              r.coverage === 'unmanaged' &&
              !r.compliant &&
              r.account === '222222222222',
          )
          .map((r) => r.id),
      );
    });

    it('numbers plans in order and lets only one of two racing decisions win', async () => {
      const author = { id: 'u1', username: 'ann' };
      const base = { snapshotId: 's', author, monthlySaving: 1, owners: [], items: [], rollback: 'r' };
      const [a, b] = await Promise.all([
        t.store.estate.plans.create({ ...base, title: 'a' }),
        t.store.estate.plans.create({ ...base, title: 'b' }),
      ]);
      expect([a.number, b.number].sort()).toEqual([1, 2]);
      const by = { id: 'u2', username: 'bob' };
      const results = await Promise.all([
        t.store.estate.plans.decide(a.id, 'draft', { status: 'approved', by, note: null }),
        t.store.estate.plans.decide(a.id, 'draft', { status: 'rejected', by, note: null }),
      ]);
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });
  });
}
