import { isOpsdeckError } from '../core/errors.js';
import { generatePassword, hashPassword, type ScryptParams } from '../core/password.js';
import type { Store } from './store.js';
import type { User } from './user-row.js';

export interface EnsureAdminOptions {
  /** Password for the first admin (config `admin_password`); random when absent. */
  password?: string | undefined;
  /** Actor recorded in the audit entry (default `system`). */
  actor?: string;
  scrypt?: ScryptParams;
}

export interface EnsureAdminResult {
  /** The admin created now, or undefined when users already existed. */
  created: User | undefined;
  /** The random password, only when one was generated: print it once, never log it. */
  generatedPassword: string | undefined;
}

/**
 * On an empty users table, creates `admin` (role admin) and records it in the audit log, in one
 * transaction. Does nothing when any user exists.
 */
export async function ensureAdmin(
  store: Store,
  options: EnsureAdminOptions = {},
): Promise<EnsureAdminResult> {
  if ((await store.users.count()) > 0) return { created: undefined, generatedPassword: undefined };
  const generated = options.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(options.password ?? generated ?? '', options.scrypt);
  const none: EnsureAdminResult = { created: undefined, generatedPassword: undefined };
  try {
    return await store.transaction(async (tx) => {
      // Re-check inside the transaction: another replica may have bootstrapped meanwhile.
      if ((await tx.users.count()) > 0) return none;
      const created = await tx.users.create({ username: 'admin', passwordHash, role: 'admin' });
      await tx.audit.append({
        actor: options.actor ?? 'system',
        action: 'user.bootstrap',
        target: `user:${created.id}`,
        summary: 'Created the first admin user "admin"',
        after: { id: created.id, username: created.username, role: created.role },
      });
      return { created, generatedPassword: generated };
    });
  } catch (e) {
    // Another replica created `admin` between our check and insert: it won, nothing to do.
    if (isOpsdeckError(e) && e.code === 'OPSDECK_E_CONFLICT') return none;
    throw e;
  }
}
