import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentHash } from './rows.js';

describe('contentHash', () => {
  it('is the SHA-256 of status, start, end and sorted labels, as stored by earlier versions', () => {
    // Stored hashes decide what is a duplicate: the value must not change across versions.
    const alert = {
      status: 'firing' as const,
      startsAt: '2026-11-27T08:00:00.000Z',
      labels: { severity: 'critical', alertname: 'DiskFull', instance: 'db-1:9100' },
    };
    const stored = createHash('sha256')
      .update(
        JSON.stringify([
          'firing',
          '2026-11-27T08:00:00.000Z',
          null,
          [
            ['alertname', 'DiskFull'],
            ['instance', 'db-1:9100'],
            ['severity', 'critical'],
          ],
        ]),
      )
      .digest('hex');
    expect(contentHash(alert)).toBe(stored);
    expect(contentHash({ ...alert, endsAt: '2026-11-27T09:00:00.000Z' })).not.toBe(stored);
    expect(contentHash({ ...alert, labels: { ...alert.labels, severity: 'warning' } })).not.toBe(stored);
  });

  it('does not depend on the order labels come in (sorted, unsorted, integer-like keys)', () => {
    const base = { status: 'resolved' as const, startsAt: '2026-11-27T08:00:00.000Z' };
    const sorted = contentHash({ ...base, labels: { a: '1', b: '2', c: '3' } });
    expect(contentHash({ ...base, labels: { c: '3', a: '1', b: '2' } })).toBe(sorted);
    expect(contentHash({ ...base, labels: { b: '2', c: '3', a: '1' } })).toBe(sorted);
    // Object.keys lists integer-like keys first, in numeric order; the hash sorts them as strings.
    const numeric = createHash('sha256')
      .update(
        JSON.stringify([
          'resolved',
          base.startsAt,
          null,
          [
            ['10', 'x'],
            ['9', 'y'],
            ['a', 'z'],
          ],
        ]),
      )
      .digest('hex');
    expect(contentHash({ ...base, labels: { a: 'z', '9': 'y', '10': 'x' } })).toBe(numeric);
  });
});
