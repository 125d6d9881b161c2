import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.js';

export const ROLES = ['viewer', 'engineer', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface CreateUserInput {
  username: string;
  password: string;
  role: Role;
}

export interface UpdateUserInput {
  id: string;
  role?: Role;
  disabled?: boolean;
  /** A new password; the server ends every session of the user when it changes. */
  password?: string;
}

const usersKey = ['users'] as const;

export async function listUsers(): Promise<User[]> {
  const res = await api.get<{ users: User[] }>('/api/users');
  return res.users;
}

export async function createUser(input: CreateUserInput): Promise<User> {
  const res = await api.post<{ user: User }>('/api/users', input);
  return res.user;
}

export async function updateUser({ id, ...patch }: UpdateUserInput): Promise<User> {
  const res = await api.patch<{ user: User }>(`/api/users/${encodeURIComponent(id)}`, patch);
  return res.user;
}

export function useUsers() {
  return useQuery({ queryKey: usersKey, queryFn: listUsers });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateUser,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}
