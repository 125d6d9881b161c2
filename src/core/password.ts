import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters; stored inside every hash so they can be raised later. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** 2^15 x 8 x 1 = 32 MiB and about 60-100 ms per hash on a small server. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 32768, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function scryptAsync(
  password: string,
  salt: Buffer,
  keyLength: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function optionsOf(params: ScryptParams): ScryptOptions {
  // Node refuses N*r*128 >= maxmem (32 MiB by default); leave headroom for larger N.
  return { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
}

/**
 * Hashes a password with scrypt and a fresh 16-byte salt.
 * Result format: `scrypt$N$r$p$<salt base64url>$<hash base64url>`.
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptAsync(password, salt, KEY_LENGTH, optionsOf(params));
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (![params.N, params.r, params.p].every((v) => Number.isSafeInteger(v) && v > 0)) return undefined;
  // N must be a power of two above 1.
  if (params.N < 2 || (params.N & (params.N - 1)) !== 0) return undefined;
  const keyBuf = Buffer.from(key, 'base64url');
  if (keyBuf.length === 0) return undefined;
  return { params, salt: Buffer.from(salt, 'base64url'), key: keyBuf };
}

/** True when `stored` has the format `hashPassword` produces. */
export function isPasswordHash(stored: string): boolean {
  return parseHash(stored) !== undefined;
}

/**
 * Checks a password against a stored hash in constant time (for a given hash length).
 * A malformed stored hash verifies as false, never throws.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await scryptAsync(password, parsed.salt, parsed.key.length, optionsOf(parsed.params));
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when the stored hash uses weaker parameters than `params` (re-hash on next login). */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  return parsed.params.N < params.N || parsed.params.r < params.r || parsed.params.p < params.p;
}

/** A random password of `bytes` bytes of entropy, URL-safe (for generated admin passwords). */
export function generatePassword(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}
