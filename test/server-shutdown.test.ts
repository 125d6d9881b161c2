import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/server/server.js';
import { testConfig } from './helpers/server.js';

describe('startServer', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-shutdown-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lets an in-flight request finish when shutting down, then refuses new connections', async () => {
    let printed = '';
    const stdout = new Writable({
      write(chunk: Buffer, _enc, done) {
        printed += chunk.toString();
        done();
      },
    });
    const config = testConfig({
      databaseUrl: `sqlite:${path.join(dir, 'opsdeck.db')}`,
      dataDir: dir,
      host: '127.0.0.1',
      // Any free port (the CLI accepts 1-65535; the function itself takes 0).
      port: 0,
      adminPassword: 'shutdown-admin-password',
    });
    const server = await startServer(config, { stdout, handleSignals: false });
    expect(printed).toBe('');
    const { port } = new URL(server.url);
    const arrived = new Promise<void>((resolve) => server.app.server.once('request', () => resolve()));
    const body = JSON.stringify({ username: 'admin', password: 'shutdown-admin-password' });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: Number(port),
          method: 'POST',
          path: '/api/auth/login',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      // Headers and half the body now; the rest only after shutdown has begun.
      req.write(body.slice(0, 10));
      void arrived.then(() => {
        void server.close();
        setTimeout(() => req.end(body.slice(10)), 100);
      });
    });
    const res = await response;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ user: { username: 'admin' } });
    await server.closed;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
