import { PayloadReader, finish, parseJsonBody } from '../alert.js';
import type { Alert, NormalizeResult } from '../alert.js';
import { readWebhookAlert } from './alertmanager.js';

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
      const alert = readWebhookAlert(r, item, `/alerts/${i}`, 'grafana', groupKey, ['summary']);
      if (alert) alerts.push(alert);
    });
  }
  return finish('grafana', r, () => ({
    source: 'grafana',
    alerts,
    acknowledgements: [],
    truncatedAlerts: truncated,
  }));
}
