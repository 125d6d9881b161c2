import { describe, expect, it } from 'vitest';
import { isStale, matchRunbooks, parseRunbook } from './runbooks.js';
import type { Runbook } from './runbooks.js';

const checkout = `---
owner: team-payments
services: [checkout]
matchers:
  - alertname="HighErrorRate"
  - service=~"checkout|cart"
last_reviewed: 2026-10-01
---
# Checkout 5xx

1. Check the last deploy.
`;

const disk = `---
owner: team-db
services: [db]
last_reviewed: "2026-06-01"
---
Free space first.
`;

function parsed(path: string, text: string): Runbook {
  const r = parseRunbook(path, text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('parseRunbook', () => {
  it('reads the front-matter, the title and a content-hash version', () => {
    const rb = parsed('runbooks/checkout.md', checkout);
    expect(rb).toMatchObject({
      title: 'Checkout 5xx',
      owner: 'team-payments',
      services: ['checkout'],
      lastReviewed: '2026-10-01',
      matchers: [
        { name: 'alertname', op: '=', value: 'HighErrorRate' },
        { name: 'service', op: '=~', value: 'checkout|cart' },
      ],
    });
    expect(rb.version).toMatch(/^[0-9a-f]{64}$/);
    expect(rb.body.startsWith('# Checkout 5xx')).toBe(true);
  });

  it('changes the version when the text changes and keeps it when it does not', () => {
    expect(parsed('a.md', checkout).version).toBe(parsed('b.md', checkout).version);
    expect(parsed('a.md', checkout).version).not.toBe(parsed('a.md', `${checkout}\n2. Roll back.\n`).version);
  });

  it('takes the file name as title when there is no heading', () => {
    expect(parsed('runbooks/disk-full.md', disk).title).toBe('disk-full');
  });

  it.each([
    ['no front-matter', '# Title\n', 'rb.md:1', 'has no YAML front-matter'],
    ['invalid YAML', '---\nowner: [a\n---\n', 'rb.md:', 'front-matter is not valid YAML'],
    [
      'a missing owner',
      '---\nservices: [a]\nlast_reviewed: 2026-01-01\n---\n',
      'rb.md:2',
      'owner: must be a non-empty string',
    ],
    [
      'services not a list',
      '---\nowner: o\nservices: a\nlast_reviewed: 2026-01-01\n---\n',
      'rb.md:3',
      'services: must be a list',
    ],
    [
      'a bad matcher',
      '---\nowner: o\nmatchers: ["nope"]\nlast_reviewed: 2026-01-01\n---\n',
      'rb.md:3',
      'matchers[0]:',
    ],
    ['a missing last_reviewed', '---\nowner: o\n---\n', 'rb.md:2', 'last_reviewed: must be a date'],
    [
      'a bad last_reviewed',
      '---\nowner: o\nlast_reviewed: soon\n---\n',
      'rb.md:3',
      'last_reviewed: must be a date',
    ],
    [
      'an impossible last_reviewed',
      '---\nowner: o\nlast_reviewed: 2026-02-30\n---\n',
      'rb.md:3',
      'last_reviewed: must be a date',
    ],
  ])('rejects %s with where and what', (_n, text, where, message) => {
    const r = parseRunbook('rb.md', text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('OPSDECK_E_VALIDATION');
    expect(r.error.where.startsWith(where)).toBe(true);
    expect(r.error.message).toContain(message);
  });
});

describe('isStale', () => {
  it.each([
    ['2026-10-01', '2026-12-30T00:00:00Z', false], // 90 days
    ['2026-10-01', '2026-12-30T00:00:01Z', true],
    ['2026-06-01', '2026-11-20T00:00:00Z', true],
  ])('reviewed %s is stale at %s: %s', (lastReviewed, now, stale) => {
    expect(isStale({ lastReviewed }, new Date(now))).toBe(stale);
  });
});

describe('matchRunbooks', () => {
  const rbs = [parsed('runbooks/disk.md', disk), parsed('runbooks/checkout.md', checkout)];
  const a1 = { dedupKey: 'a1', labels: { alertname: 'HighErrorRate', service: 'checkout' } };
  const a2 = { dedupKey: 'a2', labels: { alertname: 'HighErrorRate', service: 'search' } };
  const a3 = { dedupKey: 'a3', labels: { alertname: 'DiskFull', service: 'db' } };

  it('matches by label matchers', () => {
    expect(matchRunbooks(rbs, [a1, a2, a3]).map((m) => [m.runbook.path, m.alerts])).toEqual([
      ['runbooks/checkout.md', ['a1']],
    ]);
  });

  it('matches by the service the alerts were routed to', () => {
    expect(matchRunbooks(rbs, [a3], 'db').map((m) => m.runbook.path)).toEqual(['runbooks/disk.md']);
  });

  it('matches nothing for unrelated alerts', () => {
    expect(matchRunbooks(rbs, [a2], 'search')).toEqual([]);
  });
});
