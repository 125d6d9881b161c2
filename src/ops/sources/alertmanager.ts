import {
  PayloadReader,
  dedupKeyOf,
  finish,
  labelsFingerprint,
  parseJsonBody,
  severityFromWord,
} from '../alert.js';
import type { Alert, NormalizeResult } from '../alert.js';

/** Alertmanager writes this for an alert that is firing and has no end yet. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Prometheus Alertmanager webhook (payload `version: "4"`). One request carries one aggregation
 * group: `groupKey` identifies it, `alerts[]` hold firing and resolved alerts together,
 * `truncatedAlerts` counts alerts left out by `max_alerts`. Severity comes from the `severity`
 * label (default `warning`).
 */
/**
 * One alert of an Alertmanager-shaped webhook (Alertmanager and Grafana send the same shape):
 * `status`, `labels`, `annotations`, `startsAt`, `endsAt` (the zero time or '' while firing),
 * `fingerprint` (computed from the labels when absent), `generatorURL`. Problems go to `r` with
 * their JSON path; undefined when the alert cannot be used.
 */
export function readWebhookAlert(
  r: PayloadReader,
  item: unknown,
  p: string,
  source: 'alertmanager' | 'grafana',
  groupKey: string | undefined,
  summaryAnnotations: readonly string[],
): Alert | undefined {
  const a = r.object(item, p);
  if (!a) return undefined;
  const status = r.oneOf(a['status'], `${p}/status`, ['firing', 'resolved'] as const);
  const labels = r.stringMap(a['labels'], `${p}/labels`);
  if (a['labels'] === undefined) r.fail(`${p}/labels`, 'is required');
  const annotations = r.stringMap(a['annotations'], `${p}/annotations`);
  const startsAt = r.time(a['startsAt'], `${p}/startsAt`);
  const endsRaw = r.optionalString(a['endsAt'], `${p}/endsAt`);
  let endsAt: string | undefined;
  if (endsRaw !== undefined && endsRaw !== '' && endsRaw !== ZERO_TIME)
    endsAt = r.time(endsRaw, `${p}/endsAt`);
  const fp = r.optionalString(a['fingerprint'], `${p}/fingerprint`) || labelsFingerprint(labels);
  const generatorUrl = r.optionalString(a['generatorURL'], `${p}/generatorURL`);
  if (status === undefined || startsAt === undefined || groupKey === undefined) return undefined;
  const summary = summaryAnnotations.map((k) => annotations[k]).find((v) => v !== undefined);
  return {
    source,
    fingerprint: fp,
    dedupKey: dedupKeyOf(source, fp),
    status,
    severity: severityFromWord(labels['severity'], 'warning'),
    summary: summary ?? labels['alertname'] ?? fp,
    labels,
    annotations,
    startsAt,
    ...(endsAt !== undefined && { endsAt }),
    groupKey,
    ...(generatorUrl && { generatorUrl }),
    raw: item,
  };
}

export function normalize(body: unknown): NormalizeResult {
  const parsed = parseJsonBody('alertmanager', body);
  if (!parsed.ok) return parsed;
  const r = new PayloadReader();
  const alerts: Alert[] = [];
  let truncated = 0;
  const root = r.object(parsed.value, '');
  if (root) {
    if (root['version'] !== '4') r.fail('/version', 'must be "4" (Alertmanager webhook payload version)');
    const groupKey = r.string(root['groupKey'], '/groupKey');
    if (root['truncatedAlerts'] !== undefined) {
      const t = root['truncatedAlerts'];
      if (typeof t === 'number' && Number.isInteger(t) && t >= 0) truncated = t;
      else r.fail('/truncatedAlerts', 'must be a non-negative integer');
    }
    const list = r.array(root['alerts'], '/alerts') ?? [];
    list.forEach((item, i) => {
      const alert = readWebhookAlert(r, item, `/alerts/${i}`, 'alertmanager', groupKey, [
        'summary',
        'description',
      ]);
      if (alert) alerts.push(alert);
    });
  }
  return finish('alertmanager', r, () => ({
    source: 'alertmanager',
    alerts,
    acknowledgements: [],
    truncatedAlerts: truncated,
  }));
}
