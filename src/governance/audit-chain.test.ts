import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  canonicalJson,
  chainEntry,
  entryHash,
  redactSecrets,
  verifyChain,
  type AuditEntry,
} from './audit-chain.js';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 1; i <= n; i++) {
    out.push(
      chainEntry(out[out.length - 1], {
        at: `2026-01-01T00:00:0${i % 10}.000Z`,
        actor: 'user:alice',
        action: 'user.update',
        target: `user:${i}`,
        summary: `change ${i}`,
        before: null,
        after: { i },
      }),
    );
  }
  return out;
}

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: [true, null, 'x'] }, '{"a":[true,null,"x"],"b":1}'],
    [{ z: { y: 1, x: 2 }, u: undefined }, '{"z":{"x":2,"y":1}}'],
    ['é"\n', '"é\\"\\n"'],
    [null, 'null'],
  ])('encodes %j as %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('gives the same text whatever the key insertion order', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
  });

  it.each([[Number.NaN], [Infinity], [10n], [() => 1]])('refuses %s', (value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});

describe('the hash chain', () => {
  it('starts at seq 1 on the genesis hash and links each entry to the previous hash', () => {
    const c = chain(3);
    expect(c.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(c[0]?.prevHash).toBe(GENESIS_HASH);
    expect(c[1]?.prevHash).toBe(c[0]?.hash);
    expect(c[2]?.hash).toBe(entryHash(c[1]!.hash, c[2]!));
    expect(c[2]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies an intact chain and an empty one', () => {
    expect(verifyChain(chain(5))).toEqual({ ok: true, checked: 5 });
    expect(verifyChain([])).toEqual({ ok: true, checked: 0 });
  });

  it.each([
    {
      what: 'an altered summary',
      tamper: (c: AuditEntry[]) => (c[2]!.summary = 'x'),
      seq: 3,
      reason: /altered/,
    },
    {
      what: 'an altered actor',
      tamper: (c: AuditEntry[]) => (c[0]!.actor = 'mallory'),
      seq: 1,
      reason: /altered/,
    },
    {
      what: 'a deleted entry',
      tamper: (c: AuditEntry[]) => c.splice(1, 1),
      seq: 2,
      reason: /entry 2 missing/,
    },
    {
      what: 'two deleted entries',
      tamper: (c: AuditEntry[]) => c.splice(1, 2),
      seq: 2,
      reason: /entry 2-3 missing/,
    },
    {
      what: 'two swapped entries (renumbered)',
      tamper: (c: AuditEntry[]) => {
        const [a, b] = [c[1]!, c[2]!];
        c[1] = { ...b, seq: 2 };
        c[2] = { ...a, seq: 3 };
      },
      seq: 2,
      reason: /prev_hash/,
    },
    {
      what: 'two swapped entries (seq kept)',
      tamper: (c: AuditEntry[]) => {
        const [a, b] = [c[1]!, c[2]!];
        c[1] = b;
        c[2] = a;
      },
      seq: 2,
      reason: /entry 2 missing/,
    },
    {
      what: 'a truncated start',
      tamper: (c: AuditEntry[]) => c.shift(),
      seq: 1,
      reason: /missing/,
    },
  ])('detects $what and names seq $seq', ({ tamper, seq, reason }) => {
    const c = chain(5);
    tamper(c);
    const verdict = verifyChain(c);
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBad?.seq).toBe(seq);
    expect(verdict.firstBad?.reason).toMatch(reason);
  });

  it('detects an entry rewritten with a consistent hash but cut from its predecessor', () => {
    const c = chain(4);
    const forged = chainEntry({ seq: 2, hash: 'f'.repeat(64) }, { ...c[2]!, summary: 'forged' });
    c[2] = forged;
    expect(verifyChain(c).firstBad).toEqual({
      seq: 3,
      reason: expect.stringMatching(/prev_hash.*seq 2/) as string,
    });
  });
});

describe('redactSecrets', () => {
  it('redacts secret-looking keys at any depth and API token strings, and keeps the rest', () => {
    expect(
      redactSecrets({
        username: 'a',
        password: 'p',
        passwordHash: 'h',
        token_hash: 'h',
        apiKey: 'k',
        tokenId: 'id-is-fine',
        list: [{ clientSecret: 's' }, `odk_${'x'.repeat(43)}`],
        at: new Date('2026-01-01T00:00:00Z'),
        skip: undefined,
      }),
    ).toEqual({
      username: 'a',
      password: '[redacted]',
      passwordHash: '[redacted]',
      token_hash: '[redacted]',
      apiKey: '[redacted]',
      tokenId: 'id-is-fine',
      list: [{ clientSecret: '[redacted]' }, '[redacted]'],
      at: '2026-01-01T00:00:00.000Z',
    });
  });
});
