/**
 * The one way the dashboard talks to the opsdeck HTTP API: JSON in and out, the session cookie
 * sent same-origin, and every error envelope (`{ error: { code, message, details } }`) turned
 * into an {@link ApiError} carrying the stable `OPSDECK_E_*` code.
 */

export interface ApiErrorDetail {
  path?: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: readonly ApiErrorDetail[];
  /** Seconds from the `Retry-After` header, when the server sent one (429, 503). */
  readonly retryAfterSeconds: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    details: readonly ApiErrorDetail[] = [],
    retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/**
 * A sentence for a person: the message plus each detail with where it applies, leaving out a
 * detail the message already says (a validation error's message is often its first detail,
 * `/body/layers/0/users must NOT have fewer than 1 items`).
 */
export function describeError(e: unknown): string {
  if (isApiError(e)) {
    const details = e.details
      .filter((d) => !(e.message.includes(d.message) && (!d.path || e.message.includes(d.path))))
      .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
    return [e.message, ...details].join(' — ');
  }
  if (e instanceof Error) return e.message;
  return String(e);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseRetryAfter(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function toApiError(res: Response, payload: unknown): ApiError {
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  const envelope = isRecord(payload) ? payload['error'] : undefined;
  if (isRecord(envelope) && typeof envelope['code'] === 'string') {
    const message =
      typeof envelope['message'] === 'string' ? envelope['message'] : `Request failed (${res.status})`;
    const details = Array.isArray(envelope['details'])
      ? envelope['details'].filter(isRecord).map((d) => ({
          ...(typeof d['path'] === 'string' ? { path: d['path'] } : {}),
          message: typeof d['message'] === 'string' ? d['message'] : '',
        }))
      : [];
    return new ApiError(res.status, envelope['code'], message, details, retryAfter);
  }
  return new ApiError(
    res.status,
    'OPSDECK_E_HTTP',
    `The server answered ${res.status} ${res.statusText} without an opsdeck error body`,
    [],
    retryAfter,
  );
}

function buildUrl(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined) params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * Sends one request. A body is sent as JSON (and only then is `Content-Type` set: the server
 * refuses an empty body declared as JSON). Resolves to the parsed JSON, or `undefined` for 204.
 */
export async function apiRequest<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (opts.signal) init.signal = opts.signal;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'OPSDECK_E_NETWORK', 'The opsdeck server could not be reached');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let payload: unknown = undefined;
  if (text !== '') {
    try {
      payload = JSON.parse(text);
    } catch {
      if (res.ok) {
        throw new ApiError(res.status, 'OPSDECK_E_HTTP', `The server answered ${path} with a non-JSON body`);
      }
    }
  }
  if (!res.ok) throw toApiError(res, payload);
  return payload as T;
}

export const api = {
  get: <T>(path: string, opts?: Omit<RequestOptions, 'body'>) => apiRequest<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown) => apiRequest<T>('POST', path, { body }),
  patch: <T>(path: string, body: unknown) => apiRequest<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => apiRequest<T>('PUT', path, { body }),
  delete: <T = void>(path: string) => apiRequest<T>('DELETE', path),
};
