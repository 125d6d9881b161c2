import { hash, timingSafeEqual } from 'node:crypto';
import { randomSecret } from './ids.js';

/** Prefix of every API token secret, so leaked tokens are recognisable by secret scanners. */
export const API_TOKEN_PREFIX = 'odk_';

const API_TOKEN_PATTERN = /^odk_[A-Za-z0-9_-]{43}$/;

/**
 * SHA-256 of a secret as lowercase hex; what the database stores instead of the secret. One-shot
 * (no Hash object): every ingest request hashes its key, and the Hash object's create, update and
 * digest were 7% of an ingest request's CPU (profiled with normalizing and storing switched off).
 */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** A new API token secret: `odk_` + 32 random bytes, base64url (47 characters). */
export function newApiTokenSecret(): string {
  return API_TOKEN_PREFIX + randomSecret(32);
}

/** True when `value` has the shape of an API token secret (cheap pre-check before a lookup). */
export function isApiTokenSecret(value: string): boolean {
  return API_TOKEN_PATTERN.test(value);
}

/** The part of a token shown in listings to recognise it: `odk_` + first 6 characters. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, API_TOKEN_PREFIX.length + 6);
}

/** A new session secret (the cookie value); the database keeps only its hash. */
export function newSessionSecret(): string {
  return randomSecret(32);
}

/** Constant-time equality of two hex digests of the same length. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
