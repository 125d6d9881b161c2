import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from '../lib/api.js';
import { sessionQueryKey } from '../lib/auth.js';

/**
 * One client for the app. A 401 from any request means the session is gone (expired, logged out
 * elsewhere, user disabled): the session query is set to `null`, and the auth gate sends the
 * person to /login and back afterwards. Client errors (4xx) are never retried.
 */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    if (isApiError(error) && error.status === 401) {
      queryClient.setQueryData(sessionQueryKey, null);
    }
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        retry: (failureCount, error) =>
          !(isApiError(error) && error.status >= 400 && error.status < 500) && failureCount < 2,
        staleTime: 10_000,
      },
    },
  });
  return queryClient;
}
