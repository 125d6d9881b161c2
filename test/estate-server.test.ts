import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { importFiles } from '../src/estate/importers/index.js';
import type { Snapshot } from '../src/estate/model.js';
import type { EstateReport } from '../src/estate/report.js';
import { testDialects } from './helpers/databases.js';
import { buildTestApp, json, type TestApp } from './helpers/server.js';
import {
  filesUnder,
  fixtures,
  haveSharedData,
  readTexts,
  sharedData,
  unwrapRecordings,
} from './fixtures/estate/shared-data.js';

const dialects = await testDialects();
const have = haveSharedData('estate server tests');

const DAY = 86_400_000;
const T1 = new Date(Date.now() - 2 * DAY).toISOString();
const T2 = new Date(Date.now() - DAY / 2).toISOString();

/** A snapshot of every recorded AWS response, the Azure and GCP exports, state files and the FOCUS sample. */
function realSnapshot(takenAt: string): Snapshot {
  const live = unwrapRecordings();
  const files = [
    ...filesUnder(live),
    path.join(fixtures, 'v3.tfstate'),
    path.join(fixtures, 'azure-graph.json'),
    path.join(fixtures, 'gcp-assets.jsonl'),
    path.join(fixtures, 'acm-list-certificates.json'),
    path.join(fixtures, 'acm-describe-certificate.json'),
    path.join(sharedData, 'tfstate/aws_ec2_ebs_volume.tfstate'),
    path.join(sharedData, 'tfstate/aws_ec2_instance.tfstate'),
    path.join(sharedData, 'focus/focus_sample.csv'),
  ].filter((f) => !f.endsWith('invalid.tfstate'));
  return importFiles(readTexts(files), takenAt);
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** What `opsdeck estate report --format json` says about the same snapshot at its own time. */
async function cliReport(snap: Snapshot): Promise<EstateReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-estate-srv-'));
  writeFileSync(path.join(dir, 'snap.json'), JSON.stringify(snap));
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(
    [
      'node',
      'opsdeck',
      'estate',
      'report',
      '--snapshot',
      'snap.json',
      '--format',
      'json',
      '--now',
      snap.takenAt,
    ],
    { stdout, stderr, cwd: dir, env: { OPSDECK_SHARED_DATA: sharedData } },
  );
  expect(code, stderr.text).toBe(0);
  return JSON.parse(stdout.text) as EstateReport;
}

interface SnapshotBody {
  snapshot: {
    id: string;
    takenAt: string;
    counts: { resources: number };
    coverage: { pct: number | null; managed: number; unmanaged: number; missing: number; drifted: number };
    tags: { compliancePct: number; spendCompliancePct: number | null; nonCompliant: number };
    waste: {
      findings: number;
      monthlySaving: number;
      byCategory: Record<string, { count: number; monthlySaving: number }>;
    };
    rightsizing: { findings: number; monthlySaving: number };
    cost: { total: number; untaggedPct: number | null; byOwner: Array<{ key: string; cost: number }> } | null;
  };
}
interface Resource {
  key: string;
  type: string;
  id: string;
  coverage: string;
  compliant: boolean;
  missingTags: string[];
  tags: Record<string, string>;
  address: string | null;
  findings: number;
  account: string | null;
}
interface ResourcePage {
  snapshotId: string | null;
  items: Resource[];
  nextCursor: string | null;
}
interface Finding {
  id: string;
  category: string;
  kind: string;
  resourceId: string;
  resourceKey: string;
  monthlySaving: number | null;
}
interface Plan {
  id: string;
  number: number;
  status: string;
  monthlySaving: number;
  author: { username: string };
  decidedBy: { username: string } | null;
  items: Array<{
    findingId: string;
    commands: string[];
    terraform: string | null;
    rollback: string;
    owner: string | null;
  }>;
  rollback: string;
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available || !have)(`estate server on ${dialect}`, () => {
    let t: TestApp;
    let admin: string;
    let approver: string;
    let viewer: string;
    let snap1: Snapshot;
    let snap2: Snapshot;
    let first: SnapshotBody['snapshot'];
    let second: SnapshotBody['snapshot'];

    const req = (method: 'GET' | 'POST', url: string, cookie: string, payload?: unknown) =>
      t.app.inject({
        method,
        url,
        headers: t.sessionHeaders(cookie),
        ...(payload === undefined ? {} : { payload: payload as object }),
      });

    beforeAll(async () => {
      t = await buildTestApp({ dialect });
      admin = await t.login('admin', t.adminPassword);
      for (const [username, role] of [
        ['alice', 'approver'],
        ['victor', 'viewer'],
      ] as const) {
        const r = await req('POST', '/api/users', admin, {
          username,
          password: `${username}-password-1`,
          role,
        });
        expect(r.statusCode).toBe(201);
      }
      approver = await t.login('alice', 'alice-password-1');
      viewer = await t.login('victor', 'victor-password-1');
      snap1 = realSnapshot(T1);
      // The second snapshot: a week later, one untagged volume got its tags and one resource is gone.
      snap2 = realSnapshot(T2);
      const untagged = snap2.resources.findIndex(
        (r) => r.type === 'aws_ebs_volume' && !('Owner' in r.tags) && !('owner' in r.tags),
      );
      expect(untagged).toBeGreaterThanOrEqual(0);
      const fixed = snap2.resources[untagged] as Snapshot['resources'][number];
      snap2.resources[untagged] = {
        ...fixed,
        tags: { ...fixed.tags, Owner: 'storage-team', Environment: 'prod' },
      };
      snap2.resources.pop();
    }, 60_000);
    afterAll(async () => t?.close());

    it('answers empty figures before any snapshot is pushed', async () => {
      const s = await req('GET', '/api/estate/summary', viewer);
      expect(s.statusCode).toBe(200);
      expect(json(s)).toEqual({ snapshot: null, previous: null, summary: null });
      const r = await req('GET', '/api/estate/resources', viewer);
      expect(json<ResourcePage>(r)).toEqual({ snapshotId: null, items: [], nextCursor: null });
    });

    it('stores a pushed snapshot with the same figures as the CLI report of it', async () => {
      const res = await req('POST', '/api/estate/snapshots?source=test%20push', admin, snap1);
      expect(res.statusCode, res.body).toBe(201);
      first = json<SnapshotBody>(res).snapshot;
      const cli = await cliReport(snap1);
      expect(first.takenAt).toBe(T1);
      expect(first.coverage).toEqual({
        pct: cli.coverage.coveragePct,
        managed: cli.coverage.counts.managed,
        unmanaged: cli.coverage.counts.unmanaged,
        missing: cli.coverage.counts.missing,
        ignored: cli.coverage.counts.ignored,
        drifted: cli.coverage.drifted,
      });
      expect(first.tags).toEqual({
        compliancePct: cli.tags.compliancePct,
        spendCompliancePct: cli.tags.spendCompliancePct,
        nonCompliant: cli.tags.nonCompliant.length,
      });
      expect(first.waste).toEqual({
        findings: cli.waste.totals.findings,
        monthlySaving: cli.waste.totals.monthlySaving,
        byCategory: cli.waste.totals.byCategory,
      });
      expect(first.waste.monthlySaving).toBeGreaterThan(0);
      expect(first.rightsizing.findings).toBe(cli.rightsizing.length);
      expect(first.cost?.total).toBe(cli.cost?.total);
      expect(first.cost?.byOwner).toEqual(cli.cost?.byOwner);
      expect(first.cost?.untaggedPct).toBe(cli.cost?.untaggedPct);

      const summary = await req('GET', '/api/estate/summary', viewer);
      const body = json<{
        snapshot: { id: string };
        previous: null;
        summary: { inventory: unknown; cost: unknown };
      }>(summary);
      expect(body.snapshot.id).toBe(first.id);
      expect(body.previous).toBeNull();
      expect(body.summary.inventory).toEqual(cli.inventory);
      expect(body.summary.cost).toEqual(cli.cost);

      const audit = await req('GET', '/api/audit?limit=50', admin);
      expect(
        json<{ entries: Array<{ action: string; target: string }> }>(audit).entries.some(
          (e) => e.action === 'estate.snapshot.push' && e.target === `estate-snapshot:${first.id}`,
        ),
      ).toBe(true);
    });

    it('draws trends with one point per snapshot and reports the previous one for deltas', async () => {
      const res = await req('POST', '/api/estate/snapshots', admin, snap2);
      expect(res.statusCode, res.body).toBe(201);
      second = json<SnapshotBody>(res).snapshot;
      expect(second.counts.resources).toBe(first.counts.resources - 1);
      expect(second.tags.compliancePct).toBeGreaterThan(first.tags.compliancePct);

      const trends = json<{
        points: Array<{
          snapshotId: string;
          tagCompliancePct: number;
          coveragePct: number | null;
          wasteMonthly: number;
          wasteByCategory: Record<string, number>;
          costByOwner: unknown[];
        }>;
      }>(await req('GET', '/api/estate/trends?days=30', viewer));
      expect(trends.points.map((p) => p.snapshotId)).toEqual([first.id, second.id]);
      expect(trends.points.map((p) => p.tagCompliancePct)).toEqual([
        first.tags.compliancePct,
        second.tags.compliancePct,
      ]);
      expect(trends.points[0]?.wasteMonthly).toBe(first.waste.monthlySaving);
      expect(Object.keys(trends.points[0]?.wasteByCategory ?? {}).sort()).toEqual(
        Object.keys(first.waste.byCategory).sort(),
      );
      expect(trends.points[0]?.costByOwner.length).toBeGreaterThan(0);
      const none = json<{ points: unknown[] }>(await req('GET', '/api/estate/trends?days=1', viewer));
      expect(none.points).toHaveLength(1);

      const summary = json<{ snapshot: { id: string }; previous: { id: string } }>(
        await req('GET', '/api/estate/summary', viewer),
      );
      expect([summary.snapshot.id, summary.previous.id]).toEqual([second.id, first.id]);
      const older = json<{ snapshot: { id: string }; previous: null }>(
        await req('GET', `/api/estate/summary?snapshot=${first.id}`, viewer),
      );
      expect([older.snapshot.id, older.previous]).toEqual([first.id, null]);
      const list = json<{ items: Array<{ id: string }>; nextCursor: string | null }>(
        await req('GET', '/api/estate/snapshots?limit=1', viewer),
      );
      expect(list.items.map((s) => s.id)).toEqual([second.id]);
      const next = json<{ items: Array<{ id: string }>; nextCursor: string | null }>(
        await req('GET', `/api/estate/snapshots?limit=1&cursor=${list.nextCursor}`, viewer),
      );
      expect([next.items.map((s) => s.id), next.nextCursor]).toEqual([[first.id], null]);
    });

    it('pages the resource explorer with a cursor and filters by type, account, coverage, compliance and search', async () => {
      const all: Resource[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url = `/api/estate/resources?snapshot=${first.id}&limit=7${cursor ? `&cursor=${cursor}` : ''}`;
        const page: ResourcePage = json<ResourcePage>(await req('GET', url, viewer));
        all.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(all).toHaveLength(first.counts.resources);
      expect(new Set(all.map((r) => r.key)).size).toBe(all.length);
      expect(pages).toBe(Math.ceil(all.length / 7));

      const get = async (qs: string) =>
        json<ResourcePage>(
          await req('GET', `/api/estate/resources?snapshot=${first.id}&limit=500&${qs}`, viewer),
        ).items;
      const volumes = await get('type=aws_ebs_volume');
      expect(volumes.length).toBe(all.filter((r) => r.type === 'aws_ebs_volume').length);
      expect(volumes.length).toBeGreaterThan(0);
      const nonCompliant = await get('compliant=false');
      expect(nonCompliant).toHaveLength(first.tags.nonCompliant);
      expect(nonCompliant.every((r) => !r.compliant && r.missingTags.length + 0 >= 0)).toBe(true);
      const managed = await get('managed=true');
      expect(managed).toHaveLength(first.coverage.managed);
      expect(managed.every((r) => r.address !== null)).toBe(true);
      expect(await get('coverage=unmanaged')).toHaveLength(first.coverage.unmanaged);
      const withAccount = all.find((r) => r.account !== null) as Resource;
      expect(
        (await get(`account=${withAccount.account}`)).every((r) => r.account === withAccount.account),
      ).toBe(true);
      const tagged = all.find((r) => Object.keys(r.tags).length > 0) as Resource;
      const [k, v] = Object.entries(tagged.tags)[0] as [string, string];
      const byTag = await get(`q=${encodeURIComponent(`${k}=${v}`.toUpperCase())}`);
      expect(byTag.map((r) => r.key)).toContain(tagged.key);
      const byId = await get(`q=${encodeURIComponent(tagged.id.slice(2, 12))}`);
      expect(byId.map((r) => r.key)).toContain(tagged.key);
      expect(await get('q=%25_nothing-matches_%25')).toEqual([]);

      const bad = await req('GET', '/api/estate/resources?compliant=maybe', viewer);
      expect(bad.statusCode).toBe(400);
      expect(json<{ error: { details: Array<{ path: string }> } }>(bad).error.details[0]?.path).toBe(
        '/querystring/compliant',
      );
    });

    it('shows a resource with its findings and the snapshots it appears in', async () => {
      const waste = json<{ items: Finding[] }>(await req('GET', '/api/estate/waste', viewer));
      const f = waste.items[0] as Finding;
      const res = await req('GET', `/api/estate/resources/${f.resourceKey}`, viewer);
      expect(res.statusCode).toBe(200);
      const body = json<{ resource: Resource; findings: Finding[]; history: Array<{ snapshotId: string }> }>(
        res,
      );
      expect(body.resource.id).toBe(f.resourceId);
      expect(body.findings.map((x) => x.id)).toContain(f.id);
      expect(body.resource.findings).toBe(body.findings.length);
      expect(body.history.map((h) => h.snapshotId)).toEqual([first.id, second.id]);
      const missing = await req('GET', '/api/estate/resources/nope', viewer);
      expect(missing.statusCode).toBe(404);
      expect(json<{ error: { code: string } }>(missing).error.code).toBe('OPSDECK_E_NOT_FOUND');
    });

    it('lists waste by category in dollars and the FOCUS cost by owner', async () => {
      const waste = json<{
        monthlySaving: number;
        byCategory: Array<{ category: string; count: number }>;
        items: Finding[];
      }>(await req('GET', `/api/estate/waste?snapshot=${first.id}&kind=waste`, viewer));
      expect(waste.monthlySaving).toBe(first.waste.monthlySaving);
      expect(Object.fromEntries(waste.byCategory.map((c) => [c.category, c.count]))).toEqual(
        Object.fromEntries(Object.entries(first.waste.byCategory).map(([k, v]) => [k, v.count])),
      );
      const cost = json<{ cost: { total: number; byOwner: unknown[]; byService: unknown[] } }>(
        await req('GET', '/api/estate/cost', viewer),
      );
      expect(cost.cost.total).toBe(second.cost?.total);
      expect(cost.cost.byService.length).toBeGreaterThan(0);
    });

    it('creates a plan from findings that only someone other than its author can approve', async () => {
      const waste = json<{ items: Finding[] }>(
        await req('GET', '/api/estate/waste?kind=waste', viewer),
      ).items;
      const pick = [
        waste.find((f) => f.category === 'unattached-volume'),
        waste.find((f) => f.category === 'unassociated-eip'),
      ].filter((f): f is Finding => f !== undefined);
      expect(pick.length).toBe(2);
      const created = await req('POST', '/api/estate/plans', admin, {
        title: 'Release idle storage and addresses',
        findingIds: pick.map((f) => f.id),
      });
      expect(created.statusCode, created.body).toBe(201);
      const plan = json<{ plan: Plan }>(created).plan;
      expect(plan.status).toBe('draft');
      expect(plan.monthlySaving).toBeCloseTo(
        pick.reduce((a, f) => a + (f.monthlySaving ?? 0), 0),
        2,
      );
      const vol = plan.items[0];
      expect(vol?.commands[0]).toMatch(/^aws ec2 create-snapshot .*--volume-id vol-/);
      expect(vol?.commands.at(-1)).toMatch(/^aws ec2 delete-volume .*--volume-id vol-/);
      expect(plan.items[1]?.commands).toEqual([
        expect.stringMatching(/^aws ec2 release-address .*--allocation-id eipalloc-/),
      ]);
      expect(plan.rollback).toMatch(/Snapshot first/);

      const self = await req('POST', `/api/estate/plans/${plan.id}/approve`, admin, {});
      expect(self.statusCode).toBe(403);
      expect(json<{ error: { code: string } }>(self).error.code).toBe('OPSDECK_E_SELF_APPROVAL');
      const byViewer = await req('POST', `/api/estate/plans/${plan.id}/approve`, viewer, {});
      expect(byViewer.statusCode).toBe(403);
      expect(json<{ error: { code: string } }>(byViewer).error.code).toBe('OPSDECK_E_FORBIDDEN');
      const early = await req('POST', `/api/estate/plans/${plan.id}/complete`, admin, {});
      expect(early.statusCode).toBe(409);

      const ok = await req('POST', `/api/estate/plans/${plan.id}/approve`, approver, {
        note: 'snapshots first',
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(json<{ plan: Plan }>(ok).plan).toMatchObject({
        status: 'approved',
        decidedBy: { username: 'alice' },
      });
      const again = await req('POST', `/api/estate/plans/${plan.id}/reject`, approver, {});
      expect(again.statusCode).toBe(409);
      const done = await req('POST', `/api/estate/plans/${plan.id}/complete`, admin, {});
      expect(json<{ plan: Plan }>(done).plan.status).toBe('completed');

      const list = json<{ items: Plan[] }>(await req('GET', '/api/estate/plans?status=completed', viewer));
      expect(list.items.map((p) => p.id)).toEqual([plan.id]);
      const audit = json<{ entries: Array<{ action: string; actor: string; target: string }> }>(
        await req('GET', '/api/audit?limit=100', admin),
      ).entries.filter((e) => e.target === `estate-plan:${plan.id}`);
      expect(audit.map((e) => `${e.action} ${e.actor}`).reverse()).toEqual([
        'estate.plan.create user:admin',
        'estate.plan.approve user:alice',
        'estate.plan.complete user:admin',
      ]);
    });

    it('rejects plans of unknown findings and lets the approver reject a draft', async () => {
      const bad = await req('POST', '/api/estate/plans', admin, {
        title: 'x',
        findingIds: ['no-such-finding'],
      });
      expect(bad.statusCode).toBe(400);
      expect(json<{ error: { details: Array<{ path: string }> } }>(bad).error.details[0]?.path).toBe(
        '/body/findingIds/0',
      );
      const f = json<{ items: Finding[] }>(await req('GET', '/api/estate/waste', viewer)).items[0] as Finding;
      const plan = json<{ plan: Plan }>(
        await req('POST', '/api/estate/plans', approver, { title: 'one', findingIds: [f.id] }),
      ).plan;
      const rejected = await req('POST', `/api/estate/plans/${plan.id}/reject`, admin, { note: 'not now' });
      expect(json<{ plan: Plan }>(rejected).plan.status).toBe('rejected');
    });

    it('refuses writes to viewers and reports malformed snapshots with JSON pointers', async () => {
      const push = await req('POST', '/api/estate/snapshots', viewer, snap1);
      expect(push.statusCode).toBe(403);
      const plan = await req('POST', '/api/estate/plans', viewer, { title: 'x', findingIds: ['a'] });
      expect(plan.statusCode).toBe(403);
      const bad = await req('POST', '/api/estate/snapshots', admin, {
        version: 1,
        takenAt: 'yesterday',
        resources: [{ provider: 'aws', type: 'aws_ebs_volume', tags: { a: 1 }, attributes: {}, source: {} }],
        managed: 'none',
      });
      expect(bad.statusCode).toBe(400);
      const err = json<{ error: { code: string; details: Array<{ path: string; message: string }> } }>(
        bad,
      ).error;
      expect(err.code).toBe('OPSDECK_E_VALIDATION');
      expect(err.details.map((d) => d.path)).toEqual([
        '/body/takenAt',
        '/body/resources/0/id',
        '/body/resources/0/tags/a',
        '/body/managed',
      ]);
      const list = json<{ items: unknown[] }>(await req('GET', '/api/estate/snapshots', viewer));
      expect(list.items).toHaveLength(2);
    });
  });
}
