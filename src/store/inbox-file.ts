import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { OpsdeckError } from '../core/errors.js';

/** The ingest inbox file of a SQLite database file: `<database>.inbox` (with its own -wal and -shm). */
export function inboxFileOf(databaseFile: string): string {
  return `${databaseFile}.inbox`;
}

/** A request row of the inbox file, as the processor reads it. */
export interface InboxFileRow {
  seq: number;
  integration_id: string;
  received_at: string;
  batch: string;
  alert_count: number;
  body: string | null;
}

/** What `append` writes per request. */
export type InboxFileInput = Omit<InboxFileRow, 'seq'>;

const SCHEMA = `create table if not exists requests (
  seq integer primary key autoincrement,
  integration_id text not null,
  received_at text not null,
  batch text not null,
  alert_count integer not null,
  body text
)`;

/** Whether `e` is SQLite's "the database is locked" (another connection holds the write lock). */
export function isSqliteBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}

/**
 * SQLite only: accepted ingest requests, in a file of their own next to the database.
 *
 * Why a second file: SQLite has one write lock per database file. With the inbox a table of the
 * database, every ingest group commit waited while the incident processor's transaction (up to
 * 400 alerts, 30-60 ms) held that lock: 11-24% of a single-alert flood in bench:ingest. Only
 * ingestion writes this file, and only the processor reads it, so neither waits for the other.
 *
 * How the two files stay consistent without a transaction across them (SQLite's WAL mode does
 * not commit attached databases atomically): the database holds the sequence number up to which
 * requests are processed (`ops_inbox_progress.processed_seq`), written in the processor's own
 * transaction. Requests at or below it are done and pruned from this file later; requests above
 * it are pending. `seq` is AUTOINCREMENT (never reused after a prune), and a writer first raises
 * the file's sequence to the processed one, so a deleted or older file never hands out a number
 * the database already counts as processed.
 *
 * Opened on first use, with its own connection (WAL, `synchronous` as the database's). A writer
 * does not wait inside SQLite (`busy_timeout` 0: the event loop must not block); callers retry on
 * SQLITE_BUSY (`isSqliteBusy`). A reader or pruner waits up to 5 s.
 */
export class SqliteInboxFile {
  readonly file: string;
  readonly #synchronous: 'NORMAL' | 'FULL';
  #sqlite: BetterSqlite3.Database | undefined;
  #statements = new Map<string, BetterSqlite3.Statement>();
  #writer = false;
  #sequenceChecked = false;
  #append: BetterSqlite3.Transaction<(list: readonly InboxFileInput[]) => void> | undefined;
  readonly #waits: { waits: number; seconds: number } | undefined;

  /**
   * `waits`: where to count the writer's waits for the file's lock (the database connection's
   * counter, metric opsdeck_sqlite_lock_wait_*: the same thread's waits, whichever file).
   */
  constructor(
    databaseFile: string,
    synchronous: 'normal' | 'full' = 'normal',
    waits?: { waits: number; seconds: number },
  ) {
    this.file = inboxFileOf(databaseFile);
    this.#synchronous = synchronous === 'full' ? 'FULL' : 'NORMAL';
    this.#waits = waits;
  }

  /** Counts a wait of the writer for the file's lock (a prune held it), once it ended. */
  countWait(seconds: number): void {
    if (!this.#waits) return;
    this.#waits.waits++;
    this.#waits.seconds += seconds;
  }

  #open(): BetterSqlite3.Database {
    if (this.#sqlite) return this.#sqlite;
    try {
      if (!existsSync(this.file)) closeSync(openSync(this.file, 'a', 0o600));
      chmodSync(this.file, 0o600);
      const sqlite = new BetterSqlite3(this.file);
      sqlite.pragma('busy_timeout = 5000');
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma(`synchronous = ${this.#synchronous}`);
      sqlite.exec(SCHEMA);
      this.#sqlite = sqlite;
      return sqlite;
    } catch (e) {
      throw new OpsdeckError('OPSDECK_E_DB_UNREACHABLE', `Cannot open the ingest inbox file ${this.file}`, [
        { path: this.file, message: (e as Error).message },
      ]);
    }
  }

  #statement(source: string): BetterSqlite3.Statement {
    let s = this.#statements.get(source);
    if (!s) {
      s = this.#open().prepare(source);
      this.#statements.set(source, s);
    }
    return s;
  }

  /**
   * Whether `raiseSequence` ran on this connection: a writer calls it once, with the database's
   * processed sequence, before its first append.
   */
  get sequenceChecked(): boolean {
    return this.#sequenceChecked;
  }

  /**
   * Raises the file's sequence to `seq` when it is below (a new, deleted or older file): the next
   * request gets a number above every processed one.
   */
  raiseSequence(seq: number): void {
    const sqlite = this.#writerConnection();
    sqlite
      .transaction(() => {
        const current = this.#statement("select seq from sqlite_sequence where name = 'requests'").get() as
          { seq: number } | undefined;
        if (current === undefined) {
          if (seq > 0)
            this.#statement("insert into sqlite_sequence (name, seq) values ('requests', ?)").run(seq);
        } else if (current.seq < seq)
          this.#statement("update sqlite_sequence set seq = ? where name = 'requests'").run(seq);
      })
      .immediate();
    this.#sequenceChecked = true;
  }

  /**
   * Commits `rows` in one transaction, in order (better-sqlite3's, begun IMMEDIATE, rolled back
   * on an error). Synchronous; throws SQLITE_BUSY at once when another connection holds the
   * file's write lock (a prune).
   */
  append(rows: readonly InboxFileInput[]): void {
    this.#writerConnection();
    this.#append ??= this.#open().transaction((list: readonly InboxFileInput[]) => {
      const insert = this.#statement(
        'insert into requests (integration_id, received_at, batch, alert_count, body) values (?, ?, ?, ?, ?)',
      );
      for (const r of list) insert.run(r.integration_id, r.received_at, r.batch, r.alert_count, r.body);
    });
    this.#append.immediate(rows);
  }

  #writerConnection(): BetterSqlite3.Database {
    const sqlite = this.#open();
    if (!this.#writer) {
      sqlite.pragma('busy_timeout = 0');
      // Checkpoints are the pruner's (the processor, after each prune), not the request path's;
      // this one only when the WAL grows past about 80 MB (a processor far behind).
      sqlite.pragma('wal_autocheckpoint = 20000');
      this.#writer = true;
    }
    return sqlite;
  }

  /** The oldest pending requests' sizes (seq above `afterSeq`), at most `limit`. */
  sizes(afterSeq: number, limit: number): { seq: number; alert_count: number }[] {
    return this.#statement('select seq, alert_count from requests where seq > ? order by seq limit ?').all(
      afterSeq,
      limit,
    ) as { seq: number; alert_count: number }[];
  }

  /** Requests with `afterSeq` < seq <= `toSeq`, in order. */
  rows(afterSeq: number, toSeq: number): InboxFileRow[] {
    return this.#statement('select * from requests where seq > ? and seq <= ? order by seq').all(
      afterSeq,
      toSeq,
    ) as InboxFileRow[];
  }

  /** Requests above `afterSeq`. */
  count(afterSeq: number): number {
    return (
      this.#statement('select count(*) as n from requests where seq > ?').get(afterSeq) as { n: number }
    ).n;
  }

  /** The lowest seq still in the file (undefined when empty). */
  firstSeq(): number | undefined {
    return (
      (this.#statement('select min(seq) as s from requests').get() as { s: number | null }).s ?? undefined
    );
  }

  /**
   * Deletes the processed requests (seq <= `toSeq`), then copies the file's WAL into it without
   * waiting for anyone (a passive checkpoint: the writer leaves checkpoints to this, see
   * `append`). Returns how many were deleted.
   */
  prune(toSeq: number): number {
    const deleted = this.#statement('delete from requests where seq <= ?').run(toSeq).changes;
    this.#open().pragma('wal_checkpoint(PASSIVE)');
    return deleted;
  }

  close(): void {
    this.#statements.clear();
    this.#sqlite?.close();
    this.#sqlite = undefined;
    this.#writer = false;
    this.#sequenceChecked = false;
    this.#append = undefined;
  }
}
