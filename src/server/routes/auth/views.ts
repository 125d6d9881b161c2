import type { Permission, Role } from '../../../governance/permissions.js';
import type { SessionUser } from '../../schemas.js';

export function sessionUserOf(
  user: { id: string; username: string; role: Role },
  permissions: readonly Permission[],
): SessionUser {
  return { id: user.id, username: user.username, role: user.role, permissions: [...permissions] };
}
