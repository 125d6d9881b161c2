import { createHash } from 'node:crypto';
import type { ErrorCode } from '../core/errors.js';
import { err, ok } from '../core/result.js';
import type { Result } from '../core/result.js';
import { validDate } from './time-zone.js';

/** Every alert source opsdeck normalizes (one module per format under ./sources). */
export const ALERT_SOURCES = [
  'alertmanager',
  'grafana',
  'cloudwatch',
  'azure-monitor',
  'gcp-monitoring',
  'pagerduty',
] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

/** Normalized severities, most to least urgent. */
export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type AlertStatus = 'firing' | 'resolved';

/**
 * One alert as every source reports it after normalization. Instants are ISO 8601 strings in UTC
 * (`Date#toISOString()`), so the value round-trips through JSON and a database unchanged.
 */
export interface Alert {
  source: AlertSource;
  /** The source's own identity of the alert (Alertmanager fingerprint, Azure alertId, ...). */
  fingerprint: string;
  /** `<source>:<fingerprint>`: the key opsdeck deduplicates on. */
  dedupKey: string;
  status: AlertStatus;
  severity: Severity;
  summary: string;
  /** Always holds `alertname` (the rule / alarm / policy name) when the source has one. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  /** The source's own grouping (Alertmanager/Grafana `groupKey`), when it has one. */
  groupKey?: string;
  generatorUrl?: string;
  /** The source's JSON for this alert, unchanged. */
  raw: unknown;
}

/** What a control message (not an alert) asks the ingestion adapter to do. */
export type SourceControl =
  | { type: 'sns-subscription-confirmation'; topicArn: string; subscribeUrl: string; token: string }
  | { type: 'sns-unsubscribe-confirmation'; topicArn: string; subscribeUrl: string; token: string };

/** The result of normalizing one request body. */
export interface NormalizedBatch {
  source: AlertSource;
  alerts: Alert[];
  /** Dedup keys the source acknowledged (PagerDuty `event_action: acknowledge`). */
  acknowledgements: string[];
  /** Alertmanager `truncatedAlerts`: alerts the sender left out of this batch. */
  truncatedAlerts: number;
  control?: SourceControl;
}

/** Why a body was rejected: where (a JSON pointer into the body) and what is wrong. */
export interface IngestError {
  code: ErrorCode;
  source: AlertSource;
  /** JSON pointer, e.g. `/alerts/0/labels`; `` (empty) is the body itself. */
  path: string;
  message: string;
  /** Every problem found (the first one is `path` / `message`). */
  problems: { path: string; message: string }[];
}

export type NormalizeResult = Result<NormalizedBatch, IngestError>;

/** What the ingestion adapter knows about the request besides body and headers. */
export interface IngestContext {
  /** When the request was received (ISO); PagerDuty uses it when an event carries no time. */
  receivedAt?: string;
}

/** A normalizer: body (already JSON-parsed, or the raw text for text/plain sources) to alerts. */
export type Normalizer = (
  body: unknown,
  headers?: Readonly<Record<string, string | undefined>>,
  context?: IngestContext,
) => NormalizeResult;

export function ingestError(source: AlertSource, problems: { path: string; message: string }[]): IngestError {
  const first = problems[0] ?? { path: '', message: 'invalid payload' };
  return {
    code: 'OPSDECK_E_VALIDATION',
    source,
    path: first.path,
    message: `${first.path || '/'}: ${first.message}`,
    problems,
  };
}

/** Collects problems while reading an untrusted JSON value; each read names its JSON pointer. */
export class PayloadReader {
  readonly problems: { path: string; message: string }[] = [];

  fail(path: string, message: string): undefined {
    this.problems.push({ path, message });
    return undefined;
  }

  object(v: unknown, path: string): Record<string, unknown> | undefined {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    return this.fail(path, v === undefined ? 'is required' : 'must be an object');
  }

  array(v: unknown, path: string): unknown[] | undefined {
    if (Array.isArray(v)) return v as unknown[];
    return this.fail(path, v === undefined ? 'is required' : 'must be an array');
  }

  string(v: unknown, path: string, opts: { nonEmpty?: boolean } = {}): string | undefined {
    if (typeof v !== 'string') return this.fail(path, v === undefined ? 'is required' : 'must be a string');
    if (opts.nonEmpty === true && v.trim() === '') return this.fail(path, 'must not be empty');
    return v;
  }

  optionalString(v: unknown, path: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    return this.string(v, path);
  }

  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    return this.fail(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }

  /**
   * A map of string values (labels, annotations). Absent -> {}. When every value is a string the
   * object itself is returned, not a copy (callers never modify it): labels and annotations are
   * read for every ingested alert, and copying them was a sixth of normalizing.
   */
  stringMap(v: unknown, path: string): Record<string, string> {
    if (v === undefined || v === null) return {};
    const o = this.object(v, path);
    if (!o) return {};
    const keys = Object.keys(o);
    let plain = true;
    for (const k of keys) {
      // A "__proto__" key is dropped by the copy below (as it always was), so it takes that path.
      if (typeof o[k] !== 'string' || k === '__proto__') {
        plain = false;
        break;
      }
    }
    if (plain) return o as Record<string, string>;
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(o)) {
      if (typeof val === 'string') out[k] = val;
      else this.fail(`${path}/${escapePointer(k)}`, 'must be a string');
    }
    return out;
  }

  /** An RFC 3339 timestamp, returned as `toISOString()`. */
  time(v: unknown, path: string): string | undefined {
    const s = this.string(v, path);
    if (s === undefined) return undefined;
    const iso = parseTime(s);
    if (iso === undefined) return this.fail(path, 'must be an RFC 3339 timestamp');
    return iso;
  }

  /**
   * Seconds since the epoch, returned as `toISOString()`. Only instants of years 0000-9999, as
   * the RFC 3339 timestamps of the other sources: `new Date(1e20 * 1000).toISOString()` throws
   * (a 500, and no dead letter), and years past 9999 would be written `+010000-...`.
   */
  epochSeconds(v: unknown, path: string): string | undefined {
    if (typeof v !== 'number' || !Number.isFinite(v))
      return this.fail(path, 'must be a number of seconds since the epoch');
    if (v < MIN_EPOCH_SECONDS || v >= MAX_EPOCH_SECONDS)
      return this.fail(path, 'must be a number of seconds since the epoch within years 0000-9999');
    return new Date(v * 1000).toISOString();
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }
}

/** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in seconds since the epoch. */
const MIN_EPOCH_SECONDS = -62_167_219_200;
const MAX_EPOCH_SECONDS = 253_402_300_800;

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-](\d{2}):?(\d{2}))$/;

/** The value of the decimal digits s[from, to), or -1 when one is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The ISO form of a UTC timestamp already written as `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with every
 * field in range (what Alertmanager, Grafana and most senders write), without Date: undefined for
 * any other shape, which the general path then handles. Ingestion parses every alert's times,
 * and the general path (regex replace, Date.parse, toISOString) was a quarter of normalizing.
 */
function parseCanonicalUtc(s: string): string | undefined {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 /* Z */) return undefined;
  if (s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':') return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 7);
  const day = digits(s, 8, 10);
  const hour = digits(s, 11, 13);
  const minute = digits(s, 14, 16);
  const second = digits(s, 17, 19);
  if (year < 1000 || !validDate(year, month, day) || hour < 0 || hour > 23) return undefined;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  if (n === 20) return `${s.slice(0, 19)}.000Z`;
  // A fraction: '.' and one or more digits, of which milliseconds are kept.
  if (s[19] !== '.' || n === 21 || digits(s, 20, n - 1) < 0) return undefined;
  return `${s.slice(0, 19)}.${`${s.slice(20, Math.min(23, n - 1))}00`.slice(0, 3)}Z`;
}

/** Parses an RFC 3339 timestamp (any number of fraction digits) to ISO; undefined when invalid. */
export function parseTime(s: string): string | undefined {
  const canonical = parseCanonicalUtc(s);
  if (canonical !== undefined) return canonical;
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  // Every field in range: Date.parse rolls an impossible day over (2026-02-30 is 2026-03-02) and
  // takes 24:00.
  const [, year, month, day, hour, minute, second, offsetHour, offsetMinute] = m;
  if (!validDate(Number(year), Number(month), Number(day))) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return undefined;
  if (Number(offsetHour ?? 0) > 23 || Number(offsetMinute ?? 0) > 59) return undefined;
  // Keep milliseconds: Date.parse accepts nanosecond fractions only on some engines.
  const trimmed = s.replace(/(\.\d{3})\d+/, '$1');
  const t = Date.parse(trimmed);
  if (Number.isNaN(t)) return undefined;
  const iso = new Date(t).toISOString();
  // An offset can move 0000-01-01 or 9999-12-31 out of four-digit years (`-000001-12-31...`).
  return iso.length === 24 ? iso : undefined;
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Maps a free-form severity word (labels, vendor fields) to a normalized severity. */
export function severityFromWord(word: string | undefined, fallback: Severity): Severity {
  if (word === undefined) return fallback;
  switch (word.trim().toLowerCase()) {
    case 'critical':
    case 'crit':
    case 'page':
    case 'p1':
    case 'sev0':
    case 'sev1':
    case 'fatal':
    case 'emergency':
      return 'critical';
    case 'error':
    case 'err':
    case 'high':
    case 'major':
    case 'p2':
    case 'sev2':
      return 'error';
    case 'warning':
    case 'warn':
    case 'medium':
    case 'minor':
    case 'p3':
    case 'sev3':
      return 'warning';
    case 'info':
    case 'informational':
    case 'low':
    case 'none':
    case 'p4':
    case 'p5':
    case 'sev4':
      return 'info';
    default:
      return fallback;
  }
}

/** Stable fingerprint of a label set (sorted `name=value` pairs, SHA-256, 16 hex chars). */
export function labelsFingerprint(labels: Readonly<Record<string, string>>): string {
  const canonical = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k] ?? ''}`)
    .join('\u0001');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export function dedupKeyOf(source: AlertSource, fingerprint: string): string {
  return `${source}:${fingerprint}`;
}

/** The alert's rule name: `alertname` label, else its summary. */
export function alertName(alert: Pick<Alert, 'labels' | 'summary'>): string {
  return alert.labels['alertname'] ?? alert.summary;
}

export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}

/** The most urgent severity of a list (info for an empty list). */
export function maxSeverity(list: readonly Severity[]): Severity {
  return list.reduce<Severity>((m, s) => (compareSeverity(s, m) < 0 ? s : m), 'info');
}

/** Finishes a normalizer: the batch when no problem was recorded, else an IngestError. */
export function finish(source: AlertSource, r: PayloadReader, batch: () => NormalizedBatch): NormalizeResult {
  if (!r.ok) return err(ingestError(source, r.problems));
  return ok(batch());
}

/** A JSON escape of U+0000 (JSON text cannot hold the character itself). */
const NUL_ESCAPE = '\\u0000';

/**
 * How deep arrays and objects may nest in a body (and in CloudWatch's `Message`). Sources send 4
 * to 10 levels. JSON.parse takes any depth, but what comes after recurses: JSON.stringify of an
 * alert's `raw` (the processor's `alertRow`), of PagerDuty's `custom_details`, and `withoutNul`
 * overflowed the stack on 50,000 nested arrays (a 202, then the request set aside as a dead
 * letter by the processor).
 */
export const MAX_JSON_DEPTH = 64;

/** Thrown by `parseJson` for a text whose arrays and objects nest deeper than MAX_JSON_DEPTH. */
export class JsonTooDeepError extends Error {
  constructor() {
    super(`nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`);
    this.name = 'JsonTooDeepError';
  }
}

/**
 * Whether a JSON text nests arrays and objects deeper than `max`: one pass over the characters
 * outside strings (strings are skipped with indexOf), no parsing. Brackets inside strings do not
 * count; an invalid text answers whatever, JSON.parse refuses it next.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  // Nesting deeper than max takes at least max + 1 opening and as many closing brackets.
  if (text.length < 2 * max + 2) return false;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // The closing quote: the next one not escaped (preceded by an even number of backslashes).
      let j = i;
      for (;;) {
        j = text.indexOf('"', j + 1);
        if (j < 0) return false;
        let k = j - 1;
        while (text.charCodeAt(k) === 92 /* \ */) k--;
        if ((j - 1 - k) % 2 === 0) break;
      }
      i = j;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

/**
 * JSON.parse, refusing texts nested deeper than MAX_JSON_DEPTH (JsonTooDeepError), with every
 * U+0000 in a string or key replaced by U+FFFD. PostgreSQL's text cannot
 * hold U+0000 (SQLite's can): an alert carrying one in a label, an annotation or its summary was
 * accepted, then failed the processor's transaction on every retry. Replaced at parsing, on both
 * databases alike, so both keep the same alert (and the same content hash). Bodies without the
 * escape are returned as parsed.
 */
export function parseJson(text: string): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new JsonTooDeepError();
  const value = JSON.parse(text) as unknown;
  return text.includes(NUL_ESCAPE) ? withoutNul(value) : value;
}

function withoutNul(v: unknown): unknown {
  if (typeof v === 'string') return v.replaceAll('\u0000', '\uFFFD');
  if (Array.isArray(v)) return v.map(withoutNul);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    // An own data property, as JSON.parse makes them (a "__proto__" key stays a key).
    Object.defineProperty(out, k.replaceAll('\u0000', '\uFFFD'), {
      value: withoutNul(x),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** JSON-parses a text body, reporting a parse failure at the root path. */
export function parseJsonBody(source: AlertSource, body: unknown): Result<unknown, IngestError> {
  if (typeof body !== 'string') return ok(body);
  try {
    return ok(parseJson(body));
  } catch (e) {
    if (e instanceof JsonTooDeepError) return err(ingestError(source, [{ path: '', message: e.message }]));
    return err(ingestError(source, [{ path: '', message: `is not valid JSON (${(e as Error).message})` }]));
  }
}
