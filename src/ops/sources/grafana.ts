import {
  PayloadReader,
  dedupKeyOf,
  finish,
  labelsFingerprint,
  parseJsonBody,
  severityFromWord,
} from '../alert.js';
import type { Alert, NormalizeResult } from '../alert.js';
import { ZERO_TIME } from './alertmanager.js';

/**
 * Grafana unified alerting webhook contact point. Same alert shape as Alertmanager
 * (`fingerprint`, `status`, `labels`, `annotations`, `startsAt`, `endsAt`, `generatorURL`) plus
 * `groupKey`, `orgId`, `state`, `title` and `message` at the top. Grafana always adds the
 * `grafana_folder` label; `alertname` is the rule title. Severity from the `severity` label
 * (default `warning`).
 */
export function normalize(body: unknown): NormalizeResult {
  const parsed = parseJsonBody('grafana', body);
  if (!parsed.ok) return parsed;
  const r = new PayloadReader();
  const alerts: Alert[] = [];
  let truncated = 0;
  const root = r.object(parsed.value, '');
  if (root) {
    const groupKey = r.string(root['groupKey'], '/groupKey');
    if (root['orgId'] !== undefined && typeof root['orgId'] !== 'number')
      r.fail('/orgId', 'must be a number');
    if (root['state'] !== undefined) r.string(root['state'], '/state');
    if (typeof root['truncatedAlerts'] === 'number') truncated = root['truncatedAlerts'];
    const list = r.array(root['alerts'], '/alerts') ?? [];
    list.forEach((item, i) => {
      const p = `/alerts/${i}`;
      const a = r.object(item, p);
      if (!a) return;
      const status = r.oneOf(a['status'], `${p}/status`, ['firing', 'resolved'] as const);
      if (a['labels'] === undefined) r.fail(`${p}/labels`, 'is required');
      const labels = r.stringMap(a['labels'], `${p}/labels`);
      const annotations = r.stringMap(a['annotations'], `${p}/annotations`);
      const startsAt = r.time(a['startsAt'], `${p}/startsAt`);
      const endsRaw = r.optionalString(a['endsAt'], `${p}/endsAt`);
      let endsAt: string | undefined;
      if (endsRaw !== undefined && endsRaw !== '' && endsRaw !== ZERO_TIME)
        endsAt = r.time(endsRaw, `${p}/endsAt`);
      const fp = r.optionalString(a['fingerprint'], `${p}/fingerprint`) || labelsFingerprint(labels);
      const generatorUrl = r.optionalString(a['generatorURL'], `${p}/generatorURL`);
      if (status === undefined || startsAt === undefined || groupKey === undefined) return;
      alerts.push({
        source: 'grafana',
        fingerprint: fp,
        dedupKey: dedupKeyOf('grafana', fp),
        status,
        severity: severityFromWord(labels['severity'], 'warning'),
        summary: annotations['summary'] ?? labels['alertname'] ?? fp,
        labels,
        annotations,
        startsAt,
        ...(endsAt !== undefined && { endsAt }),
        groupKey,
        ...(generatorUrl && { generatorUrl }),
        raw: item,
      });
    });
  }
  return finish('grafana', r, () => ({
    source: 'grafana',
    alerts,
    acknowledgements: [],
    truncatedAlerts: truncated,
  }));
}
