import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, isPasswordHash, needsRehash, verifyPassword } from './password.js';

const FAST = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores scrypt parameters, salt and hash in the string and verifies the right password only', async () => {
    const h = await hashPassword('correct horse', FAST);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(await verifyPassword('correct horsE', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('uses a fresh salt each time', async () => {
    expect(await hashPassword('same', FAST)).not.toBe(await hashPassword('same', FAST));
  });

  it('uses the default parameters (N=2^15) when none are given', async () => {
    const h = await hashPassword('x');
    expect(h.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('x', h)).toBe(true);
    expect(needsRehash(h)).toBe(false);
  });

  it.each(['', 'bcrypt$x', 'scrypt$1000$8$1$c2FsdA$aGFzaA', 'scrypt$1024$8$1$c2FsdA$', 'scrypt$a$b$c$d$e'])(
    'treats the malformed hash %j as not matching instead of throwing',
    async (stored) => {
      expect(isPasswordHash(stored)).toBe(false);
      expect(await verifyPassword('x', stored)).toBe(false);
    },
  );

  it('asks for a re-hash when the stored parameters are weaker than the current ones', async () => {
    expect(needsRehash(await hashPassword('x', FAST))).toBe(true);
  });

  it('generates URL-safe random passwords', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generatePassword()).not.toBe(a);
  });
});
