import type { Store } from '../../store/index.js';
import type { IngestOutcome, OpsStore } from '../../store/ops/index.js';

export type IngestInput = Parameters<OpsStore['ingest']>[0];

/** Requests stored together in one transaction, at most. */
const MAX_GROUP = 64;

interface Pending {
  input: IngestInput;
  resolve: (outcome: IngestOutcome) => void;
  reject: (error: unknown) => void;
}

export interface IngestCommitterOptions {
  /**
   * Group transactions running at once. SQLite has one connection, so 1; PostgreSQL runs a few
   * in parallel on its pool (one pipeline would serialise them: measured slower).
   */
  concurrency?: number;
}

/**
 * Group commit for ingestion. Requests submitted during one turn of the event loop (the requests
 * whose bodies arrived together) and those that queue while a group is committing are stored
 * together by `ops.ingestMany`: on SQLite one transaction with one multi-row upsert and one
 * multi-row inbox insert, on PostgreSQL one statement doing both. Each caller's promise settles
 * only after its alerts are committed, so "a 2xx means committed" holds while one commit (one
 * WAL write on SQLite, one WAL flush on PostgreSQL) serves many requests. When a group fails,
 * its requests are stored again one by one, so a bad one fails alone.
 */
export class IngestCommitter {
  readonly #store: Pick<Store, 'ops'>;
  readonly #concurrency: number;
  readonly #queue: Pending[] = [];
  #running = 0;
  #scheduled = false;
  #lastActive = 0;
  #activity: Float64Array | undefined;

  constructor(store: Pick<Store, 'ops'>, options: IngestCommitterOptions = {}) {
    this.#store = store;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
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

  submit(input: IngestInput): Promise<IngestOutcome> {
    return new Promise<IngestOutcome>((resolve, reject) => {
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
    try {
      let outcomes: IngestOutcome[] | undefined;
      try {
        outcomes = await this.#store.ops.ingestMany(group.map((p) => p.input));
      } catch (error) {
        if (group.length === 1) {
          group[0]!.reject(error);
          return;
        }
        // Nothing of the group was committed: store each on its own so only a failing one fails.
        for (const p of group) {
          await this.#store.ops.ingestMany([p.input]).then(([o]) => p.resolve(o!), p.reject);
        }
        return;
      }
      group.forEach((p, i) => p.resolve(outcomes[i]!));
    } finally {
      this.#running--;
      this.#active();
      if (this.#queue.length > 0) this.#schedule();
    }
  }
}
