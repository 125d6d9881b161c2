import { hasPermission, type SessionUser } from '../../lib/auth.js';
import { useUsers, type UserSummary } from './api.js';

/**
 * Names for user ids: the whole directory for callers who may list users, otherwise only the
 * caller's own id (others show as their id, which is what the API holds).
 */
export function useUserNames(user: SessionUser | null | undefined): {
  users: UserSummary[];
  canList: boolean;
  nameOf: (id: string | undefined) => string;
} {
  const canList = hasPermission(user, 'users:read');
  const list = useUsers(canList);
  const users: UserSummary[] = list.data ?? (user ? [{ id: user.id, username: user.username }] : []);
  const byId = new Map(users.map((u) => [u.id, u.username]));
  return {
    users,
    canList,
    nameOf: (id) => {
      if (id === undefined || id === '') return '—';
      if (id === 'system') return 'opsdeck';
      return byId.get(id) ?? id;
    },
  };
}
