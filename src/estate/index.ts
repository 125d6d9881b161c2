/** Estate hygiene engine: the public API of src/estate. */
export type * from './model.js';
export { importFiles, detectKind, unwrapRecording, type ImportInput } from './importers/index.js';
export { analyseCoverage, driftOf, type CoverageReport, type DriftItem } from './coverage.js';
export { parseIgnore, isIgnored, type IgnoreRule } from './ignore.js';
export { analyseTags, checkResourceTags, policyFor, remediationCommand, type TagReport } from './tags.js';
export {
  buildCatalog,
  volumeMonthly,
  instanceMonthly,
  HOURS_PER_MONTH,
  type PriceCatalog,
} from './pricing.js';
export {
  findWaste,
  wasteTotals,
  DEFAULT_WASTE_OPTIONS,
  type WasteFinding,
  type WasteOptions,
} from './waste.js';
export {
  recommendRightsizing,
  vcpus,
  DEFAULT_RIGHTSIZING_OPTIONS,
  type RightsizingRecommendation,
} from './rightsizing.js';
export {
  parseFocusCsv,
  summariseCosts,
  detectAnomalies,
  DEFAULT_COST_OPTIONS,
  type CostSummary,
} from './cost.js';
export { certificateStatuses, CERT_THRESHOLDS, type CertificateStatus } from './certificates.js';
export {
  buildEstateReport,
  renderEstateText,
  renderEstateJson,
  renderEstateCsv,
  renderEstateMarkdown,
  type EstateReport,
  type ReportOptions,
} from './report.js';
