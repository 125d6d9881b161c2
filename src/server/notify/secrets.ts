import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { OpsdeckConfig } from '../../config/index.js';
import { OpsdeckError } from '../../core/errors.js';

/**
 * The server secret and what is derived from it: an AES-256-GCM key sealing notification channel
 * targets (webhook URLs carry credentials) and an HMAC-SHA256 key signing ack/resolve links.
 * The secret is `secret_key` (OPSDECK_SECRET_KEY) or, unset, a random key generated once into
 * `<data_dir>/secret.key` with mode 0600. Replicas sharing a PostgreSQL database must share it.
 */
export interface NotifyKeys {
  sealKey: Buffer;
  linkKey: Buffer;
}

export const SECRET_KEY_FILE = 'secret.key';

function readOrCreateKeyFile(dataDir: string): string {
  const file = path.join(dataDir, SECRET_KEY_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(file, e);
  }
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // `wx`: if another process created it meanwhile, use theirs.
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(file, e);
  }
  return readFileSync(file, 'utf8').trim();
}

function ioError(file: string, e: unknown): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_IO', `Cannot read or create the server secret key file ${file}`, [
    { path: file, message: `${(e as Error).message}; or set secret_key (OPSDECK_SECRET_KEY)` },
  ]);
}

export function deriveKeys(secret: string): NotifyKeys {
  const ikm = Buffer.from(secret, 'utf8');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', ikm, 'opsdeck', info, 32));
  return { sealKey: derive('notification-target-v1'), linkKey: derive('signed-link-v1') };
}

const cache = new WeakMap<OpsdeckConfig, NotifyKeys>();

/** The keys for a configuration, loaded (and the key file created) on first use. */
export function notifyKeys(config: OpsdeckConfig): NotifyKeys {
  let keys = cache.get(config);
  if (!keys) {
    keys = deriveKeys(config.secretKey ?? readOrCreateKeyFile(config.dataDir));
    cache.set(config, keys);
  }
  return keys;
}

/** AES-256-GCM: `v1.` + base64url(iv 12 | tag 16 | ciphertext). `aad` binds the box to its row. */
export function seal(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url')}`;
}

/** @throws Error when the box was not sealed with this key and aad (or was altered). */
export function unseal(key: Buffer, box: string, aad: string): string {
  if (!box.startsWith('v1.')) throw new Error('unknown sealed-box version');
  const raw = Buffer.from(box.slice(3), 'base64url');
  if (raw.length < 28) throw new Error('sealed box too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export type LinkAction = 'acknowledge' | 'resolve';

export interface LinkClaims {
  incidentId: string;
  action: LinkAction;
  userId: string;
  /** ISO time after which the link is refused. */
  expiresAt: string;
}

/** Default lifetime of a signed link. */
export const LINK_TTL_MS = 24 * 3600_000;

const ACTIONS: readonly LinkAction[] = ['acknowledge', 'resolve'];

/** `base64url(v1|incidentId|action|userId|expiryMs)` `.` `base64url(HMAC-SHA256)`. */
export function signLink(key: Buffer, claims: LinkClaims): string {
  const body = [
    'v1',
    claims.incidentId,
    claims.action,
    claims.userId,
    String(Date.parse(claims.expiresAt)),
  ].join('|');
  const mac = createHmac('sha256', key).update(body).digest();
  return `${Buffer.from(body, 'utf8').toString('base64url')}.${mac.toString('base64url')}`;
}

/**
 * The claims of a token signed with `key` and not expired at `now`.
 * @throws OpsdeckError OPSDECK_E_SIGNATURE_INVALID (malformed, altered, other key, expired)
 */
export function verifyLink(key: Buffer, token: string, now: Date): LinkClaims {
  const invalid = (why: string) =>
    new OpsdeckError('OPSDECK_E_SIGNATURE_INVALID', `This link is not valid: ${why}`, [
      { path: '/token', message: why },
    ]);
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw invalid('malformed token');
  const body = Buffer.from(parts[0], 'base64url').toString('utf8');
  const mac = Buffer.from(parts[1], 'base64url');
  const expected = createHmac('sha256', key).update(body).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw invalid('signature mismatch');
  const [version, incidentId, action, userId, expiry] = body.split('|');
  const expiresMs = Number(expiry);
  if (
    version !== 'v1' ||
    !incidentId ||
    !userId ||
    !ACTIONS.includes(action as LinkAction) ||
    !Number.isFinite(expiresMs)
  ) {
    throw invalid('malformed token');
  }
  if (now.getTime() > expiresMs) throw invalid(`expired at ${new Date(expiresMs).toISOString()}`);
  return { incidentId, action: action as LinkAction, userId, expiresAt: new Date(expiresMs).toISOString() };
}
