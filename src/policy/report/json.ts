import type { ScanReport } from './model.js';

/** The versioned JSON report (`schemaVersion: 1`), described by docs/scan-report.schema.json. */
export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
