import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { importFiles } from '../../src/estate/importers/index.js';
import type { Snapshot } from '../../src/estate/model.js';
import {
  filesUnder,
  fixtures,
  haveSharedData,
  readTexts,
  sharedData,
  unwrapRecordings,
} from '../fixtures/estate/shared-data.js';
import { startTestServer, testConfig } from '../helpers/server.js';
import { generatePki, startTlsServer, type TestPki, type TlsTestServer } from '../helpers/tls-certs.js';
import {
  PageWatch,
  apiRequest,
  apiSession,
  chromiumAvailability,
  ensureDashboardBuilt,
  launchChromium,
} from './browser.js';

const chromium = chromiumAvailability();
const have = haveSharedData('estate dashboard browser tests');
const SHOTS = '/tmp/opsdeck-shots';
const ADMIN = 'admin';
const AUTHOR = { username: 'ada-author', password: 'author-password-e2e-1', role: 'approver' };
const APPROVER = { username: 'bob-approver', password: 'approver-password-e2e-1', role: 'approver' };
const VIEWER = { username: 'vic-viewer', password: 'viewer-password-e2e-1', role: 'viewer' };

const DAY = 86_400_000;
/** expect.poll waits 1 s by default; the machine is shared and the search is debounced. */
const POLL = { timeout: 15_000 };

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

interface SnapshotView {
  id: string;
  coverage: { pct: number | null; managed: number; unmanaged: number; missing: number };
  tags: { compliancePct: number; spendCompliancePct: number | null };
  waste: { findings: number; monthlySaving: number; byCategory: Record<string, { monthlySaving: number }> };
  cost: { byOwner: Array<{ key: string; cost: number }> } | null;
}

interface ResourceView {
  key: string;
  id: string;
  type: string;
  name: string | null;
  arn: string | null;
  address: string | null;
  tags: Record<string, string>;
  missingTags: string[];
  compliant: boolean;
}

/** What the explorer's search looks in (lower-cased). */
const searchText = (r: ResourceView) =>
  [r.id, r.name, r.arn, r.address, ...Object.entries(r.tags).map(([k, v]) => `${k}=${v}`)]
    .filter((x) => x !== null)
    .join(' ')
    .toLowerCase();

/**
 * Two snapshots built with the real importer from the recorded AWS responses in ../shared/data:
 * an older one with part of the estate and no billing data, and a recent one with every recording,
 * Terraform state, the Azure and GCP exports and the FOCUS sample.
 */
function snapshots(): [Snapshot, Snapshot] {
  const older = importFiles(
    readTexts([
      ...filesUnder(
        unwrapRecordings(['test_ebs_instance_filter', 'test_eip_used_by', 'test_s3_get_resources']),
      ),
      path.join(fixtures, 'v3.tfstate'),
    ]),
    new Date(Date.now() - 3 * DAY).toISOString(),
  );
  const recent = importFiles(
    readTexts([
      ...filesUnder(unwrapRecordings()),
      path.join(fixtures, 'v3.tfstate'),
      path.join(fixtures, 'azure-graph.json'),
      path.join(fixtures, 'gcp-assets.jsonl'),
      path.join(fixtures, 'acm-list-certificates.json'),
      path.join(fixtures, 'acm-describe-certificate.json'),
      path.join(sharedData, 'tfstate/aws_ec2_ebs_volume.tfstate'),
      path.join(sharedData, 'tfstate/aws_ec2_instance.tfstate'),
      path.join(sharedData, 'focus/focus_sample.csv'),
    ]),
    new Date(Date.now() - DAY / 4).toISOString(),
  );
  return [older, recent];
}

/** How the overview prints a percentage (one decimal at most). */
const pct = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v * 10) / 10}%`);
const usd = (v: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 }).format(v);

describe.skipIf(!chromium.available || !have)(
  'the Estate pages in a real browser',
  { timeout: 120_000 },
  () => {
    let server: TestServer;
    let browser: Browser;
    let context: BrowserContext | undefined;
    let watch: PageWatch | undefined;
    let adminCookie = '';
    let pki: TestPki | undefined;
    let tlsServer: TlsTestServer | undefined;

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      ensureDashboardBuilt();
      // A certificate that expires in 10 days (the 14-day "warning" band), signed by a test CA the server trusts.
      pki = await generatePki([{ name: 'soon', dns: ['soon.opsdeck.test'], days: 10 }]);
      tlsServer = await startTlsServer(pki.certs['soon']!);
      server = await startTestServer({
        dialect: 'sqlite',
        config: { certs: { ...testConfig().certs, caFile: pki.caFile } },
      });
      browser = await launchChromium();
      adminCookie = await login(ADMIN, server.adminPassword);
      for (const u of [AUTHOR, APPROVER, VIEWER]) {
        const res = await call('POST', '/api/users', adminCookie, u);
        expect(res.status, await res.clone().text()).toBe(201);
      }
    }, 240_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await tlsServer?.close();
      await pki?.cleanup();
    });

    let problems: string[] = [];

    /** Closes the current browser profile, keeping what its page reported. */
    async function closePage(): Promise<void> {
      if (watch) problems.push(...(await watch.collect()));
      await context?.close();
      context = undefined;
      watch = undefined;
    }

    afterEach(async () => {
      await closePage();
      const seen = problems;
      problems = [];
      expect(seen, 'console errors, exceptions, CSP violations or unexpected HTTP errors').toEqual([]);
    });

    async function login(username: string, password: string): Promise<string> {
      return apiSession(server.baseUrl, username, password);
    }

    async function call(method: string, urlPath: string, cookie: string, body?: unknown): Promise<Response> {
      return apiRequest(server.baseUrl, method, urlPath, cookie, body);
    }

    /** A fresh browser profile signed in as `username` (the cookie comes from the real login API). */
    async function openAs(username: string, password: string): Promise<Page> {
      await closePage();
      context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1400, height: 900 } });
      context.setDefaultTimeout(15_000);
      const cookie = await login(username, password);
      const eq = cookie.indexOf('=');
      await context.addCookies([
        { name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: server.baseUrl },
      ]);
      const page = await context.newPage();
      watch = await PageWatch.attach(page);
      return page;
    }

    it('tells how to push a snapshot while the server has none', async () => {
      const page = await openAs(ADMIN, server.adminPassword);
      await page.goto('/estate');
      const empty = page.getByTestId('estate-empty');
      await empty.waitFor();
      expect(await empty.innerText()).toContain('opsdeck estate push --server');
      await page.screenshot({ path: `${SHOTS}/estate-empty.png`, fullPage: true });
    });

    it('shows the latest figures and draws the trend, waste and cost charts', async () => {
      for (const snap of snapshots()) {
        const res = await call('POST', '/api/estate/snapshots', adminCookie, snap);
        expect(res.status, await res.clone().text()).toBe(201);
      }
      const summary = (await (await call('GET', '/api/estate/summary', adminCookie)).json()) as {
        snapshot: SnapshotView;
        previous: SnapshotView | null;
      };
      const latest = summary.snapshot;
      expect(summary.previous).not.toBeNull();
      expect(latest.waste.findings).toBeGreaterThan(0);
      expect(latest.cost?.byOwner.length).toBeGreaterThan(0);

      const page = await openAs(ADMIN, server.adminPassword);
      await page.goto('/estate');
      await page.getByTestId('estate-figures').waitFor();
      expect(await page.getByTestId('stat-coverage-value').innerText()).toBe(pct(latest.coverage.pct));
      expect(await page.getByTestId('stat-coverage').innerText()).toContain(
        `${latest.coverage.managed} managed, ${latest.coverage.unmanaged} unmanaged, ${latest.coverage.missing} missing`,
      );
      expect(await page.getByTestId('stat-tags-value').innerText()).toBe(pct(latest.tags.compliancePct));
      expect(await page.getByTestId('stat-tags-spend').innerText()).toBe(pct(latest.tags.spendCompliancePct));
      expect(await page.getByTestId('stat-waste-value').innerText()).toBe(
        `${usd(latest.waste.monthlySaving)}/mo`,
      );
      expect(await page.getByTestId('stat-cost-value').innerText()).toMatch(/^\$[\d,]+(\.\d+)?$/);

      // Two snapshots: each line of the trend chart has two dots.
      const trends = page.getByTestId('chart-trends');
      await trends.locator('svg.recharts-surface').first().waitFor();
      await expect.poll(() => trends.locator('.recharts-line-curve').count(), POLL).toBeGreaterThanOrEqual(2);
      const dotGroups = trends.locator('.recharts-line-dots');
      expect(await dotGroups.count()).toBeGreaterThanOrEqual(2);
      expect(await dotGroups.first().locator('.recharts-dot').count()).toBe(2);

      // recharts draws no rectangle for a $0 bar (a category whose findings have no price).
      const categories = Object.values(latest.waste.byCategory).filter((c) => c.monthlySaving > 0).length;
      const waste = page.getByTestId('chart-waste');
      await waste.locator('svg.recharts-surface').first().waitFor();
      await expect.poll(() => waste.locator('.recharts-bar-rectangle').count(), POLL).toBe(categories);

      const owners = page.getByTestId('chart-owners');
      await owners.locator('svg.recharts-surface').first().waitFor();
      await expect
        .poll(() => owners.locator('.recharts-pie-sector').count(), POLL)
        .toBe(Math.min(latest.cost!.byOwner.filter((o) => o.cost > 0).length, 8));
      await page.screenshot({ path: `${SHOTS}/estate-overview.png`, fullPage: true });
    });

    it('finds a resource by search and shows its tags with the missing keys marked', async () => {
      const list = (await (await call('GET', '/api/estate/resources?limit=500', adminCookie)).json()) as {
        items: ResourceView[];
      };
      // A tagged resource that misses a required tag, and whose id no other resource's text contains.
      const target = list.items.find(
        (r) =>
          !r.compliant &&
          r.missingTags.length > 0 &&
          Object.keys(r.tags).length > 0 &&
          list.items.filter((o) => searchText(o).includes(r.id.toLowerCase())).length === 1,
      );
      expect(target, 'a tagged non-compliant resource with a unique id').toBeDefined();
      const r = target!;

      const page = await openAs(ADMIN, server.adminPassword);
      await page.goto('/estate/resources');
      const table = page.getByRole('table', { name: 'Resources' });
      await table.waitFor();
      await page.getByLabel('Search').fill(r.id);

      const row = table.locator(`tr[data-resource-id="${r.id}"]`);
      await row.waitFor();
      await expect.poll(() => table.locator('tbody tr').count(), POLL).toBe(1);
      await page.screenshot({ path: `${SHOTS}/estate-resources.png`, fullPage: true });

      await row.getByRole('link').first().click();
      await page.waitForURL((u) => u.pathname === `/estate/resources/${r.key}`);
      const tags = page.getByTestId('resource-tags');
      await tags.waitFor();
      const keys = await tags.locator('tbody tr td:nth-child(1)').allInnerTexts();
      const values = await tags.locator('tbody tr td:nth-child(2)').allInnerTexts();
      const states = await tags.locator('tbody tr td:nth-child(3)').allTextContents();
      const shown = new Map(
        keys.map((k, i) => [k.trim(), { value: values[i]?.trim(), state: states[i]?.trim() }]),
      );
      for (const [k, v] of Object.entries(r.tags)) expect(shown.get(k)?.value).toBe(v === '' ? '(empty)' : v);
      for (const k of r.missingTags) expect(shown.get(k)).toEqual({ value: '—', state: 'missing' });
      expect(await tags.locator('tr[data-tag-state="missing"]').count()).toBe(r.missingTags.length);
      await page.getByTestId('resource-findings').waitFor();
      await page.getByTestId('resource-drift').waitFor();
      await page.screenshot({ path: `${SHOTS}/estate-resource-detail.png`, fullPage: true });
    });

    it('keeps the author of a plan from approving it and lets another approver approve it', async () => {
      const authorPage = await openAs(AUTHOR.username, AUTHOR.password);
      await authorPage.goto('/estate/plans');
      const findings = authorPage.getByRole('table', { name: 'Waste findings' });
      await findings.waitFor();
      const boxes = findings.locator('tbody input[type="checkbox"]');
      expect(await boxes.count()).toBeGreaterThan(1);
      await boxes.nth(0).check();
      await boxes.nth(1).check();
      await authorPage.getByLabel('Plan title').fill('Remove idle volumes and addresses');
      await authorPage.getByRole('button', { name: /Create plan from 2 findings/ }).click();
      await authorPage.waitForURL((u) => /^\/estate\/plans\/[^/]+$/.test(u.pathname));
      const planId = decodeURIComponent(new URL(authorPage.url()).pathname.split('/').pop()!);
      const detail = authorPage.getByTestId('plan-detail');
      await detail.waitFor();
      expect(await authorPage.getByTestId('plan-item').count()).toBe(2);
      expect(await authorPage.getByTestId('plan-status').textContent()).toBe('awaiting approval');
      expect(await detail.locator('pre').count()).toBeGreaterThan(0);

      const approve = authorPage.getByRole('button', { name: 'Approve' });
      expect(await approve.isDisabled()).toBe(true);
      expect(await authorPage.getByTestId('approve-blocker').innerText()).toContain('You wrote this plan');
      expect(await authorPage.getByRole('button', { name: 'Reject' }).count()).toBe(0);
      await authorPage.screenshot({ path: `${SHOTS}/estate-plan-author.png`, fullPage: true });

      // The server says the same to the author, whatever the page shows.
      const authorCookie = await login(AUTHOR.username, AUTHOR.password);
      const selfApprove = await call('POST', `/api/estate/plans/${planId}/approve`, authorCookie, {});
      expect(selfApprove.status).toBe(403);
      expect(((await selfApprove.json()) as { error: { code: string } }).error.code).toBe(
        'OPSDECK_E_SELF_APPROVAL',
      );

      // A viewer sees why they cannot approve.
      const viewerPage = await openAs(VIEWER.username, VIEWER.password);
      await viewerPage.goto(`/estate/plans/${planId}`);
      await viewerPage.getByTestId('plan-detail').waitFor();
      expect(await viewerPage.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
      expect(await viewerPage.getByTestId('approve-blocker').innerText()).toContain('estate:approve');

      const approverPage = await openAs(APPROVER.username, APPROVER.password);
      await approverPage.goto('/estate/plans');
      await approverPage
        .getByRole('table', { name: 'Decommission plans' })
        .getByRole('link', { name: 'Remove idle volumes and addresses' })
        .click();
      await approverPage.getByTestId('plan-detail').waitFor();
      await approverPage.getByLabel('Note (optional)').fill('Checked with the owners');
      await approverPage.getByRole('button', { name: 'Approve' }).click();
      await approverPage.getByTestId('plan-status').getByText('approved', { exact: true }).waitFor();
      expect(await approverPage.getByTestId('plan-decided-by').innerText()).toContain(
        `Approved by ${APPROVER.username}`,
      );
      await approverPage.screenshot({ path: `${SHOTS}/estate-plan-approved.png`, fullPage: true });

      const stored = (await (await call('GET', `/api/estate/plans/${planId}`, adminCookie)).json()) as {
        plan: { status: string; decidedBy: { username: string }; decisionNote: string };
      };
      expect(stored.plan).toMatchObject({
        status: 'approved',
        decidedBy: { username: APPROVER.username },
        decisionNote: 'Checked with the owners',
      });
    });

    it('checks a live TLS endpoint from the certificates tab and lists the ACM certificates of the snapshot', async () => {
      const page = await openAs(ADMIN, server.adminPassword);
      await page.goto('/estate/certificates');
      await page.getByRole('heading', { name: 'Live TLS endpoints' }).waitFor();
      await page.getByLabel('Host').fill('127.0.0.1');
      await page.getByLabel('Port').fill(String(tlsServer!.port));
      await page.getByLabel('SNI name (optional)').fill('soon.opsdeck.test');
      await page.getByRole('button', { name: 'Add target' }).click();
      const row = page.locator(`tr[data-target="127.0.0.1:${tlsServer!.port}"]`);
      await row.getByText('never', { exact: true }).waitFor();
      await row.getByRole('button', { name: 'Check now' }).click();
      const badge = row.getByTestId('expiry-badge');
      await expect.poll(() => badge.getAttribute('data-level'), POLL).toBe('warning');

      const api = (await (await call('GET', '/api/certs', adminCookie)).json()) as {
        items: Array<{ latest: { daysToExpiry: number; status: string } | null }>;
        acm: { certificates: Array<{ domain: string; daysToExpiry: number | null }> };
      };
      const days = api.items[0]?.latest?.daysToExpiry;
      expect(days).toBeGreaterThanOrEqual(9);
      expect(days).toBeLessThanOrEqual(10);
      expect(api.items[0]?.latest?.status).toBe('ok');
      expect(await badge.textContent()).toBe(`${days} days`);
      expect(await row.textContent()).toContain('ok');

      expect(api.acm.certificates.length).toBeGreaterThan(0);
      const acm = page.getByRole('table', { name: 'ACM certificates' });
      await acm.waitFor();
      expect(await acm.locator('tbody tr').count()).toBe(api.acm.certificates.length);
      const first = api.acm.certificates[0]!;
      expect(await acm.locator('tbody tr').first().innerText()).toContain(first.domain);
      await page.screenshot({ path: `${SHOTS}/estate-certificates.png`, fullPage: true });
    });
  },
);
