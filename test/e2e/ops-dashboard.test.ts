import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../src/server/logging.js';
import { actionLink } from '../../src/server/notify/links.js';
import { startTestServer } from '../helpers/server.js';
import type { PageWatch } from './browser.js';
import {
  WatchedPages,
  apiRequest,
  apiSession,
  chromiumAvailability,
  ensureDashboardBuilt,
  launchChromium,
  repoRoot,
} from './browser.js';

const chromium = chromiumAvailability();
const ADMIN = 'admin';
const VIEWER = { username: 'otto-viewer', password: 'viewer-password-ops-1' };
const SHOTS = '/tmp/opsdeck-shots';
const sharedData = process.env['OPSDECK_SHARED_DATA'] ?? path.resolve(repoRoot, '../shared/data');

/** The body Alertmanager 0.25 posted, as captured in ../shared/data/alertmanager. */
function alertmanagerPayload(file: string): unknown {
  const captured = JSON.parse(readFileSync(path.join(sharedData, 'alertmanager', file), 'utf8')) as {
    body: unknown;
  };
  return captured.body;
}

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

interface IncidentJson {
  id: string;
  title: string;
  status: string;
}

describe.skipIf(!chromium.available)(
  'the Alerts & Incidents dashboard in a real browser',
  { timeout: 120_000 },
  () => {
    let server: TestServer;
    let browser: Browser;
    const pages = new WatchedPages({
      browser: () => browser,
      baseUrl: () => server.baseUrl,
      viewport: { width: 1400, height: 900 },
      timeoutMs: 20_000,
    });
    const logger = createLogger({ level: 'silent' });

    beforeAll(async () => {
      ensureDashboardBuilt();
      mkdirSync(SHOTS, { recursive: true });
      server = await startTestServer({
        dialect: 'sqlite',
        // Signs the acknowledge links (otherwise a key file would be created in the data directory).
        config: { secretKey: 'ops-dashboard-e2e-secret-key-0123456789abcdef' },
      });
      // As `opsdeck serve` does after listen: the inbox processor and the job runner run for real,
      // so an ingested alert becomes an incident without the test calling into the server.
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

    async function signIn(page: Page, username: string, password: string): Promise<void> {
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }

    async function signInAt(page: Page, pathname: string, username = ADMIN, password = server.adminPassword) {
      await page.goto(pathname);
      await signIn(page, username, password);
      await page.waitForURL((url) => url.pathname === pathname);
    }

    async function adminCookie(): Promise<string> {
      return apiSession(server.baseUrl, ADMIN, server.adminPassword);
    }

    async function adminApi<T>(
      method: string,
      urlPath: string,
      body?: unknown,
    ): Promise<{ status: number; json: T }> {
      const res = await apiRequest(server.baseUrl, method, urlPath, await adminCookie(), body);
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
    }

    async function sendAlertmanager(ingestUrl: string, key: string, payload: unknown): Promise<void> {
      const res = await fetch(ingestUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(typeof payload === 'string' ? alertmanagerPayload(payload) : payload),
      });
      expect(res.status, await res.text()).toBe(202);
    }

    /** An integration made through the API, and an incident from a real Alertmanager payload. */
    async function incidentThroughApi(payload: unknown, title: string): Promise<IncidentJson> {
      const created = await adminApi<{ integration: { ingestUrl: string }; key: string }>(
        'POST',
        '/api/integrations',
        {
          name: `api-${title.slice(0, 40)}`,
          source: 'alertmanager',
        },
      );
      expect(created.status).toBe(201);
      await sendAlertmanager(created.json.integration.ingestUrl, created.json.key, payload);
      let found: IncidentJson | undefined;
      await expect
        .poll(
          async () => {
            const list = await adminApi<{ items: IncidentJson[] }>('GET', '/api/incidents?limit=200');
            found = list.json.items.find((i) => i.title === title);
            return found !== undefined;
          },
          { timeout: 20_000, interval: 250 },
        )
        .toBe(true);
      return found!;
    }

    it('creates an integration, shows its key once, and turns an Alertmanager payload sent with it into a live incident that is acknowledged, annotated and resolved', async () => {
      const runbook = await adminApi('POST', '/api/runbooks', {
        path: 'checkout/high-error-rate.md',
        content: [
          '---',
          'owner: team-checkout',
          `matchers: ['alertname="HighErrorRate"']`,
          'last_reviewed: 2025-01-06',
          '---',
          '# Checkout 5xx',
          '',
          '1. Check the **last deploy** with `kubectl rollout history deploy/checkout`.',
          '2. Roll back if it is newer than the alert.',
          '',
          'Markup stays text: <img src=x onerror="window.__injected=1">',
        ].join('\n'),
      });
      expect(runbook.status, JSON.stringify(runbook.json)).toBeLessThan(300);
      const { page } = await openPage();
      await signInAt(page, '/integrations');
      await page.getByRole('heading', { name: 'Integrations' }).waitFor();

      await page.getByRole('button', { name: 'New integration' }).click();
      const form = page.getByRole('dialog', { name: 'New integration' });
      await form.getByLabel('Name').fill('prod-alertmanager');
      await form.getByRole('button', { name: 'Create integration' }).click();

      const keyDialog = page.getByRole('dialog', { name: /Ingest key for .prod-alertmanager./ });
      const key = (await keyDialog.getByTestId('ingest-key').innerText()).trim();
      const ingestUrl = (await keyDialog.getByTestId('ingest-url').innerText()).trim();
      expect(key.length).toBeGreaterThan(20);
      expect(ingestUrl).toMatch(new RegExp(`^${server.baseUrl}/api/ingest/alertmanager/\\S+$`));
      const snippet = await keyDialog.getByTestId('config-snippet').innerText();
      expect(snippet).toContain(`url: ${ingestUrl}`);
      expect(snippet).toContain(`credentials: ${key}`);
      await keyDialog.getByRole('button', { name: 'Copy key' }).waitFor();
      await page.screenshot({ path: `${SHOTS}/integration-key.png` });
      // Esc does not close it (nor does a click outside): the key would be lost for good.
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
      expect(await keyDialog.isVisible()).toBe(true);
      await keyDialog.getByRole('button', { name: 'I have stored it' }).click();
      await keyDialog.waitFor({ state: 'detached' });
      await page.getByTestId('integration-row').filter({ hasText: 'prod-alertmanager' }).waitFor();
      expect(await page.content()).not.toContain(key);
      await page.locator('.mantine-Modal-overlay').waitFor({ state: 'detached' });
      await page.screenshot({ path: `${SHOTS}/integrations.png`, fullPage: true });

      // The list is open before the alert exists; it must pick the incident up by itself.
      await page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: 'Alerts & Incidents' })
        .click();
      await page.getByRole('heading', { name: 'Alerts & Incidents' }).waitFor();
      const rows = page.getByTestId('incident-row');
      const row = rows.filter({ hasText: '5xx > 5% on checkout' });
      expect(await row.count()).toBe(0);
      await sendAlertmanager(ingestUrl, key, 'payload-1.json');
      await row.waitFor();
      expect((await row.innerText()).toLowerCase()).toContain('critical');
      expect((await row.innerText()).toLowerCase()).toContain('triggered');
      await page.screenshot({ path: `${SHOTS}/incidents.png`, fullPage: true });

      await row.getByRole('link', { name: '5xx > 5% on checkout' }).click();
      await page.getByTestId('incident-title').getByText('5xx > 5% on checkout').waitFor();
      const status = page.getByTestId('incident-status');
      expect((await status.innerText()).toLowerCase()).toBe('triggered');
      await page.getByRole('table', { name: 'Alerts' }).getByText('HighErrorRate').waitFor();
      const runbookCard = page.getByTestId('runbook').filter({ hasText: 'Checkout 5xx' });
      await runbookCard.getByText('stale', { exact: true }).waitFor();
      await runbookCard.getByRole('listitem').filter({ hasText: 'Roll back if it is newer' }).waitFor();
      await runbookCard.getByText('kubectl rollout history deploy/checkout', { exact: true }).waitFor();
      await runbookCard.getByText('Markup stays text: <img src=x onerror="window.__injected=1">').waitFor();
      expect(await runbookCard.locator('img').count()).toBe(0);
      expect(await page.evaluate('window.__injected')).toBeUndefined();

      await page.getByRole('button', { name: 'Acknowledge' }).click();
      await status.getByText('acknowledged').waitFor();
      expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);

      await page.getByRole('button', { name: 'Add note' }).click();
      const noteDialog = page.getByRole('dialog', { name: 'Add a note' });
      // The note field has the focus, and Ctrl+Enter adds the note (Enter alone is a new line).
      const noteField = noteDialog.getByRole('textbox', { name: 'Note' });
      await expect.poll(() => noteField.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      await page.keyboard.type('Rolled back checkout to v41; error rate falling.');
      await page.keyboard.press('Control+Enter');
      await noteDialog.waitFor({ state: 'detached' });

      await page.getByRole('button', { name: 'Resolve' }).click();
      const resolveDialog = page.getByRole('dialog', { name: 'Resolve incident' });
      // The reason field has the focus, and Enter resolves.
      const reasonField = resolveDialog.getByRole('textbox', { name: 'Reason (optional)' });
      await expect.poll(() => reasonField.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      await page.keyboard.type('Rollback fixed it');
      await page.keyboard.press('Enter');
      await status.getByText('resolved').waitFor();
      await page.getByRole('button', { name: 'Reopen' }).waitFor();

      const timeline = page.getByTestId('incident-timeline');
      await timeline.getByText('Acknowledged by admin', { exact: true }).waitFor();
      await timeline.getByText('Note by admin', { exact: true }).waitFor();
      await timeline.getByText('Rolled back checkout to v41; error rate falling.').waitFor();
      await timeline.getByText('Rollback fixed it').waitFor();
      await timeline.locator('[data-kind="alert"]').first().waitFor();
      expect(await page.getByTestId('incident-tta').innerText()).not.toBe('—');
      expect(await page.getByTestId('incident-ttr').innerText()).not.toBe('—');
      await page.screenshot({ path: `${SHOTS}/incident.png`, fullPage: true });

      // What the page showed is what the server recorded.
      const id = new URL(page.url()).pathname.split('/').pop()!;
      const detail = await adminApi<{ incident: { status: string }; timeline: { kind: string }[] }>(
        'GET',
        `/api/incidents/${id}`,
      );
      expect(detail.json.incident.status).toBe('resolved');
      const kinds = detail.json.timeline.map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['alert', 'ack', 'note', 'status']));
    });

    it('filters the incident list by severity through the URL', async () => {
      await incidentThroughApi('payload-2.json', 'disk 95%');
      const { page } = await openPage();
      await signInAt(page, '/incidents');
      const rows = page.getByTestId('incident-row');
      await rows.filter({ hasText: 'disk 95%' }).waitFor();

      await page.getByLabel('Severity', { exact: true }).first().click();
      await page.getByRole('option', { name: 'critical', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('severity') === 'critical');
      await expect
        .poll(async () => rows.filter({ hasText: 'disk 95%' }).count(), { timeout: 15_000 })
        .toBe(0);
      for (const text of await rows.allInnerTexts()) expect(text.toLowerCase()).toContain('critical');

      await page.reload();
      expect(await page.getByLabel('Severity', { exact: true }).first().inputValue()).toBe('critical');
    });

    it('creates a schedule in the editor, previews its shifts and shows its user on call now', async () => {
      const { page } = await openPage();
      await signInAt(page, '/schedules');
      await page.getByRole('link', { name: 'New schedule' }).click();
      await page.waitForURL((url) => url.pathname === '/schedules/new');

      await page.getByRole('textbox', { name: /^Name/ }).fill('Checkout primary');
      const layer = page.getByTestId('schedule-layer').first();
      // A layer whose zone was not picked follows the schedule's zone (not the browser's).
      const zone = page.locator('input').and(page.getByLabel('Time zone', { exact: true }));
      await zone.fill('Europe/London');
      await page.getByRole('option', { name: 'Europe/London', exact: true }).click();
      expect(await zone.inputValue()).toBe('Europe/London');
      expect(
        await layer
          .locator('input')
          .and(page.getByLabel('Layer time zone', { exact: true }))
          .inputValue(),
      ).toBe('Europe/London');
      await layer.getByLabel('Users, in rotation order').click();
      await page.getByRole('option', { name: ADMIN, exact: true }).click();
      await page.keyboard.press('Escape');
      await layer.getByLabel(/First handoff/).fill('2026-01-05T09:00');
      await page.getByRole('button', { name: 'Create schedule' }).click();

      await page.waitForURL((url) => /^\/schedules\/(?!new)[^/]+$/.test(url.pathname));
      await page.getByRole('heading', { name: 'Checkout primary' }).waitFor();
      const created = await adminApi<{
        items: { name: string; timeZone: string; layers: { timeZone: string }[] }[];
      }>('GET', '/api/schedules');
      expect(created.json.items.find((s) => s.name === 'Checkout primary')).toMatchObject({
        timeZone: 'Europe/London',
        layers: [{ timeZone: 'Europe/London' }],
      });
      const shifts = page.getByTestId('shift-row');
      await shifts.first().waitFor();
      expect(await shifts.first().innerText()).toContain(ADMIN);
      await page.screenshot({ path: `${SHOTS}/schedule.png`, fullPage: true });

      await page.getByRole('tab', { name: 'On call now' }).click();
      await page.waitForURL((url) => url.pathname === '/on-call');
      const onCall = page.getByTestId('on-call-row').filter({ hasText: 'Checkout primary' });
      await onCall.waitFor();
      expect(await onCall.getByTestId('on-call-user').innerText()).toContain(ADMIN);
      await page.screenshot({ path: `${SHOTS}/on-call.png`, fullPage: true });
    });

    it('shows where a schedule is wrong when the server refuses it', async () => {
      const { page, watch: w } = await openPage();
      w.expect('POST', '/api/schedules', 400);
      await signInAt(page, '/schedules/new');
      await page.getByRole('textbox', { name: /^Name/ }).fill('No users yet');
      await page.getByRole('button', { name: 'Create schedule' }).click();
      await page.getByRole('alert').filter({ hasText: 'Schedule not saved' }).waitFor();
      const layer = page.getByTestId('schedule-layer').first();
      // The layer's users field carries the message of the server's /body/layers/0/users detail.
      await layer.locator('.mantine-InputWrapper-error').first().waitFor();
      expect(new URL(page.url()).pathname).toBe('/schedules/new');
      // The banner says each problem once (the message already is the first detail).
      const banner = await page.getByRole('alert').filter({ hasText: 'Schedule not saved' }).innerText();
      expect(banner.split('must NOT have fewer than 1 items')).toHaveLength(2);

      // An empty "every N hours" field: the server's /body/layers/0/rotation/hours detail is shown
      // on the Hours field, not on the Rotation select.
      await layer.getByLabel('Users, in rotation order').click();
      await page.getByRole('option', { name: ADMIN, exact: true }).click();
      await page.keyboard.press('Escape');
      await layer.getByLabel('Rotation', { exact: true }).click();
      await page.getByRole('option', { name: 'Every N hours' }).click();
      const hours = layer.getByLabel('Hours', { exact: true });
      await hours.fill('');
      await page.getByRole('button', { name: 'Create schedule' }).click();
      await expect.poll(async () => hours.getAttribute('aria-invalid'), { timeout: 15_000 }).toBe('true');
      expect(await layer.getByLabel('Rotation', { exact: true }).getAttribute('aria-invalid')).not.toBe(
        'true',
      );
      const banner2 = await page.getByRole('alert').filter({ hasText: 'Schedule not saved' }).innerText();
      expect(banner2).toContain('/body/layers/0/rotation/hours');
      expect(new URL(page.url()).pathname).toBe('/schedules/new');
    });

    it('creates an escalation policy whose step pages a schedule', async () => {
      const schedule = await adminApi<{ schedule: { id: string } }>('POST', '/api/schedules', {
        name: 'Database primary',
        timeZone: 'Europe/Berlin',
        layers: [
          {
            users: [(await adminApi<{ user: { id: string } }>('GET', '/api/me')).json.user.id],
            rotation: { type: 'weekly' },
            start: '2026-01-05T09:00',
          },
        ],
      });
      expect(schedule.status).toBe(201);
      const { page } = await openPage();
      await signInAt(page, '/escalation-policies');
      await page.getByRole('button', { name: 'New policy' }).click();
      const dialog = page.getByRole('dialog', { name: 'New escalation policy' });
      await dialog.getByRole('textbox', { name: /^Name/ }).fill('Database');
      await dialog.getByLabel('Ack timeout (minutes)').fill('30');
      await dialog.getByRole('button', { name: 'Add target' }).click();
      await dialog.getByLabel('Step 1 target 1', { exact: true }).click();
      await page.getByRole('option', { name: 'Database primary', exact: true }).click();
      await dialog.getByRole('button', { name: 'Save policy' }).click();
      await dialog.waitFor({ state: 'detached' });

      const card = page.getByTestId('escalation-policy').filter({ hasText: 'Database' });
      await card.getByText('schedule: Database primary').waitFor();
      await card.getByText('ack timeout 30 min').waitFor();
      await page.screenshot({ path: `${SHOTS}/escalation-policies.png`, fullPage: true });
      const policies = await adminApi<{
        items: { name: string; ackTimeoutMinutes: number; steps: unknown[] }[];
      }>('GET', '/api/escalation-policies');
      expect(policies.json.items.find((p) => p.name === 'Database')).toMatchObject({
        ackTimeoutMinutes: 30,
        steps: [{ targets: [{ type: 'schedule', id: schedule.json.schedule.id }], delayMinutes: 15 }],
      });
    });

    it('keeps an out-of-range number as typed and says why it cannot be saved, rather than clamping it', async () => {
      const { page } = await openPage();
      await signInAt(page, '/escalation-policies');
      await page.getByRole('button', { name: 'New policy' }).click();
      const dialog = page.getByRole('dialog', { name: 'New escalation policy' });
      await dialog.getByRole('textbox', { name: /^Name/ }).fill('Out of range');
      const ackTimeout = dialog.getByLabel('Ack timeout (minutes)');
      await ackTimeout.fill('0');
      const repeat = dialog.getByLabel('Repeat the steps');
      await repeat.fill('50');
      await dialog.getByLabel('Then wait (minutes)').click();
      expect(await ackTimeout.inputValue()).toBe('0');
      expect(await repeat.inputValue()).toBe('50');
      await dialog.getByText('Must be at least 1', { exact: true }).waitFor();
      await dialog.getByText('Must be at most 20', { exact: true }).waitFor();
      expect(await dialog.getByRole('button', { name: 'Save policy' }).isDisabled()).toBe(true);
      await ackTimeout.fill('30');
      await repeat.fill('2');
      expect(await dialog.getByRole('button', { name: 'Save policy' }).isDisabled()).toBe(false);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });

      await page.goto('/integrations');
      await page.getByRole('button', { name: 'New integration' }).click();
      const form = page.getByRole('dialog', { name: 'New integration' });
      await form.getByLabel('Name').fill('out-of-range');
      const autoResolve = form.getByLabel('Auto-resolve after (minutes)');
      await autoResolve.fill('0');
      await form.getByLabel('Name').click();
      expect(await autoResolve.inputValue()).toBe('0');
      await form.getByText('Must be at least 1', { exact: true }).waitFor();
      expect(await form.getByRole('button', { name: 'Create integration' }).isDisabled()).toBe(true);
      await form.getByRole('button', { name: 'Cancel' }).click();
      await form.waitFor({ state: 'detached' });

      await page.goto('/schedules/new');
      const layer = page.getByTestId('schedule-layer').first();
      await layer.getByLabel('Rotation', { exact: true }).click();
      await page.getByRole('option', { name: 'Every N hours' }).click();
      const hours = layer.getByLabel('Hours', { exact: true });
      await hours.fill('0');
      await layer.getByLabel(/First handoff/).click();
      expect(await hours.inputValue()).toBe('0');
      await layer.getByText('Must be at least 1', { exact: true }).waitFor();
      await page.getByRole('textbox', { name: /^Name/ }).fill('Out of range');
      expect(await page.getByRole('button', { name: 'Create schedule' }).isDisabled()).toBe(true);
      const names = (await adminApi<{ items: { name: string }[] }>('GET', '/api/escalation-policies')).json;
      expect(names.items.map((p) => p.name)).not.toContain('Out of range');
    });

    it('deletes an escalation policy only once the deletion is confirmed', async () => {
      const me = await adminApi<{ user: { id: string } }>('GET', '/api/me');
      const created = await adminApi<{ policy: { id: string } }>('POST', '/api/escalation-policies', {
        name: 'Short-lived policy',
        steps: [{ targets: [{ type: 'user', id: me.json.user.id }], delayMinutes: 5 }],
        repeat: 0,
      });
      expect(created.status).toBe(201);
      const exists = async () =>
        (await adminApi<{ items: { id: string }[] }>('GET', '/api/escalation-policies')).json.items.some(
          (p) => p.id === created.json.policy.id,
        );
      const { page } = await openPage();
      await signInAt(page, '/escalation-policies');
      const card = page.getByTestId('escalation-policy').filter({ hasText: 'Short-lived policy' });
      await card.getByRole('button', { name: 'Delete Short-lived policy' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete the escalation policy?' });
      await confirm.getByText('“Short-lived policy” will no longer page anyone').waitFor();
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'detached' });
      expect(await exists()).toBe(true);
      expect(await card.count()).toBe(1);

      await card.getByRole('button', { name: 'Delete Short-lived policy' }).click();
      await confirm.getByRole('button', { name: 'Delete policy' }).click();
      await confirm.waitFor({ state: 'detached' });
      await card.waitFor({ state: 'detached' });
      expect(await exists()).toBe(false);
    });

    it('shows a viewer incidents, on-call and integrations without any write button', async () => {
      const created = await adminApi('POST', '/api/users', { ...VIEWER, role: 'viewer' });
      expect(created.status).toBe(201);
      const incident = await incidentThroughApi(
        'alertmanager-webhook.json',
        'Finding AWS0086 at terraform/aws/s3.tf:1',
      );
      // A page of a schedule: the viewer, who cannot list users, sees the schedule and who was paged by name.
      const adminId = (await adminApi<{ user: { id: string } }>('GET', '/api/me')).json.user.id;
      const schedule = await adminApi<{ schedule: { id: string } }>('POST', '/api/schedules', {
        name: 'Storage primary',
        timeZone: 'UTC',
        layers: [{ users: [adminId], rotation: { type: 'weekly' }, start: '2026-01-05T09:00' }],
      });
      expect(schedule.status).toBe(201);
      await server.store.transaction((tx) =>
        tx.ops.timeline.append(incident.id, {
          at: new Date().toISOString(),
          kind: 'page',
          key: 'viewer-drill',
          round: 0,
          step: 0,
          target: `schedule:${schedule.json.schedule.id}`,
          users: [adminId],
        }),
      );

      const { page } = await openPage();
      await signInAt(page, `/incidents/${incident.id}`, VIEWER.username, VIEWER.password);
      await page.getByTestId('incident-title').waitFor();
      await page.getByTestId('incident-timeline').waitFor();
      const paged = page.getByTestId('incident-timeline').locator('[data-kind="page"]');
      await paged.getByText(`Paged ${ADMIN}`, { exact: true }).waitFor();
      await paged.getByText('Escalation step 1, round 1, target schedule: Storage primary').waitFor();
      for (const name of ['Acknowledge', 'Resolve', 'Reopen', 'Reassign', 'Add note']) {
        expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
      }
      await page.goto('/integrations');
      await page.getByRole('heading', { name: 'Integrations' }).waitFor();
      await page.getByTestId('integration-row').first().waitFor();
      expect(await page.getByRole('button', { name: 'New integration' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Actions for/ }).count()).toBe(0);
      await page.goto('/schedules');
      await page.getByRole('tab', { name: 'Schedules' }).waitFor();
      await page.getByRole('table', { name: 'Schedules' }).waitFor();
      expect(await page.getByRole('link', { name: 'New schedule' }).count()).toBe(0);
      await page.goto('/escalation-policies');
      await page.getByTestId('escalation-policy').first().waitFor();
      expect(await page.getByRole('button', { name: 'New policy' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    });
    it('lets a signed-out browser acknowledge an incident from a signed link, and refuses an altered one', async () => {
      const drill = structuredClone(alertmanagerPayload('payload-2.json')) as {
        groupKey: string;
        alerts: {
          labels: Record<string, string>;
          annotations: Record<string, string>;
          fingerprint: string;
        }[];
      };
      drill.groupKey = '{}:{alertname="LinkDrill"}';
      for (const a of drill.alerts) {
        a.labels['alertname'] = 'LinkDrill';
        a.annotations['summary'] = 'signed link drill';
        a.fingerprint = 'f00dfeedf00dfeed';
      }
      const incident = await incidentThroughApi(drill, 'signed link drill');
      const me = await adminApi<{ user: { id: string } }>('GET', '/api/me');
      const link = new URL(
        actionLink(
          server.app.opsdeck.config,
          { incidentId: incident.id, action: 'acknowledge', userId: me.json.user.id },
          new Date(),
        ),
      );
      expect(link.pathname).toMatch(/^\/ack\/\S+$/);

      const { page, watch: w } = await openPage();
      await page.goto(link.pathname);
      await page.getByTestId('ack-incident-title').getByText('signed link drill').waitFor();
      expect(new URL(page.url()).pathname).toBe(link.pathname);
      expect((await page.getByTestId('ack-status').innerText()).toLowerCase()).toBe('triggered');
      // Opening the page changed nothing (mail scanners open links too).
      const before = await adminApi<{ incident: { status: string } }>('GET', `/api/incidents/${incident.id}`);
      expect(before.json.incident.status).toBe('triggered');
      await page.screenshot({ path: `${SHOTS}/ack-link.png`, fullPage: true });

      await page.getByRole('button', { name: 'Acknowledge incident' }).click();
      await page.getByTestId('ack-done').waitFor();
      expect((await page.getByTestId('ack-status').innerText()).toLowerCase()).toBe('acknowledged');
      const after = await adminApi<{
        incident: { status: string };
        timeline: { kind: string; by?: string }[];
      }>('GET', `/api/incidents/${incident.id}`);
      expect(after.json.incident.status).toBe('acknowledged');
      expect(after.json.timeline).toContainEqual(
        expect.objectContaining({ kind: 'ack', by: me.json.user.id }),
      );

      await page.reload();
      await page.getByTestId('ack-not-applicable').waitFor();
      expect(await page.getByRole('button', { name: 'Acknowledge incident' }).count()).toBe(0);

      const token = link.pathname.slice('/ack/'.length);
      const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      w.expect('GET', `/api/links/${altered}`, 401);
      await page.goto(`/ack/${altered}`);
      await page.getByRole('alert').filter({ hasText: 'This link is not valid' }).waitFor();
      expect(await page.getByRole('button', { name: 'Acknowledge incident' }).count()).toBe(0);
    });
  },
);
