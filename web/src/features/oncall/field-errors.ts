import { isApiError } from '../../lib/api.js';

/**
 * The server's validation messages for one form field: details whose JSON pointer is the field's
 * (`/body/name`, or without the `/body` prefix) or lies below it, joined into one line.
 */
export function fieldError(error: unknown, pointer: string): string | undefined {
  if (!isApiError(error)) return undefined;
  const hits = error.details.filter((d) => {
    const path = d.path?.startsWith('/body') ? d.path.slice('/body'.length) : d.path;
    return path !== undefined && (path === pointer || path.startsWith(`${pointer}/`));
  });
  return hits.length > 0 ? hits.map((d) => d.message).join('; ') : undefined;
}
