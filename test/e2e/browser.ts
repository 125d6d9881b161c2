import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Page,
  type Response,
} from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Whether browser tests can run here. Without Debian's chromium they FAIL under CI=true (a CI
 * that silently skips its browser tests proves nothing) and are skipped with a reason elsewhere.
 */
export function chromiumAvailability(): { available: boolean; reason: string } {
  if (existsSync(CHROMIUM_PATH)) return { available: true, reason: '' };
  const reason = `${CHROMIUM_PATH} is missing (install Debian's "chromium" package)`;
  if (process.env['CI'] === 'true') {
    throw new Error(`Browser tests cannot run: ${reason}`);
  }
  console.warn(`Skipping the dashboard browser tests: ${reason}`);
  return { available: false, reason };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** Builds web/dist when it is missing or older than any dashboard source file. */
export function ensureDashboardBuilt(): void {
  const web = path.join(repoRoot, 'web');
  const index = path.join(web, 'dist', 'index.html');
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json']
    .map((p) => path.join(web, p))
    .filter((p) => existsSync(p));
  const newestSource = Math.max(...sources.map(newestMtime));
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource) return;
  execFileSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts'],
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    { cwd: repoRoot, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } },
  );
}

export interface ExpectedFailure {
  method: string;
  path: string;
  status: number;
}

/**
 * Records everything on a page that would mean the dashboard is broken: console errors, uncaught
 * exceptions, CSP violations (listened for inside the page before any script runs) and HTTP
 * error responses other than the ones a test expects (the browser also logs those as console
 * errors, which are matched against the same list).
 */
export class PageWatch {
  private readonly problems: string[] = [];
  private readonly expected: ExpectedFailure[] = [];

  constructor(private readonly page: Page) {
    page.on('pageerror', (err) => this.problems.push(`uncaught exception: ${err.message}`));
    page.on('response', (res) => this.onResponse(res));
    page.on('console', (msg) => this.onConsole(msg));
  }

  static async attach(page: Page): Promise<PageWatch> {
    // A string, not a function: this file is compiled without DOM types, and the script runs
    // inside the page before any of the dashboard's own scripts.
    await page.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(
          e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')',
        );
      });
    `);
    return new PageWatch(page);
  }

  /** Declares an HTTP error response that this test provokes on purpose. */
  expect(method: string, urlPath: string, status: number): void {
    this.expected.push({ method, path: urlPath, status });
  }

  private onResponse(res: Response): void {
    if (res.status() < 400) return;
    const url = new URL(res.url());
    const method = res.request().method();
    const ok = this.expected.some(
      (e) => e.method === method && e.path === url.pathname && e.status === res.status(),
    );
    if (ok) return;
    this.problems.push(`unexpected HTTP ${res.status()} for ${method} ${url.pathname}`);
  }

  private onConsole(msg: ConsoleMessage): void {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // Chrome logs every 4xx/5xx fetch as "Failed to load resource"; expected ones are fine.
    if (text.startsWith('Failed to load resource') && this.isExpectedUrl(msg.location().url)) return;
    this.problems.push(`console error: ${text} (${msg.location().url})`);
  }

  private isExpectedUrl(url: string): boolean {
    if (!url) return false;
    const pathname = new URL(url).pathname;
    return this.expected.some((e) => e.path === pathname);
  }

  async collect(): Promise<string[]> {
    let csp: string[] = [];
    if (!this.page.isClosed()) {
      const recorded: unknown = await this.page.evaluate('window.__cspViolations ?? []');
      csp = Array.isArray(recorded) ? recorded.map(String) : [];
    }
    return [...this.problems, ...csp.map((v) => `CSP violation: ${v}`)];
  }
}

/**
 * One fresh browser profile (no cookies) per test, whose page is watched for errors: `open()` in
 * the test, `close()` in afterEach, which returns what the page saw go wrong (console errors,
 * exceptions, CSP violations, unexpected HTTP errors). Every visit while signed out asks /api/me
 * first and is told 401, so that is expected.
 */
export class WatchedPages {
  #context: BrowserContext | undefined;
  #watch: PageWatch | undefined;

  constructor(
    private readonly options: {
      browser: () => Browser;
      baseUrl: () => string;
      viewport: { width: number; height: number };
      /** Default wait for an element; shorter than the test timeout, so a miss names its locator. */
      timeoutMs: number;
    },
  ) {}

  async open(): Promise<{ page: Page; watch: PageWatch }> {
    const context = await this.options.browser().newContext({
      baseURL: this.options.baseUrl(),
      viewport: this.options.viewport,
    });
    this.#context = context;
    context.setDefaultTimeout(this.options.timeoutMs);
    const page = await context.newPage();
    const watch = await PageWatch.attach(page);
    this.#watch = watch;
    watch.expect('GET', '/api/me', 401);
    return { page, watch };
  }

  async close(): Promise<string[]> {
    const problems = this.#watch ? await this.#watch.collect() : [];
    await this.#context?.close();
    this.#context = undefined;
    this.#watch = undefined;
    return problems;
  }
}

/** Signs in through the API (not the browser) and returns the `opsdeck_session=...` cookie pair. */
export async function apiSession(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${username}: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('opsdeck_session='))
    ?.split(';')[0];
  if (cookie === undefined) throw new Error(`login as ${username}: no opsdeck_session cookie`);
  return cookie;
}

/** A same-origin API request with a session cookie, and a JSON body when one is given. */
export function apiRequest(
  baseUrl: string,
  method: string,
  urlPath: string,
  cookie: string,
  body?: unknown,
): Promise<globalThis.Response> {
  return fetch(`${baseUrl}${urlPath}`, {
    method,
    headers: {
      origin: baseUrl,
      cookie,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
