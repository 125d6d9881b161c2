import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  digestsEqual,
  displayPrefix,
  hashSecret,
  isApiTokenSecret,
  newApiTokenSecret,
} from './secret-hash.js';

describe('API token secrets', () => {
  it('are odk_ + 32 random bytes in base64url', () => {
    const s = newApiTokenSecret();
    expect(s).toMatch(/^odk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(s.slice(4), 'base64url')).toHaveLength(32);
    expect(isApiTokenSecret(s)).toBe(true);
    expect(newApiTokenSecret()).not.toBe(s);
  });

  it.each(['', 'odk_', 'odk_short', `pat_${'a'.repeat(43)}`, `odk_${'a'.repeat(42)}!`])(
    'rejects %j as a token',
    (v) => {
      expect(isApiTokenSecret(v)).toBe(false);
    },
  );

  it('hash to the SHA-256 hex digest and show only a short prefix', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // Stored hashes were made with createHash over UTF-8: non-ASCII secrets hash the same.
    expect(hashSecret('ключ 🔑')).toBe(createHash('sha256').update('ключ 🔑', 'utf8').digest('hex'));
    expect(displayPrefix('odk_ABCDEFGHIJ')).toBe('odk_ABCDEF');
  });

  it('compare digests in constant time and only when lengths match', () => {
    const d = hashSecret('x');
    expect(digestsEqual(d, hashSecret('x'))).toBe(true);
    expect(digestsEqual(d, hashSecret('y'))).toBe(false);
    expect(digestsEqual(d, d.slice(0, 10))).toBe(false);
  });
});
