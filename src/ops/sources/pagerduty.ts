import { createHash } from 'node:crypto';
import { PayloadReader, dedupKeyOf, finish, parseJsonBody } from '../alert.js';
import type {
  Alert,
  IngestContext,
  IngestError,
  NormalizeResult,
  NormalizedBatch,
  Severity,
} from '../alert.js';

/**
 * What opsdeck keeps in place of an event's `routing_key`, which is the integration's ingest key:
 * a secret, stored only as its SHA-256. The normalizer accepts it (an event kept this way is
 * normalized again by the processor); a sender presenting it is refused before, no key hashes
 * to it.
 */
export const REDACTED_ROUTING_KEY = '[redacted]';

function withoutKey(event: unknown): unknown {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return event;
  const e = event as Record<string, unknown>;
  return 'routing_key' in e ? { ...e, routing_key: REDACTED_ROUTING_KEY } : e;
}

/**
 * The body to keep of an accepted event (the ingest inbox): its routing key redacted, and the
 * dedup_key the request answered with (generated from the routing key when the sender gave none),
 * so that normalizing it again gives the same alert.
 */
export function pagerDutyBodyToKeep(text: string, batch: NormalizedBatch): string {
  const event = JSON.parse(text) as Record<string, unknown>;
  const generated = batch.alerts[0]?.fingerprint;
  const given = event['dedup_key'];
  return JSON.stringify({
    ...event,
    routing_key: REDACTED_ROUTING_KEY,
    ...((given === undefined || given === '') && generated !== undefined && { dedup_key: generated }),
  });
}

/**
 * A rejected body's `"routing_key": "..."` values redacted, for dead letters (the body may not
 * be JSON, so this works on the text).
 */
export function redactRoutingKeys(text: string): string {
  return text.replace(/("routing_key"\s*:\s*")(?:[^"\\]|\\.)*"/g, `$1${REDACTED_ROUTING_KEY}"`);
}

/** The 400 body PagerDuty's Events API v2 answers for an invalid event. */
export interface PagerDutyInvalidEvent {
  status: 'invalid event';
  message: 'Event object is invalid';
  errors: string[];
}

/** Renders an IngestError as PagerDuty words it (`'payload.summary' is missing or blank`). */
export function pagerDutyErrorResponse(e: IngestError): PagerDutyInvalidEvent {
  return {
    status: 'invalid event',
    message: 'Event object is invalid',
    errors: e.problems.map((p) => {
      const field = p.path.replace(/^\//, '').split('/').join('.');
      if (field === '' || p.message.startsWith('Length of ')) return p.message;
      return `'${field}' ${p.message}`;
    }),
  };
}

/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`). `trigger` opens or updates the alert with
 * `dedup_key` (generated when absent, as PagerDuty does: here a hash of the routing key, payload
 * and receive time, returned in the alert's fingerprint); `acknowledge` and `resolve` need
 * `dedup_key`. `payload.severity` is one of critical, error, warning, info.
 */
export function normalize(
  body: unknown,
  _headers?: Readonly<Record<string, string | undefined>>,
  context: IngestContext = {},
): NormalizeResult {
  const parsed = parseJsonBody('pagerduty', body);
  if (!parsed.ok) return parsed;
  const r = new PayloadReader();
  const alerts: Alert[] = [];
  const acknowledgements: string[] = [];
  const root = r.object(parsed.value, '');
  if (root) {
    const rk = root['routing_key'];
    if (typeof rk !== 'string' || rk.trim() === '') r.fail('/routing_key', 'is missing or blank');
    else if (rk.length !== 32 && rk !== REDACTED_ROUTING_KEY)
      r.fail('/routing_key', "Length of 'routing_key' is incorrect (should be 32 characters)");
    const action = root['event_action'];
    if (typeof action !== 'string' || action === '') r.fail('/event_action', 'is missing or blank');
    else if (action !== 'trigger' && action !== 'acknowledge' && action !== 'resolve') {
      r.fail('/event_action', 'is invalid (must be trigger, acknowledge or resolve)');
    }
    const dk = root['dedup_key'];
    if (dk !== undefined && (typeof dk !== 'string' || dk.length > 255))
      r.fail('/dedup_key', 'must be a string of at most 255 characters');
    const given = typeof dk === 'string' && dk !== '' ? dk : undefined;
    if ((action === 'acknowledge' || action === 'resolve') && given === undefined)
      r.fail('/dedup_key', 'is missing or blank');
    const receivedAt = context.receivedAt;

    if (action === 'acknowledge' && given !== undefined)
      acknowledgements.push(dedupKeyOf('pagerduty', given));
    if (action === 'resolve' && given !== undefined) {
      if (receivedAt === undefined) r.fail('', 'resolve events need the receive time (context.receivedAt)');
      else {
        alerts.push({
          source: 'pagerduty',
          fingerprint: given,
          dedupKey: dedupKeyOf('pagerduty', given),
          status: 'resolved',
          severity: 'info',
          summary: `resolved ${given}`,
          labels: {},
          annotations: {},
          startsAt: receivedAt,
          endsAt: receivedAt,
          raw: withoutKey(parsed.value),
        });
      }
    }
    if (action === 'trigger') {
      const payload = r.object(root['payload'], '/payload');
      if (payload) {
        const p = '/payload';
        const summary = payload['summary'];
        if (typeof summary !== 'string' || summary.trim() === '')
          r.fail(`${p}/summary`, 'is missing or blank');
        else if (summary.length > 1024) r.fail(`${p}/summary`, 'is longer than 1024 characters');
        const source = payload['source'];
        if (typeof source !== 'string' || source.trim() === '') r.fail(`${p}/source`, 'is missing or blank');
        const sev = payload['severity'];
        if (typeof sev !== 'string' || sev === '') r.fail(`${p}/severity`, 'is missing or blank');
        else if (!['critical', 'error', 'warning', 'info'].includes(sev)) {
          r.fail(`${p}/severity`, 'is invalid (must be critical, error, warning or info)');
        }
        let ts: string | undefined;
        if (payload['timestamp'] !== undefined) ts = r.time(payload['timestamp'], `${p}/timestamp`);
        else if (receivedAt === undefined)
          r.fail(`${p}/timestamp`, 'is missing and no receive time was given');
        else ts = receivedAt;
        const labels: Record<string, string> = {};
        for (const k of ['component', 'group', 'class'] as const) {
          const v = r.optionalString(payload[k], `${p}/${k}`);
          if (v !== undefined) labels[k] = v;
        }
        const details = payload['custom_details'];
        const annotations: Record<string, string> = {};
        if (details !== undefined && details !== null) {
          if (typeof details === 'object' && !Array.isArray(details)) {
            for (const [k, v] of Object.entries(details))
              annotations[k] = typeof v === 'string' ? v : JSON.stringify(v);
          } else
            annotations['custom_details'] = typeof details === 'string' ? details : JSON.stringify(details);
        }
        if (r.ok && typeof summary === 'string' && typeof source === 'string' && ts !== undefined) {
          const fp =
            given ??
            createHash('sha256')
              .update(`${String(rk)}\u0000${JSON.stringify(payload)}\u0000${receivedAt ?? ts}`)
              .digest('hex')
              .slice(0, 32);
          alerts.push({
            source: 'pagerduty',
            fingerprint: fp,
            dedupKey: dedupKeyOf('pagerduty', fp),
            status: 'firing',
            severity: sev as Severity,
            summary,
            labels: { alertname: labels['class'] ?? summary, source, ...labels },
            annotations,
            startsAt: ts,
            raw: withoutKey(parsed.value),
          });
        }
      }
    }
  }
  return finish('pagerduty', r, () => ({
    source: 'pagerduty',
    alerts,
    acknowledgements,
    truncatedAlerts: 0,
  }));
}
