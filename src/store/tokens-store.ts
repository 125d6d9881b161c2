import { OpsdeckError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { displayPrefix, hashSecret, isApiTokenSecret, newApiTokenSecret } from '../core/secret-hash.js';
import { iso, type StoreContext } from './context.js';
import { isForeignKeyViolation } from './dialect.js';
import type { ApiTokensTable } from './schema.js';
import { toUser, type User } from './user-row.js';

export interface ApiToken {
  id: string;
  userId: string;
  username: string;
  name: string;
  /** `odk_` + the first characters of the secret, to recognise it in listings. */
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface NewApiToken {
  userId: string;
  name: string;
  scopes: readonly string[];
  /** Null: never expires. */
  expiresAt: Date | null;
}

export interface TokensStore {
  /** Creates a token; the returned `secret` is shown once and only its SHA-256 is stored. */
  create(input: NewApiToken): Promise<{ token: ApiToken; secret: string }>;
  /** The token for a presented secret and its user, if not revoked, not expired and the user is enabled. */
  findBySecret(secret: string): Promise<{ token: ApiToken; user: User } | undefined>;
  getById(id: string): Promise<ApiToken | undefined>;
  /** Tokens newest first; of one user when `userId` is given. */
  list(filter?: { userId?: string }): Promise<ApiToken[]>;
  /** Sets revoked_at (idempotent: an already revoked token keeps its first time).
   * @throws OpsdeckError OPSDECK_E_NOT_FOUND */
  revoke(id: string): Promise<ApiToken>;
  /** Sets last_used_at to now. */
  touch(id: string): Promise<void>;
}

type TokenRow = ApiTokensTable & { username: string };

function toToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    username: row.username,
    name: row.name,
    prefix: row.prefix,
    scopes: JSON.parse(row.scopes) as string[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export function createTokensStore(ctx: StoreContext): TokensStore {
  const { db } = ctx;
  const base = () =>
    db.selectFrom('api_tokens').innerJoin('users', 'users.id', 'api_tokens.user_id').selectAll('api_tokens');
  const getById = async (id: string): Promise<ApiToken | undefined> => {
    const row = await base().select('users.username').where('api_tokens.id', '=', id).executeTakeFirst();
    return row ? toToken(row) : undefined;
  };
  return {
    async create(input) {
      const secret = newApiTokenSecret();
      const row: ApiTokensTable = {
        id: newId(),
        user_id: input.userId,
        name: input.name,
        token_hash: hashSecret(secret),
        prefix: displayPrefix(secret),
        scopes: JSON.stringify([...input.scopes]),
        created_at: iso(ctx.clock.now()),
        expires_at: input.expiresAt ? iso(input.expiresAt) : null,
        last_used_at: null,
        revoked_at: null,
      };
      try {
        await db.insertInto('api_tokens').values(row).execute();
      } catch (e) {
        if (isForeignKeyViolation(e))
          throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No user with id ${input.userId}`);
        throw e;
      }
      const token = await getById(row.id);
      if (!token) throw new OpsdeckError('OPSDECK_E_INTERNAL', 'Token vanished after insert');
      return { token, secret };
    },
    async findBySecret(secret) {
      if (!isApiTokenSecret(secret)) return undefined;
      const now = iso(ctx.clock.now());
      const row = await db
        .selectFrom('api_tokens')
        .innerJoin('users', 'users.id', 'api_tokens.user_id')
        .selectAll('users')
        .select([
          'api_tokens.id as t_id',
          'api_tokens.name as t_name',
          'api_tokens.token_hash as t_token_hash',
          'api_tokens.prefix as t_prefix',
          'api_tokens.scopes as t_scopes',
          'api_tokens.created_at as t_created_at',
          'api_tokens.expires_at as t_expires_at',
          'api_tokens.last_used_at as t_last_used_at',
          'api_tokens.revoked_at as t_revoked_at',
        ])
        .where('api_tokens.token_hash', '=', hashSecret(secret))
        .where('api_tokens.revoked_at', 'is', null)
        .where((eb) =>
          eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', now)]),
        )
        .where('users.disabled', '=', 0)
        .executeTakeFirst();
      if (!row) return undefined;
      const user = toUser(row);
      return {
        user,
        token: toToken({
          id: row.t_id,
          user_id: user.id,
          username: user.username,
          name: row.t_name,
          token_hash: row.t_token_hash,
          prefix: row.t_prefix,
          scopes: row.t_scopes,
          created_at: row.t_created_at,
          expires_at: row.t_expires_at,
          last_used_at: row.t_last_used_at,
          revoked_at: row.t_revoked_at,
        }),
      };
    },
    getById,
    async list(filter = {}) {
      let q = base().select('users.username');
      if (filter.userId !== undefined) q = q.where('api_tokens.user_id', '=', filter.userId);
      const rows = await q.orderBy('api_tokens.created_at', 'desc').orderBy('api_tokens.id').execute();
      return rows.map(toToken);
    },
    async revoke(id) {
      await db
        .updateTable('api_tokens')
        .set({ revoked_at: iso(ctx.clock.now()) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      const token = await getById(id);
      if (!token) throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No API token with id ${id}`);
      return token;
    },
    async touch(id) {
      await db
        .updateTable('api_tokens')
        .set({ last_used_at: iso(ctx.clock.now()) })
        .where('id', '=', id)
        .execute();
    },
  };
}
