import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A port nobody listens on right now (the OS picks it; we release it for the child). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs `opsdeck <args>` from the TypeScript sources (works right after `npm ci`). */
function runCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const entry = `const { main } = await import(${JSON.stringify(path.join(root, 'src/cli/main.ts'))});
process.exitCode = await main(['node', 'opsdeck', ...process.argv.slice(1)]);`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', entry, ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitFor(
  read: () => string,
  pattern: RegExp,
  child: ChildProcess,
  ms: number,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = setInterval(() => {
      const match = read().match(pattern);
      if (match) {
        clearInterval(tick);
        resolve(match);
      } else if (child.exitCode !== null || Date.now() - started > ms) {
        clearInterval(tick);
        reject(new Error(`no ${pattern} (exit ${child.exitCode}) in output:\n${read()}`));
      }
    }, 50);
  });
}

describe('opsdeck serve as a real process', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'opsdeck-serve-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts on a fresh data dir, prints the admin password once, serves, and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, OPSDECK_DATA_DIR: dataDir, OPSDECK_LOG_LEVEL: 'info' };
    delete env['OPSDECK_ADMIN_PASSWORD'];
    delete env['OPSDECK_DATABASE_URL'];
    delete env['OPSDECK_CONFIG'];
    const child = runCli(['serve', '--host', '127.0.0.1', '--port', String(port)], env);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => out, /opsdeck listening on (http:\/\/127\.0\.0\.1:\d+)/, child, 60_000);
      const password = out.match(/generated password:\s+(\S+)/)?.[1];
      expect(password).toBeDefined();
      const base = `http://127.0.0.1:${port}`;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      // The password appears once, on the terminal line, never in a structured log line.
      expect(out.split(password!).length - 1).toBe(1);
      for (const line of out.split('\n').filter((l) => l.startsWith('{')))
        expect(line).not.toContain(password!);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await exited;
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toContain('opsdeck stopped');
  }, 120_000);
});
