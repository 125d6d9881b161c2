import { isApiError } from '../../lib/api.js';

/**
 * The server's validation messages for one form field: details whose JSON pointer is the field's
 * (`/body/name`, or without the `/body` prefix) or lies below it, joined into one line. Details
 * at or below `except` are left out (they belong to another field, shown on its own).
 */
export function fieldError(error: unknown, pointer: string, except?: string): string | undefined {
  if (!isApiError(error)) return undefined;
  const atOrBelow = (path: string, p: string) => path === p || path.startsWith(`${p}/`);
  const hits = error.details.filter((d) => {
    const path = d.path?.startsWith('/body') ? d.path.slice('/body'.length) : d.path;
    return (
      path !== undefined && atOrBelow(path, pointer) && !(except !== undefined && atOrBelow(path, except))
    );
  });
  return hits.length > 0 ? hits.map((d) => d.message).join('; ') : undefined;
}

/**
 * The server's messages for a list field edited as lines of text (matchers): a detail at
 * `pointer/N` is shown as "line N+1: message", one at `pointer` itself as is.
 */
export function linesFieldError(error: unknown, pointer: string): string | undefined {
  if (!isApiError(error)) return undefined;
  const messages: string[] = [];
  for (const d of error.details) {
    const path = d.path?.startsWith('/body') ? d.path.slice('/body'.length) : d.path;
    if (path === undefined) continue;
    if (path === pointer) messages.push(d.message);
    else if (path.startsWith(`${pointer}/`)) {
      const index = Number(path.slice(pointer.length + 1).split('/')[0]);
      messages.push(Number.isInteger(index) ? `line ${index + 1}: ${d.message}` : d.message);
    }
  }
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/** Matchers typed one per line: trimmed, blank lines dropped. */
export function parseLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
