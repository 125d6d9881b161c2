import type { Role } from '../governance/permissions.js';
import type { UsersTable } from './schema.js';

export interface User {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export function toUser(row: UsersTable): User {
  return {
    id: row.id,
    username: row.username,
    role: row.role as Role,
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}
