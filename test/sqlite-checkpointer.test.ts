import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/store/index.js';
import { SQLITE_WAL_AUTOCHECKPOINT } from '../src/store/dialect.js';
import { startSqliteCheckpointer } from '../src/store/sqlite-checkpointer.js';

/**
 * The checkpoint thread of a listening server on SQLite: while it runs the server's connection
 * does not checkpoint (wal_autocheckpoint 0), the thread copies the WAL into the database file,
 * and stopping it gives checkpoints back to the connection.
 */
describe('SQLite checkpoint thread', () => {
  let dir: string | undefined;
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const autocheckpoint = async (h: DatabaseHandle): Promise<number> => {
    const r = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(h.db);
    return Number(r.rows[0]?.wal_autocheckpoint);
  };

  it('checkpoints the WAL from its own thread and hands checkpoints back when stopped', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-ckpt-'));
    const file = path.join(dir, 'opsdeck.db');
    handle = openDatabase(`sqlite:${file}`);
    await sql`create table t (id integer primary key, body text not null)`.execute(handle.db);
    expect(await autocheckpoint(handle)).toBe(SQLITE_WAL_AUTOCHECKPOINT);

    const checkpointer = await startSqliteCheckpointer(handle.db, file, pino({ level: 'silent' }), 20);
    expect(await autocheckpoint(handle)).toBe(0);
    const sizeBefore = statSync(file).size;
    const body = 'x'.repeat(2000);
    for (let i = 0; i < 500; i++) await sql`insert into t (body) values (${body})`.execute(handle.db);
    // The rows reach the database file itself (not only the WAL) without the connection
    // checkpointing: the thread did it.
    const deadline = Date.now() + 10_000;
    while (statSync(file).size < sizeBefore + 500 * 2000 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(statSync(file).size).toBeGreaterThanOrEqual(sizeBefore + 500 * 2000);

    await checkpointer.stop();
    expect(await autocheckpoint(handle)).toBe(SQLITE_WAL_AUTOCHECKPOINT);
    const rows = await sql<{ n: number }>`select count(*) as n from t`.execute(handle.db);
    expect(Number(rows.rows[0]?.n)).toBe(500);
  });
});

describe('sqlite_synchronous', () => {
  it('sets PRAGMA synchronous: NORMAL (1) by default, FULL (2) when asked', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-sync-'));
    try {
      for (const [option, expected] of [
        [undefined, 1],
        ['normal', 1],
        ['full', 2],
      ] as const) {
        const h = openDatabase(`sqlite:${path.join(dir, `${option ?? 'default'}.db`)}`, {
          ...(option && { sqliteSynchronous: option }),
        });
        const r = await sql<{ synchronous: number }>`pragma synchronous`.execute(h.db);
        expect(Number(r.rows[0]?.synchronous)).toBe(expected);
        await h.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
