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
 * The checkpoint thread of a listening server on SQLite: it copies WAL frames into the database
 * file while the server's connection keeps its own (rarer) checkpoints, which bound the WAL.
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

  it('copies the WAL into the database file from its own thread; the connection keeps its checkpoints', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-ckpt-'));
    const file = path.join(dir, 'opsdeck.db');
    handle = openDatabase(`sqlite:${file}`);
    await sql`create table t (id integer primary key, body text not null)`.execute(handle.db);

    const checkpointer = startSqliteCheckpointer(file, pino({ level: 'silent' }), 20);
    expect(await autocheckpoint(handle)).toBe(SQLITE_WAL_AUTOCHECKPOINT);
    const sizeBefore = statSync(file).size;
    const body = 'x'.repeat(2000);
    // ~1 MB: far below the connection's own checkpoint (SQLITE_WAL_AUTOCHECKPOINT pages), so the
    // rows reach the database file only if the thread copies them.
    for (let i = 0; i < 500; i++) await sql`insert into t (body) values (${body})`.execute(handle.db);
    const deadline = Date.now() + 10_000;
    while (statSync(file).size < sizeBefore + 500 * 2000 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(statSync(file).size).toBeGreaterThanOrEqual(sizeBefore + 500 * 2000);

    await checkpointer.stop();
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
