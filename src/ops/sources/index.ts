import type { AlertSource, Normalizer } from '../alert.js';
import { normalize as alertmanager } from './alertmanager.js';
import { normalize as azureMonitor } from './azure-monitor.js';
import { normalize as cloudwatch } from './cloudwatch.js';
import { normalize as gcpMonitoring } from './gcp-monitoring.js';
import { normalize as grafana } from './grafana.js';
import { normalize as pagerduty } from './pagerduty.js';

/** One normalizer per alert source; the ingestion route picks one by URL. */
export const normalizers: Readonly<Record<AlertSource, Normalizer>> = {
  alertmanager,
  grafana,
  cloudwatch,
  'azure-monitor': azureMonitor,
  'gcp-monitoring': gcpMonitoring,
  pagerduty,
};
