import type { Source } from './api.js';

/** A ready-to-paste configuration for the monitoring tool that sends to this integration. */
export function configSnippet(
  source: Source,
  ingestUrl: string,
  key: string,
): { language: string; text: string } {
  const withKey = `${ingestUrl}${ingestUrl.includes('?') ? '&' : '?'}key=${encodeURIComponent(key)}`;
  switch (source) {
    case 'alertmanager':
      return {
        language: 'alertmanager.yml',
        text: [
          'receivers:',
          '  - name: opsdeck',
          '    webhook_configs:',
          `      - url: ${ingestUrl}`,
          '        send_resolved: true',
          '        http_config:',
          '          authorization:',
          '            type: Bearer',
          `            credentials: ${key}`,
        ].join('\n'),
      };
    case 'grafana':
      return {
        language: 'Grafana contact point (Webhook)',
        text: [
          `URL: ${ingestUrl}`,
          'HTTP Method: POST',
          'Authorization Header - Scheme: Bearer',
          `Authorization Header - Credentials: ${key}`,
        ].join('\n'),
      };
    case 'cloudwatch':
      return {
        language: 'shell (SNS HTTPS subscription)',
        text: [
          'aws sns subscribe \\',
          '  --topic-arn arn:aws:sns:REGION:ACCOUNT:TOPIC \\',
          '  --protocol https \\',
          `  --notification-endpoint '${withKey}'`,
        ].join('\n'),
      };
    case 'azure-monitor':
      return {
        language: 'shell (action group webhook, common alert schema)',
        text: [
          'az monitor action-group create \\',
          '  --resource-group RG --name opsdeck --short-name opsdeck \\',
          `  --action webhook opsdeck '${withKey}' usecommonalertschema`,
        ].join('\n'),
      };
    case 'gcp-monitoring':
      return {
        language: 'shell (webhook notification channel)',
        text: [
          'gcloud beta monitoring channels create \\',
          '  --display-name=opsdeck --type=webhook_tokenauth \\',
          `  --channel-labels=url='${withKey}'`,
        ].join('\n'),
      };
    case 'pagerduty':
      return {
        language: 'shell (Events API v2)',
        text: [
          `curl -sS -X POST '${ingestUrl}' \\`,
          "  -H 'Content-Type: application/json' \\",
          `  -d '{"routing_key":"${key}","event_action":"trigger","dedup_key":"disk-full-db1",` +
            `"payload":{"summary":"Disk full on db1","source":"db1","severity":"critical"}}'`,
        ].join('\n'),
      };
  }
}
