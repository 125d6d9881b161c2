import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { OpsdeckError, type ErrorDetail } from '../../../core/errors.js';
import { ALERT_SOURCES, SEVERITIES } from '../../../ops/alert.js';
import { parseMatcher } from '../../../ops/matchers.js';
import { isValidTimeZone, parseHourMinute } from '../../../ops/time-zone.js';
import type { TransactionStore } from '../../../store/store.js';
import { callerOf } from '../../auth/guard.js';

/** `Type.Union` of literals as a string enum (one Ajv check, one clear message). */
export const enumOf = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description && { description }) });

export const SeverityEnum = enumOf(SEVERITIES);
export const SourceEnum = enumOf(ALERT_SOURCES);
export const WeekdayNumber = Type.Integer({
  minimum: 1,
  maximum: 7,
  description: '1 = Monday ... 7 = Sunday',
});
export const IsoInstant = Type.String({ format: 'date-time', description: 'ISO 8601 instant' });
export const HourMinute = Type.String({
  description: 'Local wall-clock time `HH:mm` (24:00 allowed as an end)',
});
export const Name = Type.String({ minLength: 1, maxLength: 200 });
export const Description = Type.String({ maxLength: 2000 });
export const Id = Type.String({ minLength: 1, maxLength: 100 });
export const MatcherText = Type.String({
  minLength: 1,
  maxLength: 1000,
  description: 'Alertmanager-style label matcher: `name="value"`, `name!=value`, `name=~"re"`, `name!~"re"`',
});
export const ListOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item) });

export const conflictResponse = { 409: Type.Ref('ErrorResponse') } as const;

/** Collects validation problems of a request; throws them together as one 400. */
export class Problems {
  readonly list: ErrorDetail[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
  matchers(texts: readonly string[] | undefined, path: string): void {
    texts?.forEach((t, i) => {
      const m = parseMatcher(t);
      if (!m.ok) this.add(`${path}/${i}`, m.error);
    });
  }
  timeZone(tz: string | undefined, path: string): void {
    if (tz !== undefined && !isValidTimeZone(tz)) this.add(path, `"${tz}" is not an IANA time zone`);
  }
  hourMinute(v: string | undefined, path: string): void {
    if (v !== undefined && parseHourMinute(v) === undefined) this.add(path, `"${v}" is not a time HH:mm`);
  }
  /** Each user id must name an existing user. */
  async users(
    store: TransactionStore,
    ids: readonly (string | undefined)[],
    path: (i: number) => string,
  ): Promise<void> {
    const known = new Set((await store.users.list()).map((u) => u.id));
    ids.forEach((id, i) => {
      if (id !== undefined && !known.has(id)) this.add(path(i), `no user with id ${id}`);
    });
  }
  throwIfAny(what: string): void {
    if (this.list.length > 0) {
      const first = this.list[0];
      throw new OpsdeckError(
        'OPSDECK_E_VALIDATION',
        `Invalid ${what}: ${first?.path ?? ''} ${first?.message ?? ''}`.trim(),
        this.list,
      );
    }
  }
}

export function notFound(kind: string, id: string, path = '/params/id'): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_NOT_FOUND', `No ${kind} with id ${id}`, [
    { path, message: `no such ${kind}` },
  ]);
}

/** Appends an audit entry for a change made by the caller (inside the change's transaction). */
export async function audit(
  tx: TransactionStore,
  request: FastifyRequest,
  entry: { action: string; target: string; summary: string; before?: unknown; after?: unknown },
): Promise<void> {
  const caller = callerOf(request);
  await tx.audit.append({ actor: `user:${caller.user.username}`, ...entry });
}

export function callerName(request: FastifyRequest): string {
  return callerOf(request).user.username;
}

/** User id -> username, for views. */
export async function usernames(store: TransactionStore): Promise<Map<string, string>> {
  return new Map((await store.users.list()).map((u) => [u.id, u.username]));
}
