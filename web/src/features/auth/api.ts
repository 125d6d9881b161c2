import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.js';
import { sessionQueryKey, type SessionUser } from '../../lib/auth.js';

export interface LoginInput {
  username: string;
  password: string;
}

export async function login(input: LoginInput): Promise<SessionUser> {
  const res = await api.post<{ user: SessionUser }>('/api/auth/login', input);
  return res.user;
}

export async function logout(): Promise<void> {
  await api.post<void>('/api/auth/logout');
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (user) => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
      queryClient.setQueryData(sessionQueryKey, user);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      // Whatever the server said, this browser no longer holds a usable session view.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
      queryClient.setQueryData(sessionQueryKey, null);
    },
  });
}
