import { hasPermission, type SessionUser } from '../../lib/auth.js';
import { useUsers, type UserSummary } from './api.js';

/**
 * Names for user ids: the whole directory for callers who may list users; otherwise the caller
 * and the names the server sent along (others show as their id, which is what the API holds).
 */
export function useUserNames(
  user: SessionUser | null | undefined,
  /** Names the server already sent along (e.g. an incident's `users`). */
  extra: Readonly<Record<string, string>> = {},
): {
  users: UserSummary[];
  canList: boolean;
  nameOf: (id: string | null | undefined) => string;
} {
  const canList = hasPermission(user, 'users:read');
  const list = useUsers(canList);
  const byId = new Map(Object.entries(extra));
  if (user) byId.set(user.id, user.username);
  for (const u of list.data ?? []) byId.set(u.id, u.username);
  const users: UserSummary[] = list.data ?? [...byId].map(([id, username]) => ({ id, username }));
  return {
    users,
    canList,
    nameOf: (id) => {
      if (id === undefined || id === null || id === '') return '—';
      if (id === 'system') return 'opsdeck';
      return byId.get(id) ?? id;
    },
  };
}
