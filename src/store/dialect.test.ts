import { describe, expect, it } from 'vitest';
import { isTransientDatabaseError } from './dialect.js';

const withCode = (code: string): Error => Object.assign(new Error(code), { code });

describe('isTransientDatabaseError', () => {
  it('is true for lost connections, lock and serialization races, resources and shutdowns', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      '08006', // connection failure
      '40001', // serialization failure
      '40P01', // deadlock detected
      '53300', // too many connections
      '57P01', // admin shutdown
      'SQLITE_BUSY',
      'SQLITE_BUSY_SNAPSHOT',
      'SQLITE_LOCKED',
      'SQLITE_IOERR_WRITE',
      'SQLITE_FULL',
    ])
      expect(isTransientDatabaseError(withCode(code)), code).toBe(true);
  });

  it('is false for errors on the data, and for errors without a driver code', () => {
    for (const code of [
      '22021', // invalid byte sequence (U+0000 in text)
      '23502', // not null violation
      '23505', // unique violation
      '42P01', // undefined table
      'SQLITE_CONSTRAINT_NOTNULL',
      'SQLITE_TOOBIG',
      'SQLITE_MISMATCH',
    ])
      expect(isTransientDatabaseError(withCode(code)), code).toBe(false);
    expect(isTransientDatabaseError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientDatabaseError(undefined)).toBe(false);
  });
});
