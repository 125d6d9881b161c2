import type { User } from '../../../store/index.js';
import type { UserView } from '../../schemas.js';

export function userView(u: User): UserView {
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
  };
}

/** What the audit log keeps of a user: never the password hash. */
export function auditedUser(u: User): { username: string; role: string; disabled: boolean } {
  return { username: u.username, role: u.role, disabled: u.disabled };
}
