import { useQuery } from '@tanstack/react-query';
import { api, isApiError } from './api.js';

/** The signed-in user as `/api/me` and `/api/auth/login` describe them. */
export interface SessionUser {
  id: string;
  username: string;
  role: string;
  permissions: string[];
}

export const sessionQueryKey = ['session'] as const;

/** The current user, or `null` when nobody is signed in (401). Any other error is thrown. */
export async function getSessionUser(): Promise<SessionUser | null> {
  try {
    const res = await api.get<{ user: SessionUser }>('/api/me');
    return res.user;
  } catch (e) {
    if (isApiError(e) && e.status === 401) return null;
    throw e;
  }
}

export function useSessionUser() {
  return useQuery({
    queryKey: sessionQueryKey,
    queryFn: getSessionUser,
    staleTime: 60_000,
    retry: false,
  });
}

export function hasPermission(user: SessionUser | null | undefined, permission: string): boolean {
  return user?.permissions.includes(permission) ?? false;
}

/**
 * Where to go after login: only same-site paths are honoured (a `next` of `//evil.example` or
 * `https://...` would turn the login page into an open redirect).
 */
export function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login')) return '/';
  return next;
}
