import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { testDialects } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { fixtures, haveSharedData, sharedData, unwrapRecordings } from './fixtures/estate/shared-data.js';

const dialects = await testDialects();
const have = haveSharedData('estate push tests');

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function run(args: string[], cwd: string, env: Record<string, string>) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(['node', 'opsdeck', 'estate', ...args], {
    stdout,
    stderr,
    cwd,
    env: { OPSDECK_SHARED_DATA: sharedData, ...env },
  });
  return { code, out: stdout.text, err: stderr.text };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available || !have)(`opsdeck estate push to a listening server on ${dialect}`, () => {
    let s: TestServer;
    let writeToken: string;
    let readToken: string;
    const work = mkdtempSync(path.join(tmpdir(), 'opsdeck-estate-push-'));
    const live = have
      ? unwrapRecordings(['test_ebs_instance_filter', 'test_eip_used_by', 'test_s3_get_resources'])
      : '';

    /** Logs in as `username` over HTTP and creates a token with `scopes`; returns its secret. */
    async function token(username: string, password: string, scopes: string[]): Promise<string> {
      const login = await fetch(`${s.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: s.baseUrl },
        body: JSON.stringify({ username, password }),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const made = await fetch(`${s.baseUrl}/api/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, origin: s.baseUrl },
        body: JSON.stringify({ name: `push-${scopes.join('-')}`, scopes, expiresInDays: 1 }),
      });
      expect(made.status, await made.clone().text()).toBe(201);
      return ((await made.json()) as { secret: string }).secret;
    }

    beforeAll(async () => {
      s = await startTestServer({ dialect });
      writeToken = await token('admin', s.adminPassword, ['estate:read', 'estate:write']);
      readToken = await token('admin', s.adminPassword, ['estate:read']);
    }, 60_000);
    afterAll(async () => s?.close());

    it('imports paths, pushes them with the token and prints the server figures', async () => {
      const r = await run(
        [
          'push',
          live,
          path.join(fixtures, 'v3.tfstate'),
          '--server',
          s.baseUrl,
          '--now',
          '2026-11-27T00:00:00Z',
          '--source',
          'ci nightly',
        ],
        work,
        { OPSDECK_TOKEN: writeToken },
      );
      expect(r.err).not.toMatch(/^error/m);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(
        /^pushed snapshot \S+ taken 2026-11-27T00:00:00.000Z: 8 resources; IaC coverage 11.11% \(managed 1, unmanaged 7, missing 1\); tag compliance [\d.]+% \(\d+ non-compliant\); waste \d+ findings, \$[\d.]+\/month\n$/,
      );
      const list = await fetch(`${s.baseUrl}/api/estate/snapshots`, {
        headers: { authorization: `Bearer ${readToken}` },
      });
      const items = ((await list.json()) as { items: Array<{ source: string; importedBy: string }> }).items;
      expect(items).toEqual([expect.objectContaining({ source: 'ci nightly', importedBy: 'user:admin' })]);
    });

    it('pushes a snapshot file, with --token-env, and exits 1 when a threshold is not met', async () => {
      const imp = await run(
        ['import', live, '--out', 'snap.json', '--now', '2026-11-28T00:00:00Z'],
        work,
        {},
      );
      expect(imp.code).toBe(0);
      const r = await run(
        [
          'push',
          '--snapshot',
          'snap.json',
          '--server',
          `${s.baseUrl}/`,
          '--token-env',
          'CI_OPSDECK',
          '--min-tag-compliance',
          '100',
        ],
        work,
        { CI_OPSDECK: writeToken },
      );
      expect(r.out).toMatch(/^pushed snapshot .* taken 2026-11-28T00:00:00.000Z: 8 resources/);
      expect(r.err).toMatch(
        /^threshold not met: tag compliance [\d.]+% is below --min-tag-compliance 100%\n$/,
      );
      expect(r.code).toBe(1);
    });

    it.each([
      [
        'a token without estate:write',
        () => readToken,
        4,
        /the token in OPSDECK_TOKEN may not push snapshots \(OPSDECK_E_FORBIDDEN/,
      ],
      [
        'an unknown token',
        () => 'odk_not-a-real-token-0000000000000000000',
        4,
        /the server refused the token in OPSDECK_TOKEN \(OPSDECK_E_UNAUTHENTICATED/,
      ],
    ])('refuses %s with a clear error', async (_what, secret, exit, message) => {
      const r = await run(['push', '--snapshot', 'snap.json', '--server', s.baseUrl], work, {
        OPSDECK_TOKEN: secret(),
      });
      expect(r.code).toBe(exit);
      expect(r.err).toMatch(message);
    });

    it('reports usage errors, an unreachable server and a snapshot the server rejects', async () => {
      const noToken = await run(['push', '--snapshot', 'snap.json', '--server', s.baseUrl], work, {});
      expect(noToken.code).toBe(2);
      expect(noToken.err).toMatch(/set OPSDECK_TOKEN to an API token with the estate:write scope/);
      const badUrl = await run(['push', '--snapshot', 'snap.json', '--server', 'ftp://x'], work, {
        OPSDECK_TOKEN: writeToken,
      });
      expect(badUrl.code).toBe(2);
      const port = await closedPort();
      const down = await run(
        ['push', '--snapshot', 'snap.json', '--server', `http://127.0.0.1:${port}`],
        work,
        {
          OPSDECK_TOKEN: writeToken,
        },
      );
      expect(down.code).toBe(3);
      expect(down.err).toMatch(/OPSDECK_E_SERVER_UNREACHABLE/);
      expect(down.err).toMatch(/ECONNREFUSED/);
      writeFileSync(
        path.join(work, 'bad.json'),
        JSON.stringify({
          version: 1,
          takenAt: '2026-11-28T00:00:00Z',
          resources: [{ provider: 'aws' }],
          managed: [],
        }),
      );
      const bad = await run(['push', '--snapshot', 'bad.json', '--server', s.baseUrl], work, {
        OPSDECK_TOKEN: writeToken,
      });
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/OPSDECK_E_VALIDATION/);
      expect(bad.err).toMatch(/\/body\/resources\/0\/type/);
    });
  });
}
