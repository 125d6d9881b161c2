import type { Store } from '../../store/index.js';
import type { AcceptInput } from '../../store/ops/index.js';

/** Requests stored together in one transaction, at most. */
const MAX_GROUP = 64;

interface Pending {
  input: AcceptInput;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface IngestCommitterOptions {
  /**
   * Group transactions running at once. SQLite has one connection, so 1; PostgreSQL runs a few
   * in parallel on its pool (one pipeline would serialise them: measured slower).
   */
  concurrency?: number;
  /**
   * Where a failed `last_received_at` write is reported. That write runs after the group's
   * requests are answered (`ops.noteReceived`): on SQLite it waits for the database's write lock,
   * which the incident processor holds for its transactions.
   */
  onNoteError?: (error: unknown) => void;
}

/**
 * Group commit for ingestion. Requests submitted during one turn of the event loop (the requests
 * whose bodies arrived together) and those that queue while a group is committing are committed
 * together by `ops.accept`: one inbox row per request, on SQLite one transaction, on PostgreSQL
 * one statement. Each caller's promise settles only after its request is committed, so "a 2xx
 * means committed" holds while one commit (one WAL write on SQLite, one WAL flush on PostgreSQL)
 * serves many requests. When a group fails, its requests are committed again one by one, so a bad
 * one fails alone.
 */
export class IngestCommitter {
  readonly #store: Pick<Store, 'ops'>;
  readonly #concurrency: number;
  readonly #onNoteError: (error: unknown) => void;
  readonly #queue: Pending[] = [];
  #running = 0;
  #scheduled = false;
  #lastActive = 0;
  #activity: Float64Array | undefined;

  constructor(store: Pick<Store, 'ops'>, options: IngestCommitterOptions = {}) {
    this.#store = store;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#onNoteError = options.onNoteError ?? (() => undefined);
  }

  /**
   * Where to record `Date.now()` whenever a group commit starts or ends: shared with the incident
   * processor's thread (./processor-thread.ts), which yields while ingestion is busy.
   */
  set activity(activity: Float64Array | undefined) {
    this.#activity = activity;
  }

  #active(): void {
    this.#lastActive = Date.now();
    if (this.#activity) this.#activity[0] = this.#lastActive;
  }

  /** Whether requests are waiting or committing, or were within the last 50 ms (a busy sender). */
  get busy(): boolean {
    return this.#queue.length > 0 || this.#running > 0 || Date.now() - this.#lastActive < 50;
  }

  submit(input: AcceptInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      this.#schedule();
    });
  }

  /** Starts groups after the current event-loop turn, so the requests read in it share one. */
  #schedule(): void {
    if (this.#scheduled || this.#running >= this.#concurrency) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#queue.length > 0 && this.#running < this.#concurrency) {
        void this.#commit(this.#queue.splice(0, MAX_GROUP));
      }
    });
  }

  async #commit(group: Pending[]): Promise<void> {
    this.#running++;
    this.#active();
    const inputs = group.map((p) => p.input);
    const noteReceived = { noteReceived: false };
    const committed: AcceptInput[] = [];
    try {
      try {
        await this.#store.ops.accept(inputs, noteReceived);
        committed.push(...inputs);
      } catch (error) {
        if (group.length === 1) {
          group[0]!.reject(error);
          return;
        }
        // Nothing of the group was committed: commit each on its own so only a failing one fails.
        for (const p of group) {
          await this.#store.ops.accept([p.input], noteReceived).then(() => {
            committed.push(p.input);
            p.resolve();
          }, p.reject);
        }
        return;
      }
      for (const p of group) p.resolve();
    } finally {
      // After the answers, and not awaited: at most one write a minute per integration.
      if (committed.length > 0) this.#store.ops.noteReceived(committed).catch(this.#onNoteError);
      this.#running--;
      this.#active();
      if (this.#queue.length > 0) this.#schedule();
    }
  }
}
