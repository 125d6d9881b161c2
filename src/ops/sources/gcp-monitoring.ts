import { PayloadReader, dedupKeyOf, finish, parseJsonBody, severityFromWord } from '../alert.js';
import type { Alert, NormalizeResult } from '../alert.js';

/**
 * Google Cloud Monitoring webhook notification channel, schema `version: "1.2"`. The `incident`
 * is opened (`state: "open"`) and closed (`state: "closed"`) under the same `incident_id`;
 * `started_at` / `ended_at` are epoch seconds. Policy `severity` (CRITICAL, ERROR, WARNING) maps
 * directly; "No severity" or none is `warning`.
 */
export function normalize(body: unknown): NormalizeResult {
  const parsed = parseJsonBody('gcp-monitoring', body);
  if (!parsed.ok) return parsed;
  const r = new PayloadReader();
  const alerts: Alert[] = [];
  const root = r.object(parsed.value, '');
  if (root) {
    if (root['version'] !== '1.2')
      r.fail('/version', 'must be "1.2" (Cloud Monitoring webhook schema version)');
    const inc = r.object(root['incident'], '/incident');
    if (inc) {
      const p = '/incident';
      const id = r.string(inc['incident_id'], `${p}/incident_id`, { nonEmpty: true });
      const state = r.oneOf(inc['state'], `${p}/state`, ['open', 'closed'] as const);
      const started = r.epochSeconds(inc['started_at'], `${p}/started_at`);
      let ended: string | undefined;
      if (inc['ended_at'] !== undefined && inc['ended_at'] !== null)
        ended = r.epochSeconds(inc['ended_at'], `${p}/ended_at`);
      else if (state === 'closed') r.fail(`${p}/ended_at`, 'is required when state is "closed"');
      const policy = r.string(inc['policy_name'], `${p}/policy_name`, { nonEmpty: true });
      const condition = r.optionalString(inc['condition_name'], `${p}/condition_name`);
      const summary = r.optionalString(inc['summary'], `${p}/summary`);
      const severity = r.optionalString(inc['severity'], `${p}/severity`);
      const url = r.optionalString(inc['url'], `${p}/url`);
      const resourceName = r.optionalString(inc['resource_name'], `${p}/resource_name`);
      const labels: Record<string, string> = {};
      if (inc['resource'] !== undefined && inc['resource'] !== null) {
        const res = r.object(inc['resource'], `${p}/resource`);
        if (res) {
          const rt = r.optionalString(res['type'], `${p}/resource/type`);
          if (rt !== undefined) labels['resource_type'] = rt;
          for (const [k, v] of Object.entries(r.stringMap(res['labels'], `${p}/resource/labels`)))
            labels[`resource_${k}`] = v;
        }
      }
      if (inc['policy_user_labels'] !== undefined) {
        Object.assign(labels, r.stringMap(inc['policy_user_labels'], `${p}/policy_user_labels`));
      }
      if (id !== undefined && state !== undefined && started !== undefined && policy !== undefined) {
        alerts.push({
          source: 'gcp-monitoring',
          fingerprint: id,
          dedupKey: dedupKeyOf('gcp-monitoring', id),
          status: state === 'open' ? 'firing' : 'resolved',
          severity: severityFromWord(severity, 'warning'),
          summary: summary ?? policy,
          labels: {
            ...labels,
            alertname: policy,
            ...(condition !== undefined && { condition }),
            ...(resourceName !== undefined && { resource_name: resourceName }),
          },
          annotations: { ...(summary !== undefined && { summary }) },
          startsAt: started,
          ...(ended !== undefined && { endsAt: ended }),
          ...(url !== undefined && { generatorUrl: url }),
          raw: inc,
        });
      }
    }
  }
  return finish('gcp-monitoring', r, () => ({
    source: 'gcp-monitoring',
    alerts,
    acknowledgements: [],
    truncatedAlerts: 0,
  }));
}
