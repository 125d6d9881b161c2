import { PayloadReader, dedupKeyOf, finish, parseJsonBody } from '../alert.js';
import type { Alert, NormalizeResult, Severity } from '../alert.js';

/** Azure severities: Sev0 critical, Sev1 error, Sev2 warning, Sev3 informational, Sev4 verbose. */
export const AZURE_SEVERITY: Readonly<Record<string, Severity>> = {
  Sev0: 'critical',
  Sev1: 'error',
  Sev2: 'warning',
  Sev3: 'info',
  Sev4: 'info',
};

/**
 * Azure Monitor action group webhook with the common alert schema
 * (`schemaId: "azureMonitorCommonAlertSchema"`). `data.essentials.alertId` is stable across the
 * Fired and Resolved notifications of one alert instance, so it is the fingerprint.
 */
export function normalize(body: unknown): NormalizeResult {
  const parsed = parseJsonBody('azure-monitor', body);
  if (!parsed.ok) return parsed;
  const r = new PayloadReader();
  const alerts: Alert[] = [];
  const root = r.object(parsed.value, '');
  if (root) {
    if (root['schemaId'] !== 'azureMonitorCommonAlertSchema') {
      r.fail(
        '/schemaId',
        'must be "azureMonitorCommonAlertSchema" (enable the common alert schema on the action)',
      );
    }
    const data = r.object(root['data'], '/data');
    const e = data && r.object(data['essentials'], '/data/essentials');
    if (e) {
      const p = '/data/essentials';
      const alertId = r.string(e['alertId'], `${p}/alertId`, { nonEmpty: true });
      const rule = r.string(e['alertRule'], `${p}/alertRule`, { nonEmpty: true });
      const sev = r.oneOf(e['severity'], `${p}/severity`, ['Sev0', 'Sev1', 'Sev2', 'Sev3', 'Sev4'] as const);
      const cond = r.oneOf(e['monitorCondition'], `${p}/monitorCondition`, ['Fired', 'Resolved'] as const);
      const fired = r.time(e['firedDateTime'], `${p}/firedDateTime`);
      let resolved: string | undefined;
      if (cond === 'Resolved') resolved = r.time(e['resolvedDateTime'], `${p}/resolvedDateTime`);
      const targets =
        e['alertTargetIDs'] === undefined ? [] : (r.array(e['alertTargetIDs'], `${p}/alertTargetIDs`) ?? []);
      const items =
        e['configurationItems'] === undefined
          ? []
          : (r.array(e['configurationItems'], `${p}/configurationItems`) ?? []);
      targets.forEach((t, i) => r.string(t, `${p}/alertTargetIDs/${i}`));
      items.forEach((t, i) => r.string(t, `${p}/configurationItems/${i}`));
      const description = r.optionalString(e['description'], `${p}/description`) ?? '';
      const signalType = r.optionalString(e['signalType'], `${p}/signalType`);
      const monitoringService = r.optionalString(e['monitoringService'], `${p}/monitoringService`);
      const custom = data['customProperties'];
      const customProps =
        custom === undefined || custom === null ? {} : r.stringMap(custom, '/data/customProperties');
      if (
        alertId !== undefined &&
        rule !== undefined &&
        sev !== undefined &&
        cond !== undefined &&
        fired !== undefined
      ) {
        const firstTarget = typeof targets[0] === 'string' ? targets[0] : undefined;
        alerts.push({
          source: 'azure-monitor',
          fingerprint: alertId,
          dedupKey: dedupKeyOf('azure-monitor', alertId),
          status: cond === 'Fired' ? 'firing' : 'resolved',
          severity: AZURE_SEVERITY[sev] ?? 'warning',
          summary: description !== '' ? description : rule,
          labels: {
            ...customProps,
            alertname: rule,
            azure_severity: sev,
            ...(signalType !== undefined && { signal_type: signalType }),
            ...(monitoringService !== undefined && { monitoring_service: monitoringService }),
            ...(firstTarget !== undefined && { target: firstTarget }),
            ...(typeof items[0] === 'string' && { configuration_item: items[0] }),
          },
          annotations: {
            ...(description !== '' && { description }),
            ...(targets.length > 0 && { alert_target_ids: targets.join(',') }),
            ...(items.length > 0 && { configuration_items: items.join(',') }),
          },
          startsAt: fired,
          ...(resolved !== undefined && { endsAt: resolved }),
          raw: parsed.value,
        });
      }
    }
  }
  return finish('azure-monitor', r, () => ({
    source: 'azure-monitor',
    alerts,
    acknowledgements: [],
    truncatedAlerts: 0,
  }));
}
