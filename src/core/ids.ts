import { randomBytes, randomUUID } from 'node:crypto';

/** A random, sortable-enough identifier for database rows. */
export function newId(): string {
  return randomUUID();
}

/** URL-safe random secret of `bytes` bytes of entropy (tokens, ingest keys, session ids). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
