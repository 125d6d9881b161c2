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

/**
 * Group commit for ingestion: a request that arrives while a commit is running waits for the next
 * one, which stores every request that queued up meanwhile in a single transaction. Each caller's
 * promise settles only after the transaction holding its alerts has committed, so "a 2xx means
 * committed" holds; one commit (one WAL flush on PostgreSQL) serves many requests. When a group's
 * transaction fails, its requests are stored again one by one, so a bad one fails alone.
 */
export class IngestCommitter {
  readonly #store: Pick<Store, 'transaction' | 'ops'>;
  readonly #queue: Pending[] = [];
  #draining = false;

  constructor(store: Pick<Store, 'transaction' | 'ops'>) {
    this.#store = store;
  }

  submit(input: IngestInput): Promise<IngestOutcome> {
    return new Promise<IngestOutcome>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const group = this.#queue.splice(0, MAX_GROUP);
        if (group.length === 1) {
          const [one] = group as [Pending];
          await this.#store.ops.ingest(one.input).then(one.resolve, one.reject);
          continue;
        }
        let outcomes: IngestOutcome[] | undefined;
        try {
          outcomes = await this.#store.transaction(async (tx) => {
            const out: IngestOutcome[] = [];
            for (const p of group) out.push(await tx.ops.ingest(p.input));
            return out;
          });
        } catch {
          // Nothing of the group was committed: store each on its own so only a failing one fails.
          for (const p of group) await this.#store.ops.ingest(p.input).then(p.resolve, p.reject);
          continue;
        }
        group.forEach((p, i) => p.resolve(outcomes[i]!));
      }
    } finally {
      this.#draining = false;
    }
  }
}
