import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { checkTarget, checkTargets, parseTarget, type TlsCheckResult } from '../src/estate/tls/probe.js';
import { generatePki, startTlsServer, type TestPki, type TlsTestServer } from './helpers/tls-certs.js';

let pki: TestPki;
const servers: Record<string, TlsTestServer> = {};
let plainTcp: Server;
let plainPort: number;
let silent: Server;
let silentPort: number;
const silentSockets: Socket[] = [];
let now: Date;

beforeAll(async () => {
  pki = await generatePki([
    { name: 'good', dns: ['good.test', 'www.good.test'], days: 200 },
    { name: 'soon', dns: ['soon.test'], days: 5, key: 'ec' },
    { name: 'expired', dns: ['expired.test'], days: -1, key: 'ec' },
    { name: 'self', dns: ['self.test'], days: 100, selfSigned: true, key: 'ec' },
    { name: 'weak', dns: ['weak.test'], days: 100, key: 'rsa:1024' },
    { name: 'sha1', dns: ['sha1.test'], days: 100, key: 'ec', digest: 'sha1' },
  ]);
  now = new Date();
  for (const name of Object.keys(pki.certs)) servers[name] = await startTlsServer(pki.certs[name]!);
  // A TCP server that is not TLS (answers HTTP) and one that never answers.
  plainTcp = createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  await new Promise<void>((r) => plainTcp.listen(0, '127.0.0.1', r));
  plainPort = (plainTcp.address() as AddressInfo).port;
  silent = createServer((s) => silentSockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  plainTcp?.close();
  for (const s of silentSockets) s.destroy();
  silent?.close();
  await pki?.cleanup();
});

const at = (name: string, servername: string) => ({
  host: '127.0.0.1',
  port: servers[name]!.port,
  servername,
});

describe('TLS probe against local servers', () => {
  it('reads a good chain: subject, SANs, issuer, dates, key, protocol; trusted with the extra CA', async () => {
    const r = await checkTarget(at('good', 'good.test'), { now, ca: pki.caPem });
    expect(r.error).toBeNull();
    expect(r.chain[0]).toMatchObject({
      commonName: 'good.test',
      sans: ['good.test', 'www.good.test'],
      keyType: 'rsa',
      keyBits: 2048,
      signatureAlgorithm: 'ecdsaWithSHA256',
      selfSigned: false,
    });
    expect(r.chain[0]!.issuer).toContain('opsdeck Test CA');
    expect(r.daysToExpiry).toBeGreaterThanOrEqual(198);
    expect(r.daysToExpiry).toBeLessThanOrEqual(200);
    expect(r.level).toBe('ok');
    expect(r.hostnameMatch).toBe(true);
    expect(r.trusted).toBe(true);
    expect(r.trustError).toBeNull();
    expect(r.protocol).toBe('TLSv1.3');
    expect(r.cipher).toMatch(/^TLS_/);
    expect(r.weak).toEqual([]);
    expect(r.problems).toEqual([]);
  });

  it('without the CA the same chain is untrusted', async () => {
    const r = await checkTarget(at('good', 'good.test'), { now });
    expect(r.trusted).toBe(false);
    expect(r.trustError).toMatch(/UNABLE_TO/);
    expect(r.problems.join('\n')).toMatch(/trusted root/);
  });

  it('counts days from the injected now and applies the 30/14/7 thresholds', async () => {
    const day = 86_400_000;
    const levels: Record<number, string> = {};
    for (const offset of [0, 160, 180, 190, 199, 230]) {
      const r = await checkTarget(at('good', 'good.test'), {
        now: new Date(now.getTime() + offset * day),
        ca: pki.caPem,
      });
      levels[offset] = `${r.level}`;
    }
    expect(levels).toEqual({
      0: 'ok',
      160: 'ok',
      180: 'notice',
      190: 'warning',
      199: 'critical',
      230: 'expired',
    });
    const early = await checkTarget(at('good', 'good.test'), {
      now: new Date(now.getTime() - day),
      ca: pki.caPem,
    });
    expect(early.problems).toEqual([expect.stringMatching(/^certificate is not valid before /)]);
  });

  it('reports a certificate expiring in 5 days as critical', async () => {
    const r = await checkTarget(at('soon', 'soon.test'), { now, ca: pki.caPem });
    expect(r.daysToExpiry).toBeGreaterThanOrEqual(4);
    expect(r.daysToExpiry).toBeLessThanOrEqual(5);
    expect(r.level).toBe('critical');
    expect(r.trusted).toBe(true);
    expect(r.problems.join('\n')).toMatch(/expires in [45] days/);
  });

  it('reports an expired certificate as expired, still trusted by its chain', async () => {
    const r = await checkTarget(at('expired', 'expired.test'), { now, ca: pki.caPem });
    expect(r.level).toBe('expired');
    expect(r.daysToExpiry).toBeLessThan(0);
    expect(r.trusted).toBe(true);
    expect(r.problems.join('\n')).toMatch(/expired \d+ days ago/);
  });

  it('an expired certificate from an unknown CA is untrusted too', async () => {
    const r = await checkTarget(at('expired', 'expired.test'), { now });
    expect(r.level).toBe('expired');
    expect(r.trusted).toBe(false);
  });

  it('reports a hostname mismatch', async () => {
    const r = await checkTarget(at('good', 'other.test'), { now, ca: pki.caPem });
    expect(r.hostnameMatch).toBe(false);
    expect(r.hostnameError).toMatch(/other\.test/);
    expect(r.problems.join('\n')).toMatch(/hostname mismatch/);
    const www = await checkTarget(at('good', 'www.good.test'), { now, ca: pki.caPem });
    expect(www.hostnameMatch).toBe(true);
  });

  it('reports a self-signed certificate as untrusted', async () => {
    const r = await checkTarget(at('self', 'self.test'), { now });
    expect(r.selfSigned).toBe(true);
    expect(r.trusted).toBe(false);
    expect(r.trustError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(r.problems.join('\n')).toMatch(/self-signed/);
  });

  it('reports a 1024-bit RSA key and a SHA-1 signature as weak', async () => {
    const weak = await checkTarget(at('weak', 'weak.test'), { now, ca: pki.caPem });
    expect(weak.chain[0]!.keyBits).toBe(1024);
    expect(weak.weak).toEqual(['leaf: RSA key of 1024 bits (< 2048)']);
    const sha1 = await checkTarget(at('sha1', 'sha1.test'), { now, ca: pki.caPem });
    expect(sha1.chain[0]!.signatureAlgorithm).toBe('ecdsaWithSHA1');
    expect(sha1.weak).toEqual(['leaf: weak signature ecdsaWithSHA1']);
  });

  it('turns connection failures into per-target results with OPSDECK_E_TLS_CHECK', async () => {
    const results: TlsCheckResult[] = await checkTargets(
      [
        { host: '127.0.0.1', port: plainPort, servername: 'plain.test' },
        { host: '127.0.0.1', port: silentPort, servername: 'silent.test' },
        { host: 'no-such-host.invalid', port: 443 },
        at('good', 'good.test'),
      ],
      { now, timeoutMs: 700, ca: pki.caPem, concurrency: 2 },
    );
    expect(results.map((r) => r.error?.reason ?? 'ok')).toEqual(['handshake', 'timeout', 'dns', 'ok']);
    expect(results.slice(0, 3).every((r) => r.error?.code === 'OPSDECK_E_TLS_CHECK')).toBe(true);
    expect(results[1]!.error!.message).toMatch(/700 ms/);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await checkTarget({ host: '127.0.0.1', port: closedPort }, { now });
    expect(refused.error?.reason).toBe('refused');
  });

  it('parses host[:port] targets', () => {
    expect(parseTarget('example.com')).toEqual({ host: 'example.com', port: 443 });
    expect(parseTarget('Example.COM:8443')).toEqual({ host: 'example.com', port: 8443 });
    expect(parseTarget('https://example.com/path')).toEqual({ host: 'example.com', port: 443 });
    expect(parseTarget('[::1]:9443')).toEqual({ host: '::1', port: 9443 });
    expect(parseTarget('example.com:0')).toMatch(/1-65535/);
    expect(parseTarget('exa mple')).toMatch(/not host\[:port\]/);
  });
});

class Capture extends Writable {
  text = '';
  isTTY?: boolean;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function cli(args: string[], tty = false) {
  const stdout = new Capture();
  if (tty) stdout.isTTY = true;
  const stderr = new Capture();
  const code = await main(['node', 'opsdeck', 'certs', 'check', ...args], {
    stdout,
    stderr,
    cwd: pki.dir,
    env: {},
  });
  return { code, out: stdout.text, err: stderr.text };
}

/** `name:port` plus the --resolve flag that sends it to 127.0.0.1. */
function via(server: string, name: string): string[] {
  const port = servers[server]!.port;
  return [`${name}:${port}`, '--resolve', `${name}:${port}:127.0.0.1`];
}

interface JsonOutput {
  failOn: string;
  summary: {
    targets: number;
    levels: Record<string, number>;
    invalid: number;
    errors: number;
    failing: number;
  };
  results: TlsCheckResult[];
}

describe('opsdeck certs check', () => {
  it('exits 0 when every certificate is fine; plain text without colours off a TTY', async () => {
    const r = await cli([...via('good', 'good.test'), '--ca', 'ca.pem']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      new RegExp(
        `^OK +\\d+ days  \\d{4}-\\d\\d-\\d\\d  good\\.test via 127\\.0\\.0\\.1:${servers['good']!.port}  CN=good\\.test; issuer O=opsdeck tests, CN=opsdeck Test CA; RSA 2048; TLSv1\\.3 TLS_`,
        'm',
      ),
    );
    expect(r.out).toContain('1 target: 1 ok; 0 at or below --fail-on warning or invalid');
    expect(r.out).not.toContain('\u001b[');
  });

  it('colours the level on a TTY', async () => {
    const r = await cli([...via('good', 'good.test'), '--ca', 'ca.pem'], true);
    expect(r.code).toBe(0);
    expect(r.out).toContain('\u001b[');
  });

  it('exits 1 when a certificate is at or below --fail-on, JSON lists every target', async () => {
    const r = await cli([
      ...via('good', 'good.test'),
      ...via('soon', 'soon.test'),
      '--ca',
      'ca.pem',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as JsonOutput;
    expect(doc.failOn).toBe('warning');
    expect(doc.summary).toEqual({
      targets: 2,
      levels: { expired: 0, critical: 1, warning: 0, notice: 0, ok: 1 },
      invalid: 0,
      errors: 0,
      failing: 1,
    });
    expect(doc.results.map((x) => [x.servername, x.level, x.trusted, x.hostnameMatch])).toEqual([
      ['good.test', 'ok', true, true],
      ['soon.test', 'critical', true, true],
    ]);
    const relaxed = await cli([...via('soon', 'soon.test'), '--ca', 'ca.pem', '--fail-on', 'expired']);
    expect(relaxed.code).toBe(0);
    expect(relaxed.out).toMatch(/^CRITICAL +[45] days/m);
  });

  it('exits 1 for an invalid certificate whatever --fail-on says: self-signed, mismatch, weak key', async () => {
    const self = await cli([...via('self', 'self.test'), '--fail-on', 'expired']);
    expect(self.code).toBe(1);
    expect(self.out).toMatch(/- self-signed certificate, not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    const mismatch = await cli([...via('good', 'wrong.test'), '--ca', 'ca.pem', '--fail-on', 'expired']);
    expect(mismatch.code).toBe(1);
    expect(mismatch.out).toMatch(/- hostname mismatch: .*wrong\.test/);
    const weak = await cli([...via('weak', 'weak.test'), '--ca', 'ca.pem', '--fail-on', 'expired']);
    expect(weak.code).toBe(1);
    expect(weak.out).toContain('- weak: leaf: RSA key of 1024 bits (< 2048)');
    expect(weak.out).toContain('1 invalid (hostname, trust or weak key)');
  });

  it('counts from --now', async () => {
    const later = new Date(now.getTime() + 400 * 86_400_000).toISOString();
    const r = await cli([
      ...via('good', 'good.test'),
      '--ca',
      'ca.pem',
      '--now',
      later,
      '--fail-on',
      'expired',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^EXPIRED +-\d+ days/m);
  });

  it('exits 3 with OPSDECK_E_TLS_CHECK when an endpoint cannot be checked, still reporting the others', async () => {
    const r = await cli([
      `127.0.0.1:${plainPort}`,
      ...via('good', 'good.test'),
      '--ca',
      'ca.pem',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(3);
    expect(r.err).toContain('error OPSDECK_E_TLS_CHECK: 1 of 2 targets could not be checked');
    expect(r.err).toContain(`127.0.0.1:${plainPort}: handshake:`);
    const doc = JSON.parse(r.out) as JsonOutput;
    expect(doc.results[0]!.error?.code).toBe('OPSDECK_E_TLS_CHECK');
    expect(doc.results[1]!.level).toBe('ok');
    const timeout = await cli([`127.0.0.1:${silentPort}`, '--timeout', '300']);
    expect(timeout.code).toBe(3);
    expect(timeout.out).toMatch(/^ERROR +- days/m);
    expect(timeout.err).toContain('timeout: no TLS handshake within 300 ms');
  });

  it('rejects bad usage with exit 2 and an unreadable --ca with exit 3', async () => {
    const bad = await cli(['example.com:99999']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/OPSDECK_E_USAGE.*1-65535/);
    expect(bad.err).toContain('<targets>[0]');
    const badResolve = await cli(['a.test', '--resolve', 'a.test']);
    expect(badResolve.code).toBe(2);
    const badLevel = await cli(['a.test', '--fail-on', 'sometimes']);
    expect(badLevel.code).toBe(2);
    const missing = await cli(['a.test', '--ca', 'missing.pem']);
    expect(missing.code).toBe(3);
    expect(missing.err).toMatch(/OPSDECK_E_IO: cannot use --ca missing\.pem/);
    await writeFile(path.join(pki.dir, 'not-pem.txt'), 'hello\n');
    const notPem = await cli(['a.test', '--ca', 'not-pem.txt']);
    expect(notPem.code).toBe(3);
    expect(notPem.err).toContain('no PEM certificate');
  });
});
