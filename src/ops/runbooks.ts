import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { err, ok } from '../core/result.js';
import type { Result } from '../core/result.js';
import type { Alert } from './alert.js';
import { matchesAll, parseMatcher } from './matchers.js';
import { validDate } from './time-zone.js';
import type { LabelMatcher } from './matchers.js';

/** Runbooks not reviewed for this many days are stale. */
export const STALE_AFTER_DAYS = 90;

export interface Runbook {
  /** Where it came from (a file path), for messages. */
  path: string;
  title: string;
  owner: string;
  services: string[];
  matchers: LabelMatcher[];
  /** `YYYY-MM-DD`. */
  lastReviewed: string;
  /** SHA-256 of the whole file content (hex): changes whenever the text changes. */
  version: string;
  body: string;
}

export interface RunbookError {
  code: 'OPSDECK_E_VALIDATION';
  path: string;
  /** `file:line` of the problem when known, else the file. */
  where: string;
  message: string;
}

const FRONT = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

function fail(path: string, line: number | undefined, message: string): { ok: false; error: RunbookError } {
  return err({
    code: 'OPSDECK_E_VALIDATION',
    path,
    where: line === undefined ? path : `${path}:${line}`,
    message,
  });
}

/**
 * Parses a Markdown runbook with YAML front-matter:
 * `owner` (string), `services` (list), `matchers` (list of `name=value` / `=~` / `!=` / `!~`),
 * `last_reviewed` (YYYY-MM-DD). The title is the first `# ` heading (else the file name).
 */
export function parseRunbook(path: string, content: string): Result<Runbook, RunbookError> {
  const m = FRONT.exec(content);
  if (!m) return fail(path, 1, 'has no YAML front-matter (a block between --- lines at the top)');
  let meta: unknown;
  try {
    meta = parseYaml(m[1] ?? '');
  } catch (e) {
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    return fail(
      path,
      line === undefined ? 2 : line + 1,
      `front-matter is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta))
    return fail(path, 2, 'front-matter must be a mapping');
  const f = meta as Record<string, unknown>;
  const lineOf = (key: string): number => {
    const i = (m[1] ?? '').split(/\r?\n/).findIndex((l) => l.startsWith(`${key}:`));
    return i < 0 ? 2 : i + 2;
  };
  if (typeof f['owner'] !== 'string' || f['owner'] === '')
    return fail(path, lineOf('owner'), 'owner: must be a non-empty string');
  const services = f['services'] ?? [];
  if (!Array.isArray(services) || !services.every((s) => typeof s === 'string')) {
    return fail(path, lineOf('services'), 'services: must be a list of service ids');
  }
  const rawMatchers = f['matchers'] ?? [];
  if (!Array.isArray(rawMatchers)) return fail(path, lineOf('matchers'), 'matchers: must be a list');
  const matchers: LabelMatcher[] = [];
  for (const [i, t] of rawMatchers.entries()) {
    const pm = typeof t === 'string' ? parseMatcher(t) : err('must be a string such as alertname="X"');
    if (!pm.ok) return fail(path, lineOf('matchers'), `matchers[${i}]: ${pm.error}`);
    matchers.push(pm.value);
  }
  const lr = f['last_reviewed'];
  const lastReviewed =
    lr instanceof Date ? lr.toISOString().slice(0, 10) : typeof lr === 'string' ? lr : undefined;
  if (
    lastReviewed === undefined ||
    !/^\d{4}-\d{2}-\d{2}$/.test(lastReviewed) ||
    // Date.parse takes 2026-02-30 (as 2026-03-02).
    !validDate(
      Number(lastReviewed.slice(0, 4)),
      Number(lastReviewed.slice(5, 7)),
      Number(lastReviewed.slice(8, 10)),
    )
  ) {
    return fail(path, lineOf('last_reviewed'), 'last_reviewed: must be a date YYYY-MM-DD');
  }
  const body = content.slice(m[0].length);
  const heading = /^#\s+(.+)$/m.exec(body);
  return ok({
    path,
    title: heading?.[1]?.trim() ?? path.replace(/^.*\//, '').replace(/\.md$/, ''),
    owner: f['owner'],
    services,
    matchers,
    lastReviewed,
    version: createHash('sha256').update(content).digest('hex'),
    body,
  });
}

/** True when last_reviewed is more than STALE_AFTER_DAYS before `now`. */
export function isStale(runbook: Pick<Runbook, 'lastReviewed'>, now: Date): boolean {
  return now.getTime() - Date.parse(`${runbook.lastReviewed}T00:00:00Z`) > STALE_AFTER_DAYS * 86_400_000;
}

export interface RunbookMatch {
  runbook: Runbook;
  /** Dedup keys of the alerts it matched. */
  alerts: string[];
}

/**
 * Runbooks for a set of alerts: a runbook matches an alert when it has matchers and all match the
 * alert's labels, or when it lists the alert's service (pass `serviceId`). Ordered by path.
 */
export function matchRunbooks(
  runbooks: readonly Runbook[],
  alerts: readonly Pick<Alert, 'labels' | 'dedupKey'>[],
  serviceId?: string,
): RunbookMatch[] {
  return [...runbooks]
    .sort((a, b) => a.path.localeCompare(b.path))
    .flatMap((rb) => {
      const hit = alerts.filter(
        (a) =>
          (rb.matchers.length > 0 && matchesAll(rb.matchers, a.labels)) ||
          (serviceId !== undefined && rb.services.includes(serviceId)),
      );
      return hit.length > 0 ? [{ runbook: rb, alerts: hit.map((a) => a.dedupKey) }] : [];
    });
}
