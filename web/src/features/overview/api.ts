import { useQuery } from '@tanstack/react-query';
import { api, describeError, isApiError } from '../../lib/api.js';

export interface Readiness {
  ready: boolean;
  database: string | null;
  migrations: { applied: number; pending: number } | null;
  /** What the server said when it is not ready (503). */
  problem: string | null;
  problemCode: string | null;
}

interface ReadyBody {
  status: string;
  database: string;
  migrations: { applied: number; pending: number };
}

export async function getReadiness(): Promise<Readiness> {
  try {
    const body = await api.get<ReadyBody>('/readyz');
    return {
      ready: body.status === 'ready',
      database: body.database,
      migrations: body.migrations,
      problem: null,
      problemCode: null,
    };
  } catch (e) {
    if (isApiError(e) && e.status === 503) {
      return {
        ready: false,
        database: null,
        migrations: null,
        problem: describeError(e),
        problemCode: e.code,
      };
    }
    throw e;
  }
}

export function useReadiness() {
  return useQuery({ queryKey: ['readiness'], queryFn: getReadiness, refetchInterval: 30_000 });
}
