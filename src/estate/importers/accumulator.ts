import type {
  Diagnostic,
  EstateResource,
  ImportKind,
  JsonObject,
  ManagedResource,
  MetricSeries,
} from '../model.js';

/** Tags that arrive separately from their resource (get-resources, get-bucket-tagging, elbv2 describe-tags). */
export interface TagPatch {
  arn?: string;
  /** For get-bucket-tagging: the bucket, when the document names it. */
  bucket?: string;
  tags: Record<string, string>;
  /** Attributes to merge (get-public-access-block). */
  attributes?: JsonObject;
  file: string;
  kind: ImportKind;
  /** Complete resource record for ARNs no describe call listed (get-resources). */
  orphanResource?: EstateResource;
}

/** describe-target-health output, attributed to a target group after all files are read. */
export interface TargetHealthRecord {
  targetGroupArn?: string;
  healthy: number;
  total: number;
  file: string;
  states: JsonObject[];
}

export interface ImportAccumulator {
  resources: EstateResource[];
  managed: ManagedResource[];
  metrics: MetricSeries[];
  scannedTypes: Set<string>;
  diagnostics: Diagnostic[];
  tagPatches: TagPatch[];
  targetHealth: TargetHealthRecord[];
}

export function newAccumulator(): ImportAccumulator {
  return {
    resources: [],
    managed: [],
    metrics: [],
    scannedTypes: new Set(),
    diagnostics: [],
    tagPatches: [],
    targetHealth: [],
  };
}
