import { OpsdeckError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Role } from '../governance/permissions.js';
import { iso, type StoreContext } from './context.js';
import { isUniqueViolation } from './dialect.js';
import type { UsersTable } from './schema.js';
import { toUser, type User } from './user-row.js';

export type { User } from './user-row.js';

export interface UserCredentials extends User {
  passwordHash: string;
}

export interface NewUser {
  username: string;
  /** From `hashPassword` (src/core/password.ts); the store never sees a plain password. */
  passwordHash: string;
  role: Role;
  disabled?: boolean;
}

export interface UserPatch {
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
}

export interface UsersReader {
  getById(id: string): Promise<User | undefined>;
  getByUsername(username: string): Promise<User | undefined>;
  /** The user with its password hash, for login only. */
  getCredentials(username: string): Promise<UserCredentials | undefined>;
  /** All users ordered by username. */
  list(): Promise<User[]>;
  count(): Promise<number>;
}

export interface UsersStore extends UsersReader {
  /** @throws OpsdeckError OPSDECK_E_CONFLICT when the username is taken. */
  create(input: NewUser): Promise<User>;
  /** @throws OpsdeckError OPSDECK_E_NOT_FOUND when no user has this id. */
  update(id: string, patch: UserPatch): Promise<User>;
  recordLogin(id: string): Promise<void>;
}

export function createUsersStore(ctx: StoreContext): UsersStore {
  const { db } = ctx;
  const byId = async (id: string): Promise<User | undefined> => {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : undefined;
  };
  return {
    getById: byId,
    async getByUsername(username) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('username', '=', username)
        .executeTakeFirst();
      return row ? toUser(row) : undefined;
    },
    async getCredentials(username) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('username', '=', username)
        .executeTakeFirst();
      return row ? { ...toUser(row), passwordHash: row.password_hash } : undefined;
    },
    async list() {
      const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
      return rows.map(toUser);
    },
    async count() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async create(input) {
      const row: UsersTable = {
        id: newId(),
        username: input.username,
        password_hash: input.passwordHash,
        role: input.role,
        disabled: input.disabled ? 1 : 0,
        created_at: iso(ctx.clock.now()),
        last_login_at: null,
      };
      try {
        await db.insertInto('users').values(row).execute();
      } catch (e) {
        if (isUniqueViolation(e)) {
          throw new OpsdeckError('OPSDECK_E_CONFLICT', `User "${input.username}" already exists`, [
            { path: '/username', message: 'is already taken' },
          ]);
        }
        throw e;
      }
      return toUser(row);
    },
    async update(id, patch) {
      const values: Partial<UsersTable> = {};
      if (patch.role !== undefined) values.role = patch.role;
      if (patch.disabled !== undefined) values.disabled = patch.disabled ? 1 : 0;
      if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
      if (Object.keys(values).length > 0) {
        const res = await db.updateTable('users').set(values).where('id', '=', id).executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) throw notFound(id);
      }
      const user = await byId(id);
      if (!user) throw notFound(id);
      return user;
    },
    async recordLogin(id) {
      await db
        .updateTable('users')
        .set({ last_login_at: iso(ctx.clock.now()) })
        .where('id', '=', id)
        .execute();
    },
  };
}

function notFound(id: string): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_NOT_FOUND', `No user with id ${id}`);
}
