import { hasPermission, type SessionUser } from '../../lib/auth.js';
import { useTeams, useUsers, type UserSummary } from './api.js';

/**
 * Names for user ids: the user directory for callers who may list users; for others, the members
 * of every team (the on-call API names them) plus the caller.
 */
export function useUserNames(user: SessionUser | null | undefined): {
  users: UserSummary[];
  canList: boolean;
  nameOf: (id: string | null | undefined) => string;
} {
  const canList = hasPermission(user, 'users:read');
  const list = useUsers(canList);
  const teams = useTeams();
  const known = new Map<string, string>();
  if (user) known.set(user.id, user.username);
  for (const t of teams.data ?? []) for (const m of t.members) if (m.username) known.set(m.id, m.username);
  for (const u of list.data ?? []) known.set(u.id, u.username);
  const users = [...known].map(([id, username]) => ({ id, username }));
  users.sort((a, b) => a.username.localeCompare(b.username));
  return { users, canList, nameOf: (id) => (id ? (known.get(id) ?? id) : '—') };
}
