import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../src/server/logging.js';
import { startTestServer } from '../helpers/server.js';
import type { PageWatch } from './browser.js';
import {
  WatchedPages,
  apiRequest,
  apiSession,
  chromiumAvailability,
  ensureDashboardBuilt,
  launchChromium,
} from './browser.js';

const chromium = chromiumAvailability();
const ADMIN = 'admin';
const VIEWER = { username: 'vera-viewer', password: 'viewer-password-oncall-1' };
const SHOTS = '/tmp/opsdeck-shots';
/** More than one page of the incident list (50). */
const DRILL_INCIDENTS = 62;

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

interface ServiceJson {
  id: string;
  name: string;
  description: string;
  escalationPolicyId: string | null;
  groupBy: string[] | null;
}
interface RuleJson {
  serviceId: string;
  matchers: string[];
  severities: string[] | null;
  sources: string[] | null;
  description: string;
}
interface SilenceJson {
  id: string;
  kind: string;
  matchers: string[];
  comment: string;
  expiredAt: string | null;
  active: boolean;
  timeZone?: string;
  days?: number[] | null;
  start?: string;
  end?: string;
  endsAt?: string;
}
interface IncidentJson {
  id: string;
  number: number;
  title: string;
}

describe.skipIf(!chromium.available)(
  'the on-call configuration pages (services, routing rules, silences) and incident paging in a real browser',
  { timeout: 180_000 },
  () => {
    let server: TestServer;
    let browser: Browser;
    const pages = new WatchedPages({
      browser: () => browser,
      baseUrl: () => server.baseUrl,
      viewport: { width: 1400, height: 900 },
      // Generous: the CI machine is a slow shared 2-core box. Every wait is on an element or a response.
      timeoutMs: 30_000,
    });
    let cookie: string | undefined;
    const logger = createLogger({ level: 'silent' });

    beforeAll(async () => {
      ensureDashboardBuilt();
      mkdirSync(SHOTS, { recursive: true });
      server = await startTestServer({ dialect: 'sqlite' });
      // As `opsdeck serve` does: the inbox processor turns ingested alerts into incidents.
      server.app.opsdeck.background.startAll(logger);
      browser = await launchChromium();
    }, 240_000);

    afterAll(async () => {
      await browser?.close();
      await server?.app.opsdeck.background.stopAll(logger);
      await server?.close();
    });

    const openPage = (): Promise<{ page: Page; watch: PageWatch }> => pages.open();

    afterEach(async () => {
      const problems = await pages.close();
      expect(problems, 'console errors, exceptions, CSP violations or unexpected HTTP errors').toEqual([]);
    });

    async function signInAt(page: Page, target: string, username = ADMIN, password = server.adminPassword) {
      await page.goto(target);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const wanted = new URL(target, server.baseUrl);
      await page.waitForURL((url) => url.pathname === wanted.pathname);
    }

    async function adminApi<T>(
      method: string,
      urlPath: string,
      body?: unknown,
    ): Promise<{ status: number; json: T }> {
      cookie ??= await apiSession(server.baseUrl, ADMIN, server.adminPassword);
      const res = await apiRequest(server.baseUrl, method, urlPath, cookie, body);
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
    }

    /** Waits for the response of one API call the next action makes. */
    function apiResponse(page: Page, method: string, pathname: string) {
      return page.waitForResponse(
        (res) => res.request().method() === method && new URL(res.url()).pathname === pathname,
      );
    }

    async function services(): Promise<ServiceJson[]> {
      return (await adminApi<{ items: ServiceJson[] }>('GET', '/api/services')).json.items;
    }
    async function rules(): Promise<RuleJson[]> {
      return (await adminApi<{ items: RuleJson[] }>('GET', '/api/routing-rules')).json.items;
    }
    async function silences(): Promise<SilenceJson[]> {
      return (await adminApi<{ items: SilenceJson[] }>('GET', '/api/silences?state=all')).json.items;
    }

    it('creates and edits a service in the UI', async () => {
      const me = await adminApi<{ user: { id: string } }>('GET', '/api/me');
      const policy = await adminApi<{ policy: { id: string } }>('POST', '/api/escalation-policies', {
        name: 'Payments primary',
        steps: [{ targets: [{ type: 'user', id: me.json.user.id }], delayMinutes: 10 }],
        repeat: 1,
      });
      expect(policy.status, JSON.stringify(policy.json)).toBe(201);

      const { page } = await openPage();
      await signInAt(page, '/services');
      await page.getByRole('tab', { name: 'Services' }).waitFor();
      await page.getByTestId('service-row').first().waitFor();

      await page.getByRole('button', { name: 'New service' }).click();
      const dialog = page.getByRole('dialog', { name: 'New service' });
      await dialog.getByRole('textbox', { name: /^Name/ }).fill('Payments');
      await dialog.getByLabel('Description', { exact: true }).fill('Card payments API');
      await dialog.getByLabel('Escalation policy', { exact: true }).click();
      await page.getByRole('option', { name: 'Payments primary', exact: true }).click();
      const groupBy = dialog.getByLabel('Group alerts by labels', { exact: true });
      await groupBy.fill('cluster');
      await groupBy.press('Enter');
      await groupBy.fill('alertname');
      await groupBy.press('Enter');
      const created = apiResponse(page, 'POST', '/api/services');
      await dialog.getByRole('button', { name: 'Save service' }).click();
      expect((await created).status()).toBe(201);
      await dialog.waitFor({ state: 'detached' });

      const row = page.getByTestId('service-row').filter({ hasText: 'Payments' });
      await row.getByText('Payments primary').waitFor();
      await row.getByText('cluster', { exact: true }).waitFor();
      await row.getByText('alertname', { exact: true }).waitFor();
      let payments = (await services()).find((s) => s.name === 'Payments');
      expect(payments).toMatchObject({
        description: 'Card payments API',
        escalationPolicyId: policy.json.policy.id,
        groupBy: ['cluster', 'alertname'],
      });

      await page.locator('.mantine-Modal-overlay').waitFor({ state: 'detached' });
      await row.getByRole('button', { name: 'Edit Payments' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit Payments' });
      await edit.getByLabel('Description', { exact: true }).fill('Card payments API (EU)');
      const patched = apiResponse(page, 'PATCH', `/api/services/${payments!.id}`);
      await edit.getByRole('button', { name: 'Save service' }).click();
      expect((await patched).status()).toBe(200);
      await edit.waitFor({ state: 'detached' });
      await row.getByText('Card payments API (EU)').waitFor();
      payments = (await services()).find((s) => s.name === 'Payments');
      expect(payments?.description).toBe('Card payments API (EU)');
      await page.screenshot({ path: `${SHOTS}/oncall-services.png`, fullPage: true });
    });

    it('adds, refuses, edits, reorders and deletes routing rules in the UI', async () => {
      const payments = (await services()).find((s) => s.name === 'Payments');
      expect(payments, 'the service of the previous test').toBeDefined();
      const { page, watch: w } = await openPage();
      w.expect('PUT', '/api/routing-rules', 400);
      await signInAt(page, '/routing');
      await page.getByTestId('routing-default').waitFor();
      const ruleRows = page.getByTestId('routing-rule');

      // 1: a rule with matchers and a severity.
      await page.getByRole('button', { name: 'Add rule' }).click();
      let dialog = page.getByRole('dialog', { name: 'New routing rule' });
      await dialog
        .getByLabel('Label matchers', { exact: true })
        .fill('service="payments"\nenv=~"prod|staging"');
      await dialog.getByLabel(/^Send to service/).click();
      await page.getByRole('option', { name: 'Payments', exact: true }).click();
      await dialog.getByLabel('Description', { exact: true }).fill('Payments production');
      // The pill container over the MultiSelect's inner input takes the click (and opens it).
      await dialog.getByLabel('Severities', { exact: true }).click({ force: true });
      await page.getByRole('option', { name: 'critical', exact: true }).click();
      await page.keyboard.press('Tab');
      let put = apiResponse(page, 'PUT', '/api/routing-rules');
      await dialog.getByRole('button', { name: 'Save rule' }).click();
      expect((await put).status()).toBe(200);
      await dialog.waitFor({ state: 'detached' });
      await ruleRows.filter({ hasText: 'service="payments"' }).waitFor();
      expect(await rules()).toEqual([
        {
          id: expect.any(String) as unknown,
          serviceId: payments!.id,
          matchers: ['service="payments"', 'env=~"prod|staging"'],
          severities: ['critical'],
          sources: null,
          description: 'Payments production',
        },
      ]);

      // 2: a bad regular expression is refused; the form shows the server's code and pointer.
      await page.locator('.mantine-Modal-overlay').waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Add rule' }).click();
      dialog = page.getByRole('dialog', { name: 'New routing rule' });
      await dialog.getByLabel('Label matchers', { exact: true }).fill('alertname=~"DiskFull("');
      await dialog.getByLabel(/^Send to service/).click();
      await page.getByRole('option', { name: 'Payments', exact: true }).click();
      put = apiResponse(page, 'PUT', '/api/routing-rules');
      await dialog.getByRole('button', { name: 'Save rule' }).click();
      expect((await put).status()).toBe(400);
      const alert = dialog.getByRole('alert').filter({ hasText: 'Routing rule not saved' });
      await alert.getByText('OPSDECK_E_VALIDATION').waitFor();
      await alert.getByText('/body/rules/1/matchers/0', { exact: true }).waitFor();
      await dialog.getByText(/^line 1: /).waitFor();
      await page.screenshot({ path: `${SHOTS}/oncall-routing-error.png`, fullPage: true });
      expect(await rules()).toHaveLength(1);

      // ... and saved once fixed.
      await dialog.getByLabel('Label matchers', { exact: true }).fill('alertname="DiskFull"');
      put = apiResponse(page, 'PUT', '/api/routing-rules');
      await dialog.getByRole('button', { name: 'Save rule' }).click();
      expect((await put).status()).toBe(200);
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => ruleRows.count()).toBe(2);
      expect((await rules()).map((r) => r.matchers[0])).toEqual([
        'service="payments"',
        'alertname="DiskFull"',
      ]);

      // Edit rule 2: any source but only CloudWatch.
      await page.locator('.mantine-Modal-overlay').waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Edit rule 2' }).click();
      dialog = page.getByRole('dialog', { name: 'Edit routing rule 2' });
      // The pill container over the MultiSelect's inner input takes the click (and opens it).
      await dialog.getByLabel('Sources', { exact: true }).click({ force: true });
      await page.getByRole('option', { name: 'cloudwatch', exact: true }).click();
      await page.keyboard.press('Tab');
      put = apiResponse(page, 'PUT', '/api/routing-rules');
      await dialog.getByRole('button', { name: 'Save rule' }).click();
      expect((await put).status()).toBe(200);
      await dialog.waitFor({ state: 'detached' });
      await ruleRows.nth(1).getByText('cloudwatch').waitFor();
      expect((await rules())[1]).toMatchObject({
        matchers: ['alertname="DiskFull"'],
        sources: ['cloudwatch'],
      });

      // Move rule 2 to the top.
      put = apiResponse(page, 'PUT', '/api/routing-rules');
      await page.getByRole('button', { name: 'Move rule 2 up' }).click();
      expect((await put).status()).toBe(200);
      await ruleRows.first().filter({ hasText: 'alertname="DiskFull"' }).waitFor();
      expect((await rules()).map((r) => r.matchers[0])).toEqual([
        'alertname="DiskFull"',
        'service="payments"',
      ]);
      await page.screenshot({ path: `${SHOTS}/oncall-routing.png`, fullPage: true });

      // Delete the (now first) DiskFull rule.
      await page.getByRole('button', { name: 'Delete rule 1' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete the routing rule?' });
      put = apiResponse(page, 'PUT', '/api/routing-rules');
      await confirm.getByRole('button', { name: 'Delete rule' }).click();
      expect((await put).status()).toBe(200);
      await confirm.waitFor({ state: 'detached' });
      await expect.poll(() => ruleRows.count()).toBe(1);
      expect((await rules()).map((r) => r.matchers)).toEqual([['service="payments"', 'env=~"prod|staging"']]);
    });

    it('creates one-off and recurring silences in the UI, expires one and deletes the other', async () => {
      const { page, watch: w } = await openPage();
      w.expect('POST', '/api/silences', 400);
      await signInAt(page, '/silences');
      await page.getByRole('tab', { name: 'Silences' }).waitFor();
      await page.getByText('No active silences').waitFor();
      const rows = page.getByTestId('silence-row');

      // A one-off silence: first with a matcher the server refuses, then fixed.
      await page.getByRole('button', { name: 'New silence' }).click();
      let dialog = page.getByRole('dialog', { name: 'New silence' });
      const matchers = dialog.getByLabel(/^Label matchers/);
      await matchers.fill('service="payments"\njust-a-word');
      await dialog.getByLabel('Comment', { exact: true }).fill('Payments DB failover');
      let post = apiResponse(page, 'POST', '/api/silences');
      await dialog.getByRole('button', { name: 'Create silence' }).click();
      expect((await post).status()).toBe(400);
      const alert = dialog.getByRole('alert').filter({ hasText: 'Silence not created' });
      await alert.getByText('OPSDECK_E_VALIDATION').waitFor();
      await alert.getByText('/body/matchers/1', { exact: true }).waitFor();
      await dialog.getByText(/^line 2: /).waitFor();
      await matchers.fill('service="payments"');
      post = apiResponse(page, 'POST', '/api/silences');
      await dialog.getByRole('button', { name: 'Create silence' }).click();
      expect((await post).status()).toBe(201);
      await dialog.waitFor({ state: 'detached' });
      const oneOff = rows.filter({ hasText: 'Payments DB failover' });
      await oneOff.getByTestId('silence-state').getByText('active').waitFor();
      const created = (await silences()).find((s) => s.comment === 'Payments DB failover');
      expect(created).toMatchObject({ kind: 'one-off', matchers: ['service="payments"'], active: true });
      // The form's default end: two hours from now.
      const hoursLeft = (Date.parse(created!.endsAt!) - Date.now()) / 3_600_000;
      expect(hoursLeft).toBeGreaterThan(1.5);
      expect(hoursLeft).toBeLessThanOrEqual(2);

      // A recurring window on weekdays, 22:00-06:00 Berlin time.
      await page.locator('.mantine-Modal-overlay').waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'New silence' }).click();
      dialog = page.getByRole('dialog', { name: 'New silence' });
      await dialog
        .locator('label')
        .filter({ hasText: /^Recurring$/ })
        .click();
      await dialog.getByLabel(/^Label matchers/).fill('job="nightly-batch"');
      const zone = dialog.getByLabel(/^Time zone/);
      await zone.click();
      await zone.fill('Europe/Berlin');
      await page.getByRole('option', { name: 'Europe/Berlin', exact: true }).click();
      await dialog.locator('label').filter({ hasText: /^Sat$/ }).click();
      await dialog.locator('label').filter({ hasText: /^Sun$/ }).click();
      await dialog.getByLabel('Comment', { exact: true }).fill('Nightly batch');
      post = apiResponse(page, 'POST', '/api/silences');
      await dialog.getByRole('button', { name: 'Create silence' }).click();
      expect((await post).status()).toBe(201);
      await dialog.waitFor({ state: 'detached' });
      const recurring = (await silences()).find((s) => s.comment === 'Nightly batch');
      expect(recurring).toMatchObject({
        kind: 'recurring',
        matchers: ['job="nightly-batch"'],
        timeZone: 'Europe/Berlin',
        days: [1, 2, 3, 4, 5],
        start: '22:00',
        end: '06:00',
        expiredAt: null,
      });
      // Whether the window is open depends on the time the test runs: the page must agree.
      await page.getByText(/^All \(\d+\)$/).click();
      const nightly = rows.filter({ hasText: 'Nightly batch' });
      await nightly
        .getByTestId('silence-state')
        .getByText(recurring!.active ? 'active' : 'upcoming')
        .waitFor();
      await nightly.getByText('Mon, Tue, Wed, Thu, Fri 22:00–06:00 (Europe/Berlin)').waitFor();
      await page.screenshot({ path: `${SHOTS}/oncall-silences.png`, fullPage: true });

      // Expire the one-off now: it moves to Expired.
      await page.locator('.mantine-Modal-overlay').waitFor({ state: 'detached' });
      await oneOff.getByRole('button', { name: 'Expire now' }).click();
      let confirm = page.getByRole('dialog', { name: 'End the silence now?' });
      post = apiResponse(page, 'POST', `/api/silences/${created!.id}/expire`);
      await confirm.getByRole('button', { name: 'Expire silence' }).click();
      expect((await post).status()).toBe(200);
      await confirm.waitFor({ state: 'detached' });
      await oneOff.getByTestId('silence-state').getByText('expired').waitFor();
      await page.getByText(/^Expired \(\d+\)$/).click();
      await oneOff.waitFor();
      expect(await rows.filter({ hasText: 'Nightly batch' }).count()).toBe(0);
      const expired = (await silences()).find((s) => s.id === created!.id);
      expect(expired?.expiredAt).not.toBeNull();
      expect(expired?.active).toBe(false);

      // Delete the recurring one: it is gone from the API too.
      await page.getByText(/^All \(\d+\)$/).click();
      await page.locator('.mantine-Modal-overlay').waitFor({ state: 'detached' });
      await nightly.getByRole('button', { name: 'Delete' }).click();
      confirm = page.getByRole('dialog', { name: 'Delete the silence?' });
      const del = apiResponse(page, 'DELETE', `/api/silences/${recurring!.id}`);
      await confirm.getByRole('button', { name: 'Delete silence' }).click();
      expect((await del).status()).toBe(200);
      await confirm.waitFor({ state: 'detached' });
      await expect.poll(() => nightly.count()).toBe(0);
      expect((await silences()).map((s) => s.id)).toEqual([created!.id]);
    });

    it('shows a viewer services, routing rules and silences without any write control', async () => {
      const created = await adminApi('POST', '/api/users', { ...VIEWER, role: 'viewer' });
      expect(created.status).toBe(201);
      const { page } = await openPage();
      await signInAt(page, '/services', VIEWER.username, VIEWER.password);
      await page.getByTestId('service-row').filter({ hasText: 'Payments' }).waitFor();
      expect(await page.getByRole('button', { name: 'New service' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^(Edit|Delete)/ }).count()).toBe(0);

      await page.getByRole('tab', { name: 'Routing rules' }).click();
      await page.getByTestId('routing-rule').first().waitFor();
      expect(await page.getByRole('button', { name: 'Add rule' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^(Edit|Delete|Move) rule/ }).count()).toBe(0);

      await page.getByRole('tab', { name: 'Silences' }).click();
      await page.getByText(/^Expired \(1\)$/).click();
      await page.getByTestId('silence-row').first().waitFor();
      expect(await page.getByRole('button', { name: 'New silence' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^(Expire now|Delete)$/ }).count()).toBe(0);
    });

    it(`pages through ${DRILL_INCIDENTS} incidents with the API cursor, keeping the filters in the URL`, async () => {
      // One service grouping by instance, and a rule sending the drill alerts to it: one
      // Alertmanager payload with N alerts then makes N incidents.
      const svc = await adminApi<{ service: { id: string } }>('POST', '/api/services', {
        name: 'Paging drill',
        groupBy: ['instance'],
      });
      expect(svc.status, JSON.stringify(svc.json)).toBe(201);
      const serviceId = svc.json.service.id;
      const existing = (await rules()).map(
        ({ serviceId: s, matchers, severities, sources, description }) => ({
          serviceId: s,
          matchers,
          ...(severities && { severities }),
          ...(sources && { sources }),
          description,
        }),
      );
      const routed = await adminApi('PUT', '/api/routing-rules', {
        rules: [{ serviceId, matchers: ['alertname="PagingDrill"'] }, ...existing],
      });
      expect(routed.status, JSON.stringify(routed.json)).toBe(200);
      const integration = await adminApi<{ integration: { ingestUrl: string }; key: string }>(
        'POST',
        '/api/integrations',
        { name: 'paging-drill', source: 'alertmanager' },
      );
      expect(integration.status).toBe(201);
      const pad = (n: number) => String(n).padStart(2, '0');
      const alerts = Array.from({ length: DRILL_INCIDENTS }, (_, i) => ({
        status: 'firing',
        labels: { alertname: 'PagingDrill', instance: `node-${pad(i + 1)}`, severity: 'warning' },
        annotations: { summary: `paging drill ${pad(i + 1)}` },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.local/graph',
        fingerprint: `d711${pad(i + 1)}00000000aa`,
      }));
      const ingest = await fetch(integration.json.integration.ingestUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${integration.json.key}` },
        body: JSON.stringify({
          receiver: 'opsdeck',
          status: 'firing',
          alerts,
          groupLabels: { alertname: 'PagingDrill' },
          commonLabels: { alertname: 'PagingDrill', severity: 'warning' },
          commonAnnotations: {},
          externalURL: 'http://alertmanager.local',
          version: '4',
          groupKey: '{}:{alertname="PagingDrill"}',
          truncatedAlerts: 0,
        }),
      });
      expect(ingest.status, await ingest.text()).toBe(202);
      const listUrl = `/api/incidents?serviceId=${serviceId}&severity=warning&limit=200`;
      let all: IncidentJson[] = [];
      await expect
        .poll(
          async () => {
            all = (await adminApi<{ items: IncidentJson[] }>('GET', listUrl)).json.items;
            return all.length;
          },
          { timeout: 60_000, interval: 500 },
        )
        .toBe(DRILL_INCIDENTS);

      const { page } = await openPage();
      const target = `/incidents?service=${serviceId}&severity=warning`;
      await signInAt(page, target);
      const rows = page.getByTestId('incident-row');
      await page.getByText('Showing the newest 50 incidents').waitFor();
      expect(await rows.count()).toBe(50);
      const numbers = async () =>
        (await rows.locator('td:first-child').allInnerTexts()).map((t) => Number(t.trim()));
      expect(await numbers()).toEqual(all.slice(0, 50).map((i) => i.number));

      const older = apiResponse(page, 'GET', '/api/incidents');
      await page.getByRole('button', { name: 'Load 50 older' }).click();
      const olderResponse = await older;
      expect(new URL(olderResponse.url()).searchParams.get('cursor')).toBe(String(all[49]!.number));
      await page.getByText(`All ${DRILL_INCIDENTS} matching incidents shown`).waitFor();
      expect(await numbers()).toEqual(all.map((i) => i.number));
      expect(await page.getByRole('button', { name: 'Load 50 older' }).count()).toBe(0);
      const titles = await rows.locator('td:nth-child(2)').allInnerTexts();
      expect(new Set(titles.map((t) => t.trim()))).toEqual(
        new Set(Array.from({ length: DRILL_INCIDENTS }, (_, i) => `paging drill ${pad(i + 1)}`)),
      );
      // Paging never touched the filters in the URL.
      const url = new URL(page.url());
      expect(url.pathname).toBe('/incidents');
      expect(url.searchParams.get('service')).toBe(serviceId);
      expect(url.searchParams.get('severity')).toBe('warning');
      await page.screenshot({ path: `${SHOTS}/incidents-paged.png`, fullPage: true });

      // A filter change starts from the newest page again.
      await page.getByRole('button', { name: /^triggered:/ }).click();
      await page.waitForURL((u) => u.searchParams.get('status') === 'triggered');
      expect(new URL(page.url()).searchParams.get('service')).toBe(serviceId);
      await page.getByText('Showing the newest 50 incidents').waitFor();
      expect(await rows.count()).toBe(50);
    });
  },
);
