import { hashSecret, newSessionSecret } from '../core/secret-hash.js';
import { iso, type StoreContext } from './context.js';
import type { SessionsTable } from './schema.js';
import { toUser, type User } from './user-row.js';

export interface Session {
  /** SHA-256 hex of the cookie secret. */
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

export interface SessionsStore {
  /** Creates a session; `secret` goes into the cookie and is not stored. */
  create(userId: string, ttlMs: number): Promise<{ session: Session; secret: string }>;
  /**
   * The live session for a cookie secret and its (enabled) user; undefined when unknown,
   * expired or the user is disabled.
   */
  findBySecret(secret: string): Promise<{ session: Session; user: User } | undefined>;
  /** Sets last_seen_at to now. */
  touch(id: string): Promise<void>;
  delete(id: string): Promise<void>;
  deleteBySecret(secret: string): Promise<void>;
  /** Logs a user out everywhere (password change, disable). */
  deleteForUser(userId: string): Promise<number>;
  /** Removes expired sessions; returns how many. */
  deleteExpired(): Promise<number>;
}

function toSession(row: SessionsTable): Session {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
  };
}

export function createSessionsStore(ctx: StoreContext): SessionsStore {
  const { db } = ctx;
  return {
    async create(userId, ttlMs) {
      const now = ctx.clock.now();
      const secret = newSessionSecret();
      const row: SessionsTable = {
        id: hashSecret(secret),
        user_id: userId,
        created_at: iso(now),
        expires_at: iso(new Date(now.getTime() + ttlMs)),
        last_seen_at: iso(now),
      };
      await db.insertInto('sessions').values(row).execute();
      return { session: toSession(row), secret };
    },
    async findBySecret(secret) {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('users')
        .select([
          'sessions.id as s_id',
          'sessions.created_at as s_created_at',
          'sessions.expires_at as s_expires_at',
          'sessions.last_seen_at as s_last_seen_at',
        ])
        .where('sessions.id', '=', hashSecret(secret))
        .where('sessions.expires_at', '>', iso(ctx.clock.now()))
        .where('users.disabled', '=', 0)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        session: {
          id: row.s_id,
          userId: row.id,
          createdAt: row.s_created_at,
          expiresAt: row.s_expires_at,
          lastSeenAt: row.s_last_seen_at,
        },
        user: toUser(row),
      };
    },
    async touch(id) {
      await db
        .updateTable('sessions')
        .set({ last_seen_at: iso(ctx.clock.now()) })
        .where('id', '=', id)
        .execute();
    },
    async delete(id) {
      await db.deleteFrom('sessions').where('id', '=', id).execute();
    },
    async deleteBySecret(secret) {
      await db.deleteFrom('sessions').where('id', '=', hashSecret(secret)).execute();
    },
    async deleteForUser(userId) {
      const res = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
    async deleteExpired() {
      const res = await db
        .deleteFrom('sessions')
        .where('expires_at', '<=', iso(ctx.clock.now()))
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
