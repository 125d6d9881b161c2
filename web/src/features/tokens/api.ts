import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.js';

export interface ApiToken {
  id: string;
  name: string;
  scopes: string[];
  userId: string;
  username: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreateTokenInput {
  name: string;
  scopes: string[];
  expiresInDays: number;
}

export interface CreatedToken {
  token: ApiToken;
  /** Shown once; the server keeps only its hash. */
  secret: string;
}

const tokensKey = (all: boolean) => ['tokens', { all }] as const;

export async function listTokens(all: boolean): Promise<ApiToken[]> {
  const res = await api.get<{ tokens: ApiToken[] }>('/api/tokens', { query: { all: all || undefined } });
  return res.tokens;
}

export async function createToken(input: CreateTokenInput): Promise<CreatedToken> {
  return api.post<CreatedToken>('/api/tokens', input);
}

export async function revokeToken(id: string): Promise<void> {
  await api.delete(`/api/tokens/${encodeURIComponent(id)}`);
}

export function useTokens(all: boolean) {
  return useQuery({ queryKey: tokensKey(all), queryFn: () => listTokens(all) });
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tokens'] }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tokens'] }),
  });
}
