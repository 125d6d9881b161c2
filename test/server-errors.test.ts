import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpsdeckError } from '../src/core/errors.js';
import { buildTestApp, captureLogger, json, type TestApp } from './helpers/server.js';

describe('error responses', () => {
  let t: TestApp;
  let cookie: string;
  const log = captureLogger();

  beforeAll(async () => {
    t = await buildTestApp({
      dialect: 'sqlite',
      logger: log.logger,
      config: { bodyLimitBytes: 4096 },
      extend: (app) => {
        app.get('/api/test/boom', { config: { permission: 'public' } }, () => {
          throw new Error('database password is hunter2');
        });
        app.get('/api/test/conflict', { config: { permission: 'public' } }, () => {
          throw new OpsdeckError('OPSDECK_E_CONFLICT', 'Already there', [
            { path: '/body/x', message: 'taken' },
          ]);
        });
      },
    });
    cookie = await t.login('admin', t.adminPassword);
  });
  afterAll(async () => t?.close());

  const postUsers = (payload: string | Buffer, contentType = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...t.sessionHeaders(cookie), 'content-type': contentType },
      payload,
    });

  it.each([
    ['malformed JSON', '{"username": "a",', 'application/json', 400, 'OPSDECK_E_MALFORMED_JSON'],
    ['an empty JSON body', '', 'application/json', 400, 'OPSDECK_E_MALFORMED_JSON'],
    ['a JSON array', '[1,2,3]', 'application/json', 400, 'OPSDECK_E_VALIDATION'],
    ['a JSON string', '"admin"', 'application/json', 400, 'OPSDECK_E_VALIDATION'],
    ['JSON null', 'null', 'application/json', 400, 'OPSDECK_E_VALIDATION'],
    ['binary garbage', '\u0000\u00ff\u00fe{{', 'application/json', 400, 'OPSDECK_E_MALFORMED_JSON'],
    [
      'a prototype-poisoning body',
      '{"__proto__": {"admin": true}}',
      'application/json',
      400,
      'OPSDECK_E_MALFORMED_JSON',
    ],
    ['plain text', 'username=a', 'text/plain', 415, 'OPSDECK_E_UNSUPPORTED_MEDIA_TYPE'],
    [
      'a form',
      'username=a&password=b',
      'application/x-www-form-urlencoded',
      415,
      'OPSDECK_E_UNSUPPORTED_MEDIA_TYPE',
    ],
    ['XML', '<user/>', 'application/xml', 415, 'OPSDECK_E_UNSUPPORTED_MEDIA_TYPE'],
    [
      'a body over the limit',
      JSON.stringify({ username: 'x', password: 'y'.repeat(10_000), role: 'viewer' }),
      'application/json',
      413,
      'OPSDECK_E_BODY_TOO_LARGE',
    ],
    [
      'wrong types',
      JSON.stringify({ username: 12, password: ['a'], role: 'viewer' }),
      'application/json',
      400,
      'OPSDECK_E_VALIDATION',
    ],
    [
      'an unknown field',
      JSON.stringify({ username: 'zed', password: 'zed-password-1', role: 'viewer', isAdmin: true }),
      'application/json',
      400,
      'OPSDECK_E_VALIDATION',
    ],
  ])('answers %s with %i %s', async (_label, payload, contentType, status, code) => {
    const res = await postUsers(payload, contentType);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(json(res)).toMatchObject({ error: { code } });
  });

  it('names the offending field with a JSON pointer', async () => {
    const res = await postUsers(
      JSON.stringify({ username: 'zed', password: 'zed-password-1', role: 'viewer', isAdmin: true }),
    );
    expect(json(res)).toEqual({
      error: {
        code: 'OPSDECK_E_VALIDATION',
        message: 'Request body failed validation: /body/isAdmin is not an allowed field',
        details: [{ path: '/body/isAdmin', message: 'is not an allowed field' }],
      },
    });
  });

  it('refuses U+0000 in a string or a key with its JSON pointer (PostgreSQL cannot store it)', async () => {
    const res = await postUsers(
      JSON.stringify({ username: 'zed', password: 'zed-pass\u0000word', role: 'viewer' }),
    );
    expect(json(res)).toEqual({
      error: {
        code: 'OPSDECK_E_VALIDATION',
        message: 'Request body failed validation: /body/password must not contain U+0000',
        details: [
          { path: '/body/password', message: 'must not contain U+0000 (the database cannot store it)' },
        ],
      },
    });
    const key = await postUsers('{"username":"zed","pass\\u0000":"x"}');
    expect(key.statusCode).toBe(400);
    expect(json(key)).toMatchObject({ error: { details: [{ path: '/body/pass\u0000' }] } });
    // The text "\u0000" (a backslash, then u0000) is no such character.
    const text = await postUsers(
      JSON.stringify({ username: 'zed-nul', password: 'zed-pass\\u0000word', role: 'viewer' }),
    );
    expect(text.statusCode).toBe(201);
  });

  it('lists the allowed values of an enumerated field', async () => {
    const res = await postUsers(
      JSON.stringify({ username: 'zed', password: 'zed-password-1', role: 'root' }),
    );
    expect(json(res)).toMatchObject({
      error: {
        details: [
          { path: '/body/role', message: 'must be one of "viewer", "engineer", "approver", "admin"' },
        ],
      },
    });
  });

  it.each([
    ['an unknown API path', 'GET', '/api/nothing-here', 404, 'OPSDECK_E_NOT_FOUND'],
    ['an unknown method on a known path', 'PUT', '/api/users', 404, 'OPSDECK_E_NOT_FOUND'],
    ['a bad query parameter', 'GET', '/api/audit?limit=abc', 400, 'OPSDECK_E_VALIDATION'],
    ['an unknown query parameter', 'GET', '/api/audit?sort=desc', 400, 'OPSDECK_E_VALIDATION'],
    ['an out-of-range query parameter', 'GET', '/api/audit?limit=100000', 400, 'OPSDECK_E_VALIDATION'],
    ['an OpsdeckError thrown by a handler', 'GET', '/api/test/conflict', 409, 'OPSDECK_E_CONFLICT'],
    ['an unexpected exception', 'GET', '/api/test/boom', 500, 'OPSDECK_E_INTERNAL'],
  ])('maps %s to %i %s', async (_label, method, url, status, code) => {
    const res = await t.app.inject({ method: method as 'GET', url, cookies: { opsdeck_session: cookie } });
    expect(res.statusCode).toBe(status);
    expect(json(res)).toMatchObject({ error: { code } });
  });

  it('hides the message of an internal error from the client and logs it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/test/boom' });
    expect(json(res)).toEqual({
      error: { code: 'OPSDECK_E_INTERNAL', message: 'Internal error', details: [] },
    });
    expect(res.body).not.toContain('hunter2');
    expect(log.text()).toContain('database password is hunter2');
  });

  it("answers what Fastify's router refuses in opsdeck's shape, with the security headers", async () => {
    const cases: [string, number, string, string | undefined][] = [
      // Over the router's maxParamLength: was 414 {"error":"Bad Request","code":"FST_ERR_MAX_PARAM_LENGTH"}.
      [`/api/ingest/alertmanager/${'a'.repeat(300)}`, 400, 'OPSDECK_E_VALIDATION', '/params'],
      [`/api/incidents/${'a'.repeat(201)}`, 400, 'OPSDECK_E_VALIDATION', '/params'],
      // A bad percent-encoding: was 400 {"error":"Bad Request","code":"FST_ERR_BAD_URL"}.
      ['/api/ingest/alertmanager/%zz', 404, 'OPSDECK_E_NOT_FOUND', undefined],
    ];
    for (const [url, status, code, pointer] of cases) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      const body = json<{ error: { code: string; message: string; details: { path: string }[] } }>(res);
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error.code).toBe(code);
      if (pointer !== undefined) expect(body.error.details[0]?.path).toBe(pointer);
    }
    // An id the router takes (the guard runs before the route's schema): an unknown integration.
    const long = await t.app.inject({
      method: 'POST',
      url: `/api/ingest/alertmanager/${'a'.repeat(150)}`,
      payload: '{}',
    });
    expect(long.statusCode).toBe(401);
    expect(json<{ error: { code: string } }>(long).error.code).toBe('OPSDECK_E_UNAUTHENTICATED');
  });

  it('keeps serving after a barrage of hostile requests', async () => {
    const hostile = [
      '{'.repeat(5000),
      JSON.stringify({ username: 'a'.repeat(3000) }),
      '{"username": "\\ud800"}',
      JSON.stringify({ constructor: { prototype: { x: 1 } } }),
      '1e999999',
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1]).toString('latin1'),
    ];
    for (const payload of hostile) {
      const res = await postUsers(payload);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
  });
});
