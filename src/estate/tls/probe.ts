/**
 * Live TLS certificate checks: connect with SNI, read the served chain and judge it (days to
 * expiry with the 30/14/7 thresholds, hostname match, trust, weak keys and signatures). A target
 * that cannot be checked (DNS, refused, timeout, not TLS) is a result with an `error`, never a throw.
 */
import { X509Certificate } from 'node:crypto';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import { certLevel, type CertLevel } from '../certificates.js';
import { isWeakSignature, signatureAlgorithmName, signatureAlgorithmOid } from './der.js';

export interface TlsTarget {
  /** Name or address to connect to. */
  host: string;
  port: number;
  /** Name sent as SNI and checked against the certificate (default: `host` unless it is an IP). */
  servername?: string;
}

export interface ProbeOptions {
  /** Days to expiry are counted from this time. */
  now: Date;
  /** Connect + handshake timeout per target (default 10 s). */
  timeoutMs?: number;
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots. */
  ca?: string;
  /** Targets checked at once by `checkTargets` (default 8). */
  concurrency?: number;
}

export interface CertificateInfo {
  subject: string;
  /** Subject CN, if any. */
  commonName: string | null;
  /** DNS names and IP addresses of the subjectAltName extension. */
  sans: string[];
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** Whole days from `now` to notAfter (negative when expired). */
  daysToExpiry: number;
  /** `rsa`, `ec`, `ed25519`, ... */
  keyType: string;
  /** RSA modulus or EC curve size, when known. */
  keyBits: number | null;
  signatureAlgorithm: string | null;
  selfSigned: boolean;
  isCa: boolean;
  fingerprint256: string;
}

export type TlsFailureReason = 'dns' | 'refused' | 'timeout' | 'handshake' | 'network';

export interface TlsCheckResult {
  /** `host:port` as given (with the servername when it differs). */
  target: string;
  host: string;
  port: number;
  servername: string | null;
  checkedAt: string;
  /** Set when no certificate could be read; every other field below is then null/empty. */
  error: { code: 'OPSDECK_E_TLS_CHECK'; reason: TlsFailureReason; message: string } | null;
  protocol: string | null;
  cipher: string | null;
  /** Leaf first, then the rest of the chain as served (and completed from the trust store). */
  chain: CertificateInfo[];
  /** Earliest expiry among the leaf and the intermediates (normally the leaf's). */
  notAfter: string | null;
  daysToExpiry: number | null;
  level: CertLevel | null;
  hostnameMatch: boolean | null;
  hostnameError: string | null;
  trusted: boolean | null;
  /** OpenSSL verification error (e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`) or our own finding. */
  trustError: string | null;
  selfSigned: boolean | null;
  /** Keys and signatures below today's minimums, one line per problem. */
  weak: string[];
  /** Everything wrong, in words; empty when the certificate is fine. */
  problems: string[];
}

/** Whether a result needs attention beyond its expiry level: mismatch, untrusted, weak. */
export function isInvalid(r: TlsCheckResult): boolean {
  return r.error === null && (r.hostnameMatch === false || r.trusted === false || r.weak.length > 0);
}

const LEVEL_ORDER: readonly CertLevel[] = ['expired', 'critical', 'warning', 'notice', 'ok'];

/** True when `level` is as bad as `threshold` or worse (`expired` is worst). */
export function levelAtOrBelow(level: CertLevel, threshold: CertLevel): boolean {
  return LEVEL_ORDER.indexOf(level) <= LEVEL_ORDER.indexOf(threshold);
}

/** Verification results about time only: the expiry level reports those, not the trust verdict. */
const TIME_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

const CURVE_BITS: Record<string, number> = {
  prime192v1: 192,
  secp192r1: 192,
  secp224r1: 224,
  prime256v1: 256,
  secp256r1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};

let bundledRoots: X509Certificate[] | undefined;
function rootsOf(extraCa: string | undefined): X509Certificate[] {
  bundledRoots ??= tls.rootCertificates.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)];
    } catch {
      return [];
    }
  });
  return extraCa ? [...bundledRoots, ...splitPem(extraCa).map((p) => new X509Certificate(p))] : bundledRoots;
}

/** The PEM certificates in a bundle. @throws Error when there is none. */
export function splitPem(text: string): string[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate (-----BEGIN CERTIFICATE-----) found');
  for (const b of blocks) new X509Certificate(b);
  return blocks;
}

const DAY_MS = 86_400_000;

function daysBetween(now: Date, iso: string): number {
  return Math.floor((Date.parse(iso) - now.getTime()) / DAY_MS);
}

function sansOf(x: X509Certificate): string[] {
  const raw = x.subjectAltName;
  if (!raw) return [];
  return raw
    .split(/,\s*/)
    .map((s) => s.replace(/^(DNS|IP Address):/, ''))
    .filter((s) => s.length > 0);
}

function describe(x: X509Certificate, now: Date): CertificateInfo {
  const key = x.publicKey;
  const keyType = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  const keyBits =
    details.modulusLength ?? (details.namedCurve ? (CURVE_BITS[details.namedCurve] ?? null) : null);
  const oid = signatureAlgorithmOid(x.raw);
  const notBefore = new Date(x.validFrom).toISOString();
  const notAfter = new Date(x.validTo).toISOString();
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1] ?? null;
  let selfSigned = false;
  try {
    selfSigned = x.checkIssued(x) && x.verify(x.publicKey);
  } catch {
    selfSigned = false;
  }
  return {
    subject: x.subject.split('\n').join(', '),
    commonName: cn,
    sans: sansOf(x),
    issuer: x.issuer.split('\n').join(', '),
    serialNumber: x.serialNumber,
    notBefore,
    notAfter,
    daysToExpiry: daysBetween(now, notAfter),
    keyType,
    keyBits,
    signatureAlgorithm: oid ? signatureAlgorithmName(oid) : null,
    selfSigned,
    isCa: x.ca,
    fingerprint256: x.fingerprint256,
  };
}

/** The peer chain as X509Certificates, leaf first, stopping where it loops (a root). */
function chainOf(peer: PeerCertificate): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let c: tls.DetailedPeerCertificate | undefined = peer as tls.DetailedPeerCertificate;
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(new X509Certificate(c.raw));
    c = c.issuerCertificate;
  }
  return out;
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
}

/**
 * Our own path check, independent of the clock: does the served chain lead, signature by
 * signature, to a trusted root? (OpenSSL reports only one error, and an expired certificate's
 * error can hide an untrusted issuer.)
 */
function chainTrusted(chain: X509Certificate[], roots: X509Certificate[]): boolean {
  let current = chain[0];
  const used = new Set<X509Certificate>();
  while (current) {
    const c: X509Certificate = current;
    if (roots.some((r) => r.fingerprint256 === c.fingerprint256 || issuedBy(c, r))) return true;
    const next = chain.find((p) => p !== c && !used.has(p) && issuedBy(c, p));
    if (!next) return false;
    used.add(next);
    current = next;
  }
  return false;
}

function isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

export function targetLabel(t: TlsTarget): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  const base = `${host}:${t.port}`;
  return t.servername && t.servername !== t.host ? `${t.servername} via ${base}` : base;
}

function failureReason(e: NodeJS.ErrnoException): TlsFailureReason {
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return 'dns';
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'network';
    default:
      return 'handshake';
  }
}

interface Handshake {
  peer: PeerCertificate;
  authorizationError: string | null;
  protocol: string | null;
  cipher: string | null;
}

const contexts = new Map<string, tls.SecureContext>();

/**
 * One client context per CA bundle: building it parses every bundled root, which costs far more
 * than a local handshake. Weak protocols and keys are allowed so that they can be reported.
 */
function secureContextFor(ca: string | undefined): tls.SecureContext {
  const key = ca ?? '';
  let context = contexts.get(key);
  if (!context) {
    if (contexts.size >= 16) contexts.clear();
    context = tls.createSecureContext({
      ciphers: 'DEFAULT:@SECLEVEL=0',
      minVersion: 'TLSv1',
      ...(ca ? { ca: [...tls.rootCertificates, ca] } : {}),
    });
    contexts.set(key, context);
  }
  return context;
}

function handshake(
  target: TlsTarget,
  options: ProbeOptions,
  servername: string | undefined,
): Promise<Handshake> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise<Handshake>((resolve, reject) => {
    let socket: TLSSocket | undefined;
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      fn();
    };
    const timer = setTimeout(() => {
      const e: NodeJS.ErrnoException = new Error(`no TLS handshake within ${timeoutMs} ms`);
      e.code = 'ETIMEDOUT';
      finish(() => reject(e));
    }, timeoutMs);
    try {
      socket = tls.connect({
        host: target.host,
        port: target.port,
        ...(servername ? { servername } : {}),
        // Judge, do not refuse: weak, expired and untrusted endpoints are exactly what we report.
        rejectUnauthorized: false,
        secureContext: secureContextFor(options.ca),
      });
    } catch (e) {
      finish(() => reject(e instanceof Error ? e : new Error(String(e))));
      return;
    }
    const s = socket;
    s.once('secureConnect', () => {
      const peer = s.getPeerCertificate(true);
      const cipher = s.getCipher();
      const result: Handshake = {
        peer,
        authorizationError: s.authorizationError ? String(s.authorizationError) : null,
        protocol: s.getProtocol() ?? null,
        cipher: cipher ? cipher.standardName || cipher.name : null,
      };
      finish(() => resolve(result));
    });
    s.once('error', (e: Error) => finish(() => reject(e)));
    s.once('close', () => {
      const e: NodeJS.ErrnoException = new Error('connection closed before the TLS handshake completed');
      e.code = 'ECONNRESET';
      finish(() => reject(e));
    });
  });
}

function emptyResult(target: TlsTarget, servername: string | undefined, now: Date): TlsCheckResult {
  return {
    target: targetLabel(target),
    host: target.host,
    port: target.port,
    servername: servername ?? null,
    checkedAt: now.toISOString(),
    error: null,
    protocol: null,
    cipher: null,
    chain: [],
    notAfter: null,
    daysToExpiry: null,
    level: null,
    hostnameMatch: null,
    hostnameError: null,
    trusted: null,
    trustError: null,
    selfSigned: null,
    weak: [],
    problems: [],
  };
}

/** Checks one endpoint; never throws. */
export async function checkTarget(target: TlsTarget, options: ProbeOptions): Promise<TlsCheckResult> {
  const servername = target.servername ?? (isIp(target.host) ? undefined : target.host);
  const result = emptyResult(target, servername, options.now);
  let hs: Handshake;
  try {
    hs = await handshake(target, options, servername);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = failureReason(err);
    result.error = { code: 'OPSDECK_E_TLS_CHECK', reason, message: err.message || String(e) };
    result.problems.push(`cannot check: ${reason}: ${result.error.message}`);
    return result;
  }
  result.protocol = hs.protocol;
  result.cipher = hs.cipher;
  if (!hs.peer.raw) {
    result.error = {
      code: 'OPSDECK_E_TLS_CHECK',
      reason: 'handshake',
      message: 'the server sent no certificate',
    };
    result.problems.push('cannot check: the server sent no certificate');
    return result;
  }
  const now = options.now;
  const x509 = chainOf(hs.peer);
  const chain = x509.map((x) => describe(x, now));
  result.chain = chain;
  const leaf = chain[0]!;

  // Expiry: the leaf and every certificate the trust depends on short of a self-signed anchor.
  const expiring = chain.filter((c, i) => i === 0 || !c.selfSigned);
  const first = expiring.reduce((a, b) => (b.daysToExpiry < a.daysToExpiry ? b : a));
  result.notAfter = first.notAfter;
  result.daysToExpiry = first.daysToExpiry;
  result.level = certLevel(first.daysToExpiry);
  const notYet = Date.parse(leaf.notBefore) > now.getTime();
  if (first.daysToExpiry < 0) {
    result.problems.push(
      `${first === leaf ? 'certificate' : `intermediate "${first.subject}"`} expired ${-first.daysToExpiry} days ago (${first.notAfter})`,
    );
  } else if (result.level !== 'ok') {
    result.problems.push(
      `${first === leaf ? 'certificate' : `intermediate "${first.subject}"`} expires in ${first.daysToExpiry} days (${first.notAfter}): ${result.level}`,
    );
  }
  if (notYet) result.problems.push(`certificate is not valid before ${leaf.notBefore}`);

  // Hostname.
  const name = servername ?? target.host;
  const identityError = tls.checkServerIdentity(name, hs.peer);
  result.hostnameMatch = identityError === undefined;
  result.hostnameError = identityError ? identityError.message : null;
  if (identityError) result.problems.push(`hostname mismatch: ${identityError.message}`);

  // Trust.
  let ownTrust = false;
  try {
    ownTrust = chainTrusted(x509, rootsOf(options.ca));
  } catch {
    ownTrust = false;
  }
  const openSslError =
    hs.authorizationError && !TIME_ERRORS.has(hs.authorizationError) ? hs.authorizationError : null;
  result.selfSigned = leaf.selfSigned;
  result.trusted = ownTrust && openSslError === null;
  if (!result.trusted) {
    result.trustError =
      openSslError ?? (leaf.selfSigned ? 'DEPTH_ZERO_SELF_SIGNED_CERT' : 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    result.problems.push(
      leaf.selfSigned
        ? `self-signed certificate, not trusted (${result.trustError})`
        : `chain does not lead to a trusted root (${result.trustError})`,
    );
  }

  // Weak keys and signatures (a self-signed anchor's own signature is never checked by clients).
  for (const [i, c] of chain.entries()) {
    const who = i === 0 ? 'leaf' : `"${c.subject}"`;
    if (c.keyType === 'rsa' && c.keyBits !== null && c.keyBits < 2048)
      result.weak.push(`${who}: RSA key of ${c.keyBits} bits (< 2048)`);
    if (c.keyType === 'ec' && c.keyBits !== null && c.keyBits < 256)
      result.weak.push(`${who}: EC key of ${c.keyBits} bits (< 256)`);
    if (c.keyType === 'dsa') result.weak.push(`${who}: DSA key`);
    if ((i === 0 || !c.selfSigned) && c.signatureAlgorithm && isWeakSignature(c.signatureAlgorithm))
      result.weak.push(`${who}: weak signature ${c.signatureAlgorithm}`);
  }
  for (const w of result.weak) result.problems.push(`weak: ${w}`);
  return result;
}

/** Checks every target, at most `concurrency` at once; results in the order of `targets`. */
export async function checkTargets(
  targets: readonly TlsTarget[],
  options: ProbeOptions,
): Promise<TlsCheckResult[]> {
  const results: TlsCheckResult[] = new Array<TlsCheckResult>(targets.length);
  const limit = Math.max(1, options.concurrency ?? 8);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++;
      results[i] = await checkTarget(targets[i]!, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, targets.length) }, worker));
  return results;
}

/**
 * Parses `host`, `host:port`, `[v6]:port` (port defaults to 443).
 * @returns the target, or an error message.
 */
export function parseTarget(spec: string, defaultPort = 443): TlsTarget | string {
  const s = spec
    .trim()
    .replace(/^(https|tls):\/\//i, '')
    .replace(/\/.*$/, '');
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1]!;
    portText = v6[2];
  } else {
    const m = /^([^:\s[\]]+)(?::([^:]*))?$/.exec(s);
    if (!m) return `"${spec}" is not host[:port]`;
    host = m[1]!;
    portText = m[2];
  }
  if (!/^[A-Za-z0-9._:-]+$/.test(host)) return `"${host}" is not a valid host name or address`;
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return `port "${portText ?? ''}" of "${spec}" must be an integer 1-65535`;
  return { host: host.toLowerCase(), port };
}
