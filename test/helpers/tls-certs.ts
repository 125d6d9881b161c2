/**
 * Certificates generated at test time with the `openssl` CLI (a CA, leaves signed by it, an expired
 * one, a self-signed one, weak ones) and real `tls.createServer` servers on 127.0.0.1 serving them.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function openssl(cwd: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd });
}

export interface LeafSpec {
  name: string;
  /** subjectAltName DNS names (the CN is the first). */
  dns: string[];
  /** Validity in days from now; -1 makes a certificate that expired yesterday. */
  days: number;
  /** `rsa:2048` (default), `rsa:1024`, `ec`. */
  key?: 'rsa:2048' | 'rsa:1024' | 'ec';
  /** Signature digest (default sha256). */
  digest?: 'sha256' | 'sha1';
  /** Self-signed instead of signed by the test CA. */
  selfSigned?: boolean;
}

export interface GeneratedCert {
  key: string;
  /** Leaf PEM (followed by nothing: the CA is not sent). */
  cert: string;
}

export interface TestPki {
  dir: string;
  caFile: string;
  caPem: string;
  certs: Record<string, GeneratedCert>;
  cleanup(): Promise<void>;
}

function keyArgs(key: LeafSpec['key']): string[] {
  return key === 'ec'
    ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
    : ['-newkey', key ?? 'rsa:2048'];
}

/** A CA (EC P-256, 10 years) and the given leaves, in a temporary directory. */
export async function generatePki(leaves: readonly LeafSpec[]): Promise<TestPki> {
  const dir = await mkdtemp(path.join(tmpdir(), 'opsdeck-pki-'));
  await openssl(dir, [
    'req',
    '-x509',
    '-nodes',
    ...keyArgs('ec'),
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '3650',
    '-subj',
    '/O=opsdeck tests/CN=opsdeck Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const certs: Record<string, GeneratedCert> = {};
  await Promise.all(
    leaves.map(async (l) => {
      const san = l.dns.map((d) => `DNS:${d}`).join(',');
      const digest = `-${l.digest ?? 'sha256'}`;
      if (l.selfSigned) {
        await openssl(dir, [
          'req',
          '-x509',
          '-nodes',
          ...keyArgs(l.key),
          '-keyout',
          `${l.name}.key`,
          '-out',
          `${l.name}.pem`,
          '-days',
          String(l.days),
          digest,
          '-subj',
          `/CN=${l.dns[0]}`,
          '-addext',
          `subjectAltName=${san}`,
        ]);
      } else {
        await openssl(dir, [
          'req',
          '-new',
          '-nodes',
          ...keyArgs(l.key),
          '-keyout',
          `${l.name}.key`,
          '-out',
          `${l.name}.csr`,
          '-subj',
          `/CN=${l.dns[0]}`,
        ]);
        await writeFile(
          path.join(dir, `${l.name}.ext`),
          `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
        );
        await openssl(dir, [
          'x509',
          '-req',
          '-in',
          `${l.name}.csr`,
          '-CA',
          'ca.pem',
          '-CAkey',
          'ca.key',
          '-set_serial',
          `0x${randomBytes(8).toString('hex')}`,
          '-days',
          String(l.days),
          digest,
          '-extfile',
          `${l.name}.ext`,
          '-out',
          `${l.name}.pem`,
        ]);
      }
      certs[l.name] = {
        key: await readFile(path.join(dir, `${l.name}.key`), 'utf8'),
        cert: await readFile(path.join(dir, `${l.name}.pem`), 'utf8'),
      };
    }),
  );
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    caPem: await readFile(path.join(dir, 'ca.pem'), 'utf8'),
    certs,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface TlsTestServer {
  port: number;
  close(): Promise<void>;
}

/** A real TLS server on 127.0.0.1 (ephemeral port) serving `cert`; weak keys allowed (SECLEVEL=0). */
export async function startTlsServer(cert: GeneratedCert): Promise<TlsTestServer> {
  const server = tls.createServer({ key: cert.key, cert: cert.cert, ciphers: 'DEFAULT:@SECLEVEL=0' }, (s) => {
    s.on('error', () => undefined);
    s.end();
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
