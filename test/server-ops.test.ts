import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './helpers/databases.js';
import { INJECT_ORIGIN, buildTestApp, captureLogger, json, type TestApp } from './helpers/server.js';

const dialects = await testDialects();

for (const { dialect, available } of dialects) {
  describe.skipIf(!available)(`health endpoints on ${dialect}`, () => {
    it('answers /healthz with ok', async () => {
      const t = await buildTestApp({ dialect, bare: true });
      try {
        const res = await t.app.inject({ method: 'GET', url: '/healthz' });
        expect(res.statusCode).toBe(200);
        expect(json(res)).toEqual({ status: 'ok' });
      } finally {
        await t.close();
      }
    });

    it('answers /readyz with 503 before migrations, 200 after, and 503 when the database is gone', async () => {
      const t = await buildTestApp({ dialect, bare: true });
      try {
        const before = await t.app.inject({ method: 'GET', url: '/readyz' });
        expect(before.statusCode).toBe(503);
        expect(json(before)).toMatchObject({ error: { code: 'OPSDECK_E_DB_MIGRATION' } });
        const applied = await t.store.migrate();
        const after = await t.app.inject({ method: 'GET', url: '/readyz' });
        expect(after.statusCode).toBe(200);
        expect(json(after)).toEqual({
          status: 'ready',
          database: dialect,
          migrations: { applied: applied.length, pending: 0 },
        });
        await t.store.db.destroy();
        const gone = await t.app.inject({ method: 'GET', url: '/readyz' });
        expect(gone.statusCode).toBe(503);
        expect(json(gone)).toMatchObject({ error: { code: 'OPSDECK_E_DB_UNREACHABLE' } });
      } finally {
        await t.app.close();
        await t.close().catch(() => undefined);
      }
    });
  });
}

describe('operations endpoints', () => {
  let t: TestApp;
  let admin: string;
  const log = captureLogger();

  beforeAll(async () => {
    t = await buildTestApp({ dialect: 'sqlite', logger: log.logger });
    admin = await t.login('admin', t.adminPassword);
  });
  afterAll(async () => t?.close());

  it('exposes process metrics, request durations by route and login failures', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'nope-nope' },
    });
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics', cookies: { opsdeck_session: admin } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('opsdeck_process_resident_memory_bytes');
    expect(res.body).toMatch(/opsdeck_login_failures_total\{reason="bad_credentials"\} 1/);
    expect(res.body).toMatch(
      /opsdeck_http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} 1/,
    );
    expect(res.body).toMatch(/route="\/api\/auth\/login",status_code="401"/);
  });

  it("counts the SQLite connection's waits for the write lock another connection holds", async () => {
    const metric = async (name: string): Promise<number> => {
      const res = await t.app.inject({ method: 'GET', url: '/metrics', cookies: { opsdeck_session: admin } });
      const m = new RegExp(`^${name}\\{connection="server"\\} (\\S+)$`, 'm').exec(res.body);
      if (!m) throw new Error(`${name} is not exposed`);
      return Number(m[1]);
    };
    const waits = await metric('opsdeck_sqlite_lock_waits_total');
    const seconds = await metric('opsdeck_sqlite_lock_wait_seconds_total');
    const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(t.store.db);
    const other = new BetterSqlite3(rows.find((r) => r.name === 'main')!.file);
    const started = performance.now();
    let elapsed = 0;
    try {
      other.exec('begin immediate');
      setTimeout(() => other.exec('commit'), 200);
      // Creating a team is a write with nothing slow ahead of it (a failed login's password check
      // took longer than the 200 ms hold on a loaded machine, and then found the lock free): it
      // waits until the other connection commits.
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/teams',
        headers: { cookie: `opsdeck_session=${admin}`, origin: INJECT_ORIGIN },
        payload: { name: 'lock-wait', members: [] },
      });
      expect(created.statusCode).toBe(201);
      elapsed = (performance.now() - started) / 1000;
    } finally {
      other.close();
    }
    expect(await metric('opsdeck_sqlite_lock_waits_total')).toBe(waits + 1);
    // The wait began after the session check and ended when the other connection committed.
    const waited = (await metric('opsdeck_sqlite_lock_wait_seconds_total')) - seconds;
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(elapsed);
    expect(elapsed).toBeGreaterThanOrEqual(0.2);
  });

  it('keeps /metrics behind metrics:read unless metrics.public is set', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const open = await buildTestApp({ dialect: 'sqlite', config: { metrics: { public: true } } });
    try {
      expect((await open.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('documents every API route in an OpenAPI 3.1 document with cookie and bearer security', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = json<{
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, unknown> };
    }>(res);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearerAuth', 'cookieAuth']);
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)),
    );
    const expected = t.app.registeredRoutes
      .filter((r) => !r.hidden && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect(expected.length).toBeGreaterThanOrEqual(14);
    expect([...documented].sort()).toEqual([...new Set(expected)].sort());
    expect(doc.paths['/api/users']!['get']!.security).toEqual([{ cookieAuth: [] }, { bearerAuth: [] }]);
    expect(doc.paths['/healthz']!['get']!.security).toBeUndefined();
    expect(doc.paths['/api/users']!['post']!.responses['409']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
    });
  });

  it('serves the browsable API docs with a CSP that still forbids framing', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('sends strict security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    const csp = String(res.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "connect-src 'self'",
      "img-src 'self' data:",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('leaves no password, session or token secret in the log', async () => {
    const password = 'very-secret-password-42';
    await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: t.sessionHeaders(admin),
      payload: { username: 'logan', password, role: 'engineer' },
    });
    const cookie = await t.login('logan', password);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: `opsdeck_session=${cookie}`, origin: INJECT_ORIGIN },
      payload: { name: 'logged', scopes: ['estate:read'], expiresInDays: 1 },
    });
    const { secret } = json<{ secret: string }>(created);
    await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${secret}` } });
    // The logger redacts these fields wherever a handler or plugin would log them.
    t.app.log.info({ req: { headers: { authorization: `Bearer ${secret}`, cookie } }, password }, 'probe');
    const text = log.text();
    expect(text).toContain('probe');
    expect(text).toContain('[redacted]');
    for (const leaked of [password, cookie, secret, secret.slice(4)]) expect(text).not.toContain(leaked);
  });

  it('leaves no secret of a URL in the log: ingest ?key=, signed-link and /ack tokens', async () => {
    const key = 'odi_ingestkeyinthequerystring0123';
    const token = 'linktokenthatmustnotbelogged.0123456789';
    await t.app.inject({ method: 'POST', url: `/api/ingest/alertmanager/x?key=${key}&other=1`, payload: {} });
    await t.app.inject({ method: 'GET', url: `/api/links/${token}` });
    await t.app.inject({ method: 'GET', url: `/ack/${token}` });
    const text = log.text();
    expect(text).toContain('/api/ingest/alertmanager/x?key=[redacted]&other=1');
    expect(text).toContain('/api/links/[redacted]');
    for (const leaked of [key, token]) expect(text).not.toContain(leaked);
  });
});

describe('the dashboard', () => {
  let dist: string;
  beforeAll(() => {
    dist = mkdtempSync(path.join(tmpdir(), 'opsdeck-dist-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root">opsdeck spa</div>');
    writeFileSync(path.join(dist, 'assets', 'app-1234.js'), 'console.log("app")');
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('serves built files, and index.html for client-side routes but not for API paths', async () => {
    const t = await buildTestApp({ dialect: 'sqlite', webDist: dist });
    try {
      const root = await t.app.inject({ method: 'GET', url: '/' });
      expect(root.statusCode).toBe(200);
      expect(root.body).toContain('opsdeck spa');
      const asset = await t.app.inject({ method: 'GET', url: '/assets/app-1234.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      for (const route of ['/login', '/settings/users', '/estate?tab=drift']) {
        const res = await t.app.inject({ method: 'GET', url: route });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.body).toContain('opsdeck spa');
      }
      const api = await t.app.inject({ method: 'GET', url: '/api/not-a-route' });
      expect(api.statusCode).toBe(404);
      expect(json(api)).toMatchObject({ error: { code: 'OPSDECK_E_NOT_FOUND' } });
    } finally {
      await t.close();
    }
  });

  it('explains how to build the dashboard when web/dist is missing', async () => {
    const t = await buildTestApp({ dialect: 'sqlite', webDist: path.join(dist, 'missing') });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('npm run build');
    } finally {
      await t.close();
    }
  });
});
