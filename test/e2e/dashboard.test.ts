import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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
const VIEWER = { username: 'vera-viewer', password: 'viewer-password-e2e-1' };
const SHELL_SCREENSHOT = '/tmp/opsdeck-shell.png';
const SECTIONS = ['Overview', 'Guardrails', 'Estate', 'Alerts & Incidents', 'Changes', 'Audit', 'Settings'];

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

describe.skipIf(!chromium.available)('the web dashboard in a real browser', { timeout: 90_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  const pages = new WatchedPages({
    browser: () => browser,
    baseUrl: () => server.baseUrl,
    viewport: { width: 1280, height: 800 },
    timeoutMs: 15_000,
  });

  beforeAll(async () => {
    ensureDashboardBuilt();
    server = await startTestServer({ dialect: 'sqlite' });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
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

  function navbar(page: Page) {
    return page.getByRole('navigation', { name: 'Sections' });
  }

  /** Signs in as admin through the API (not the browser) and returns the session cookie. */
  async function adminCookie(): Promise<string> {
    return apiSession(server.baseUrl, ADMIN, server.adminPassword);
  }

  async function adminApi(method: string, path: string, cookie: string, body?: unknown): Promise<Response> {
    return apiRequest(server.baseUrl, method, path, cookie, body);
  }

  async function createViewerThroughApi(): Promise<void> {
    const created = await adminApi('POST', '/api/users', await adminCookie(), { ...VIEWER, role: 'viewer' });
    expect(created.status).toBe(201);
  }

  it('sends a signed-out visitor to the login page and an admin into the shell with every section', async () => {
    const { page } = await openPage();
    const document = await page.goto('/');
    // The checks for CSP violations below mean something only under the server's strict policy.
    expect(document?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForURL('**/login');
    await signIn(page, ADMIN, server.adminPassword);
    await page.waitForURL((url) => url.pathname === '/');

    for (const section of SECTIONS) {
      await navbar(page).getByRole('link', { name: section, exact: true }).waitFor();
    }
    await page.getByTestId('user-menu').waitFor();
    expect(await page.getByTestId('user-menu').innerText()).toContain(ADMIN);
    expect(await page.getByTestId('overview-username').innerText()).toBe(ADMIN);
    const readiness = page.getByTestId('readiness');
    await readiness.getByText('ready', { exact: true }).waitFor();
    expect(await readiness.innerText()).toContain('Database: sqlite');

    expect(await page.title()).toBe('Overview · opsdeck');
    await page.screenshot({ path: SHELL_SCREENSHOT, fullPage: true });
  });

  it('returns to the page that was asked for after signing in', async () => {
    const { page } = await openPage();
    await page.goto('/audit');
    await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('next') === '/audit');
    await signIn(page, ADMIN, server.adminPassword);
    await page.waitForURL((url) => url.pathname === '/audit');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.getByTestId('audit-verify-result');
    await result.waitFor();
    expect(await result.innerText()).toContain('Chain intact');
  });

  it.each(['//evil.example/steal', 'https://evil.example/', '/login?next=/audit'])(
    'ignores an unsafe next parameter (%s) and lands on the overview',
    async (next) => {
      const { page } = await openPage();
      await page.goto(`/login?next=${encodeURIComponent(next)}`);
      await signIn(page, ADMIN, server.adminPassword);
      await page.waitForURL((url) => url.pathname === '/' && url.origin === server.baseUrl);
      await page.getByTestId('overview-username').waitFor();
    },
  );

  it('creates an API token whose secret is shown once and authenticates /api/me', async () => {
    const { page } = await openPage();
    await page.goto('/settings/tokens');
    await signIn(page, ADMIN, server.adminPassword);
    await page.waitForURL((url) => url.pathname === '/settings/tokens');

    await page.getByRole('button', { name: 'Create token' }).click();
    const form = page.getByRole('dialog', { name: 'Create API token' });
    await form.getByLabel('Name').fill('e2e-ci');
    await form.getByLabel('overview:read').check();
    await form.getByRole('button', { name: 'Create token' }).click();

    const secretDialog = page.getByRole('dialog', { name: /Token .e2e-ci. created/ });
    const secret = (await secretDialog.getByTestId('token-secret').innerText()).trim();
    expect(secret).toMatch(/^odk_\S+$/);
    await secretDialog.getByRole('button', { name: 'Copy secret' }).waitFor();

    const me = await fetch(`${server.baseUrl}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe(ADMIN);

    await secretDialog.getByRole('button', { name: 'I have stored it' }).click();
    await secretDialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ hasText: 'e2e-ci' });
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke token?' })
      .getByRole('button', { name: 'Revoke token' })
      .click();
    await row.getByText('revoked', { exact: true }).waitFor();
    const after = await fetch(`${server.baseUrl}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status).toBe(401);
  });

  it('shows a viewer no admin links and a forbidden page on admin URLs', async () => {
    await createViewerThroughApi();
    const { page } = await openPage();
    await page.goto('/login');
    await signIn(page, VIEWER.username, VIEWER.password);
    await page.waitForURL((url) => url.pathname === '/');
    await navbar(page).getByRole('link', { name: 'Overview', exact: true }).waitFor();

    expect(await navbar(page).getByRole('link', { name: 'Audit', exact: true }).count()).toBe(0);
    expect(await navbar(page).getByRole('link', { name: 'Settings', exact: true }).count()).toBe(1);

    await page.goto('/settings/tokens');
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Users' }).count()).toBe(0);

    for (const adminPath of ['/settings/users', '/audit']) {
      await page.goto(adminPath);
      const forbidden = page.getByTestId('forbidden');
      await forbidden.waitFor();
      expect(await forbidden.getByRole('heading').innerText()).toBe('You need the admin role');
    }
  });

  it('lets an admin add a user, change their role and disable them', async () => {
    const { page } = await openPage();
    await page.goto('/settings/users');
    await signIn(page, ADMIN, server.adminPassword);
    await page.getByRole('heading', { name: 'Users' }).waitFor();

    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    await dialog.getByLabel('Username').fill('erin');
    await dialog.getByLabel('Initial password').fill('erin-password-1');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.locator('tr[data-username="erin"]');
    await row.waitFor();

    await row.getByLabel('Role of erin').click();
    await page.getByRole('option', { name: 'engineer', exact: true }).click();
    await page.getByText('erin is now engineer').waitFor();
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('disabled', { exact: true }).waitFor();

    const users = await adminApi('GET', '/api/users', await adminCookie());
    const erin = (
      (await users.json()) as { users: Array<{ username: string; role: string; disabled: boolean }> }
    ).users.find((u) => u.username === 'erin');
    expect(erin).toMatchObject({ role: 'engineer', disabled: true });
    const login = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.baseUrl },
      body: JSON.stringify({ username: 'erin', password: 'erin-password-1' }),
    });
    expect(login.status).toBe(401);
  });

  it('pages through the audit log with the before cursor', async () => {
    const cookie = await adminCookie();
    for (let i = 0; i < 55; i++) {
      const res = await adminApi('POST', '/api/tokens', cookie, {
        name: `audit-paging-${i}`,
        scopes: ['overview:read'],
        expiresInDays: 1,
      });
      expect(res.status).toBe(201);
    }
    const { page } = await openPage();
    await page.goto('/audit');
    await signIn(page, ADMIN, server.adminPassword);
    const table = page.getByRole('table', { name: 'Audit entries' });
    await table.waitFor();
    const seqs = async () =>
      (await table.locator('tbody tr td:first-child').allInnerTexts()).map((t) => Number(t));

    const newest = await seqs();
    expect(newest).toHaveLength(50);
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(async () => (await seqs())[0], { timeout: 15_000 }).not.toBe(newest[0]);
    const older = await seqs();
    expect(older.length).toBeGreaterThan(0);
    expect(Math.max(...older)).toBeLessThan(Math.min(...newest));
    await page.getByRole('button', { name: 'Newer' }).click();
    await expect.poll(async () => (await seqs())[0], { timeout: 15_000 }).toBe(newest[0]);
  });

  it('signs out from the user menu back to the login page', async () => {
    const { page, watch: w } = await openPage();
    await page.goto('/login');
    await signIn(page, ADMIN, server.adminPassword);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    // The session is gone on the server too: a reload of a dashboard page asks to sign in again.
    w.expect('GET', '/api/me', 401);
    await page.goto('/');
    await page.waitForURL((url) => url.pathname === '/login');
  });

  it('explains a wrong password', async () => {
    const { page, watch: w } = await openPage();
    w.expect('POST', '/api/auth/login', 401);
    await page.goto('/login');
    await signIn(page, ADMIN, 'not-the-password');
    const alert = page.getByRole('alert').filter({ hasText: 'Sign-in failed' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Wrong username or password');
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('says when sign-in is rate limited after repeated failures', async () => {
    const { page, watch: w } = await openPage();
    w.expect('POST', '/api/auth/login', 401);
    w.expect('POST', '/api/auth/login', 429);
    await page.goto('/login');
    const alert = page.getByRole('alert').filter({ hasText: 'Sign-in failed' });
    let limited = false;
    for (let attempt = 0; attempt < 30 && !limited; attempt++) {
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/login');
      await signIn(page, 'rate-limited-user', `wrong-${attempt}`);
      const res = await answered;
      limited = res.status() === 429;
    }
    expect(limited).toBe(true);
    await alert.getByText('Too many failed sign-in attempts').waitFor();
  });
});
