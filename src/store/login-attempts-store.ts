import { newId } from '../core/ids.js';
import { iso, type StoreContext } from './context.js';

/**
 * Failed-login bookkeeping in the database, so a rate limit holds across replicas.
 * `key` is whatever the caller limits on, e.g. `<ip>|<username>`.
 */
export interface LoginAttemptsStore {
  recordFailure(key: string): Promise<void>;
  /** Failures for `key` within the last `windowMs`. */
  countRecent(key: string, windowMs: number): Promise<number>;
  /** Forget a key's failures (after a successful login). */
  clear(key: string): Promise<void>;
  /** Drop failures older than `olderThanMs`; returns how many. */
  prune(olderThanMs: number): Promise<number>;
}

export function createLoginAttemptsStore(ctx: StoreContext): LoginAttemptsStore {
  const { db } = ctx;
  const since = (ms: number): string => iso(new Date(ctx.clock.now().getTime() - ms));
  return {
    async recordFailure(key) {
      await db
        .insertInto('login_attempts')
        .values({ id: newId(), key, at: iso(ctx.clock.now()) })
        .execute();
    },
    async countRecent(key, windowMs) {
      const row = await db
        .selectFrom('login_attempts')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('key', '=', key)
        .where('at', '>', since(windowMs))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async clear(key) {
      await db.deleteFrom('login_attempts').where('key', '=', key).execute();
    },
    async prune(olderThanMs) {
      const res = await db
        .deleteFrom('login_attempts')
        .where('at', '<=', since(olderThanMs))
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
