import type { Clock } from '../../core/clock.js';
import { hashSecret } from '../../core/secret-hash.js';
import type { AuthContext } from './route-permission.js';

/**
 * A very short-lived memory of resolved credentials, so a busy API client does not cost a
 * database round trip per request. Any change made through this process's API (logout, user
 * update, token revoke) clears it at once; a change made elsewhere (another replica, the CLI)
 * takes effect within `ttlMs`. Keys are SHA-256 digests, never the secrets themselves.
 */
export class AuthCache {
  readonly #entries = new Map<string, { auth: AuthContext; until: number }>();
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(clock: Clock, ttlMs = 2_000, maxEntries = 10_000) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
  }

  static keyOf(kind: 'token' | 'session', secret: string): string {
    return `${kind}:${hashSecret(secret)}`;
  }

  get(key: string): AuthContext | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.#clock.now().getTime() >= entry.until) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.auth;
  }

  /** Remembers `auth` for the TTL, but never past `expiresAt` (the credential's own expiry). */
  set(key: string, auth: AuthContext, expiresAt: string | null): void {
    if (this.#ttlMs <= 0) return;
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    const now = this.#clock.now().getTime();
    const hard = expiresAt === null ? Infinity : Date.parse(expiresAt);
    this.#entries.set(key, { auth, until: Math.min(now + this.#ttlMs, hard) });
  }

  /** Credentials remembered now (expired ones included until looked up). */
  get size(): number {
    return this.#entries.size;
  }

  /** Forgets everything: called after any change to users, sessions or tokens. */
  clear(): void {
    this.#entries.clear();
  }
}
