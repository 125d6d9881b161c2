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
});
