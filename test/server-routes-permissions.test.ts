import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../src/governance/permissions.js';
import { buildTestApp, json, type TestApp } from './helpers/server.js';

/** A concrete URL for a route pattern (`/api/users/:id` -> `/api/users/<uuid>`). */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z]+/g, '00000000-0000-0000-0000-000000000000').replace(/\*$/, 'x');
}

describe('route permissions', () => {
  let t: TestApp;
  let viewer: string;

  beforeAll(async () => {
    t = await buildTestApp({ dialect: 'sqlite' });
    const admin = await t.login('admin', t.adminPassword);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: t.sessionHeaders(admin),
      payload: { username: 'viv', password: 'viv-password-1', role: 'viewer' },
    });
    expect(res.statusCode).toBe(201);
    viewer = await t.login('viv', 'viv-password-1');
  });
  afterAll(async () => t?.close());

  const routes = () =>
    t.app.registeredRoutes.flatMap((r) =>
      r.method.split(',').map((method) => ({ ...r, method, permission: r.permission })),
    );

  it('declares an explicit permission on every registered route', () => {
    expect(routes().length).toBeGreaterThan(20);
    const missing = routes().filter((r) => r.permission === undefined);
    expect(missing).toEqual([]);
    for (const r of routes()) {
      expect(['public', 'authenticated', 'ingest', 'signed-link', ...PERMISSIONS]).toContain(r.permission);
    }
  });

  it('refuses to start an app with a route that declares no permission', async () => {
    await expect(
      buildTestApp({
        dialect: 'sqlite',
        bare: true,
        extend: (app) => app.get('/api/undeclared', () => 'x'),
      }),
    ).rejects.toThrow(/Routes without config.permission: GET \/api\/undeclared/);
  });

  it('answers 401 to an unauthenticated request on every non-public route', async () => {
    const guarded = routes().filter((r) => r.permission !== 'public');
    expect(guarded.length).toBeGreaterThanOrEqual(10);
    for (const r of guarded) {
      // A JSON body: PagerDuty's route answers a body that is not JSON 400 "invalid event", as
      // PagerDuty does, before any key is known.
      const res = await t.app.inject({
        method: r.method as 'GET',
        url: concrete(r.url),
        ...(r.method === 'POST' && { payload: {} }),
      });
      expect({ route: `${r.method} ${r.url}`, status: res.statusCode }).toEqual({
        route: `${r.method} ${r.url}`,
        status: 401,
      });
      if (r.method !== 'HEAD') {
        // Signed links answer with the signature error; everything else asks for credentials.
        const code =
          r.permission === 'signed-link' ? 'OPSDECK_E_SIGNATURE_INVALID' : 'OPSDECK_E_UNAUTHENTICATED';
        expect({ route: `${r.method} ${r.url}`, body: json(res) }).toMatchObject({
          body: { error: { code } },
        });
      }
    }
  });

  it('does not let a user session stand in for an ingest key or a link signature', async () => {
    const machine = routes().filter((r) => r.permission === 'ingest' || r.permission === 'signed-link');
    expect(machine.length).toBeGreaterThanOrEqual(6);
    const admin = await t.login('admin', t.adminPassword);
    for (const r of machine) {
      const res = await t.app.inject({
        method: r.method as 'GET',
        url: concrete(r.url),
        headers: t.sessionHeaders(admin),
        ...(r.method === 'POST' && { payload: {} }),
      });
      expect({ route: `${r.method} ${r.url}`, status: res.statusCode }).toEqual({
        route: `${r.method} ${r.url}`,
        status: 401,
      });
    }
  });

  it('answers 403 to a viewer on every route that needs a permission viewers lack', async () => {
    const adminOnly = routes().filter(
      (r) =>
        r.permission !== 'public' &&
        r.permission !== 'ingest' &&
        r.permission !== 'signed-link' &&
        r.permission !== 'authenticated' &&
        ![
          'overview:read',
          'guardrails:read',
          'estate:read',
          'incidents:read',
          'changes:read',
          'tokens:read',
          'tokens:write',
        ].includes(r.permission!),
    );
    expect(adminOnly.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /api/users', 'POST /api/users', 'GET /api/audit', 'GET /metrics']),
    );
    for (const r of adminOnly) {
      const res = await t.app.inject({
        method: r.method as 'GET',
        url: concrete(r.url),
        headers: t.sessionHeaders(viewer),
      });
      expect({ route: `${r.method} ${r.url}`, status: res.statusCode }).toEqual({
        route: `${r.method} ${r.url}`,
        status: 403,
      });
    }
  });
});
