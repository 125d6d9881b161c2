import { isIgnored, type IgnoreRule } from './ignore.js';
import { bool, num, obj, str } from './json.js';
import type { EstateResource, Json, JsonObject, ManagedResource } from './model.js';

/**
 * Which state attributes can carry the live identity of a resource of each type. Live identity is
 * the resource's id, ARN, name and (for EIPs) public IP; a state instance matches a live resource
 * of the same type when any of these attributes equals any of those.
 */
const STATE_KEYS: Record<string, string[]> = {
  aws_eip: ['id', 'allocation_id', 'public_ip'],
  aws_s3_bucket: ['id', 'bucket'],
  aws_lb: ['id', 'arn'],
  aws_alb: ['id', 'arn'],
  aws_elb: ['id', 'name'],
  aws_db_instance: ['identifier', 'id', 'resource_id'],
  aws_acm_certificate: ['arn', 'id'],
  aws_lb_target_group: ['arn', 'id'],
};

/** Terraform types that are aliases of one live type. */
const TYPE_ALIASES: Record<string, string> = {
  aws_alb: 'aws_lb',
  aws_alb_target_group: 'aws_lb_target_group',
};

function liveKeys(r: EstateResource): string[] {
  const keys = [r.id];
  if (r.arn) keys.push(r.arn);
  if (r.type === 'aws_eip') {
    const ip = str(r.attributes['PublicIp']);
    if (ip) keys.push(ip);
  }
  if (r.type === 'aws_db_instance') {
    const dbi = str(r.attributes['DbiResourceId']);
    if (dbi) keys.push(dbi);
  }
  return keys;
}

function stateKeys(m: ManagedResource): string[] {
  const attrs = STATE_KEYS[m.type] ?? ['id'];
  const out: string[] = [];
  for (const a of attrs) {
    const v = str(m.attributes[a]);
    if (v) out.push(v);
  }
  if (m.id && !out.includes(m.id)) out.push(m.id);
  return out;
}

export interface DriftItem {
  field: string;
  state: Json;
  live: Json;
}

export interface MatchedResource {
  address: string;
  type: string;
  id: string;
  drift: DriftItem[];
}

export interface CoverageReport {
  /** driftctl's formula: managed / (managed + unmanaged + missing), in percent; null with nothing to count. */
  coveragePct: number | null;
  counts: { managed: number; unmanaged: number; missing: number; ignored: number; total: number };
  managed: MatchedResource[];
  unmanaged: Array<{ type: string; id: string; name?: string }>;
  /** In state, not found live, among the types some live export enumerated. */
  missing: Array<{ address: string; type: string; id: string }>;
  /** State instances whose type no live export covers (not counted). */
  notScanned: number;
  drifted: number;
}

type Getter = (a: JsonObject) => Json | undefined;
interface DriftRule {
  field: string;
  state: Getter;
  live: Getter;
}

/** The attributes that matter for drift, per type: tags, size and class, encryption, public access. */
const DRIFT_RULES: Record<string, DriftRule[]> = {
  aws_instance: [
    { field: 'instance_type', state: (a) => str(a['instance_type']), live: (a) => str(a['InstanceType']) },
  ],
  aws_ebs_volume: [
    { field: 'size', state: (a) => num(a['size']), live: (a) => num(a['Size']) },
    { field: 'type', state: (a) => str(a['type']), live: (a) => str(a['VolumeType']) },
    { field: 'encrypted', state: (a) => bool(a['encrypted']), live: (a) => bool(a['Encrypted']) },
  ],
  aws_db_instance: [
    {
      field: 'instance_class',
      state: (a) => str(a['instance_class']),
      live: (a) => str(a['DBInstanceClass']),
    },
    {
      field: 'allocated_storage',
      state: (a) => num(a['allocated_storage']),
      live: (a) => num(a['AllocatedStorage']),
    },
    {
      field: 'storage_encrypted',
      state: (a) => bool(a['storage_encrypted']),
      live: (a) => bool(a['StorageEncrypted']),
    },
    {
      field: 'publicly_accessible',
      state: (a) => bool(a['publicly_accessible']),
      live: (a) => bool(a['PubliclyAccessible']),
    },
  ],
  aws_lb: [
    {
      field: 'internal',
      state: (a) => bool(a['internal']),
      live: (a) => (str(a['Scheme']) === undefined ? undefined : a['Scheme'] === 'internal'),
    },
  ],
};

function stateTags(m: ManagedResource): Record<string, string> | undefined {
  const t = obj(m.attributes['tags']) ?? obj(m.attributes['labels']);
  if (!t) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/** Tags drift: keys added, removed or changed live, ignoring AWS-reserved `aws:` keys. */
function tagDrift(m: ManagedResource, r: EstateResource): DriftItem | undefined {
  const st = stateTags(m);
  if (st === undefined) return undefined;
  const clean = (t: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(t)
        .filter(([k]) => !k.startsWith('aws:'))
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  const a = clean(st);
  const b = clean(r.tags);
  return JSON.stringify(a) === JSON.stringify(b) ? undefined : { field: 'tags', state: a, live: b };
}

const PAB_FLAGS: Array<[string, string]> = [
  ['block_public_acls', 'BlockPublicAcls'],
  ['block_public_policy', 'BlockPublicPolicy'],
  ['ignore_public_acls', 'IgnorePublicAcls'],
  ['restrict_public_buckets', 'RestrictPublicBuckets'],
];

/**
 * Public access drift of a bucket: the state's `aws_s3_bucket_public_access_block` for it against
 * the live `get-public-access-block` configuration (when both are known).
 */
function publicAccessDrift(pab: ManagedResource | undefined, r: EstateResource): DriftItem[] {
  const live = obj(r.attributes['PublicAccessBlockConfiguration']);
  if (!pab || !live) return [];
  const out: DriftItem[] = [];
  for (const [tf, aws] of PAB_FLAGS) {
    const s = bool(pab.attributes[tf]);
    const l = bool(live[aws]);
    if (s !== undefined && l !== undefined && s !== l)
      out.push({ field: `public_access_block.${tf}`, state: s, live: l });
  }
  return out;
}

export function driftOf(m: ManagedResource, r: EstateResource): DriftItem[] {
  const out: DriftItem[] = [];
  const t = tagDrift(m, r);
  if (t) out.push(t);
  for (const rule of DRIFT_RULES[r.type] ?? []) {
    const s = rule.state(m.attributes);
    const l = rule.live(r.attributes);
    if (s === undefined || l === undefined) continue;
    if (JSON.stringify(s) !== JSON.stringify(l)) out.push({ field: rule.field, state: s, live: l });
  }
  return out;
}

/**
 * IaC coverage and drift, driftctl-style: live resources matched to state instances by type and
 * per-type identity keys. Ignored resources (by `type.id` pattern) are left out of every count.
 */
export function analyseCoverage(
  live: readonly EstateResource[],
  state: readonly ManagedResource[],
  scannedTypes: readonly string[],
  ignore: readonly IgnoreRule[] = [],
): CoverageReport {
  const norm = (t: string) => TYPE_ALIASES[t] ?? t;
  const index = new Map<string, ManagedResource[]>();
  for (const m of state) {
    for (const k of stateKeys(m)) {
      const key = `${norm(m.type)}\u0000${k}`;
      const list = index.get(key) ?? [];
      list.push(m);
      index.set(key, list);
    }
  }
  const pabByBucket = new Map<string, ManagedResource>();
  for (const m of state) {
    const b = str(m.attributes['bucket']);
    if (m.type === 'aws_s3_bucket_public_access_block' && b) pabByBucket.set(b, m);
  }
  const scanned = new Set(scannedTypes.map(norm));
  const used = new Set<ManagedResource>();
  const report: CoverageReport = {
    coveragePct: null,
    counts: { managed: 0, unmanaged: 0, missing: 0, ignored: 0, total: 0 },
    managed: [],
    unmanaged: [],
    missing: [],
    notScanned: 0,
    drifted: 0,
  };
  for (const r of live) {
    let match: ManagedResource | undefined;
    for (const k of liveKeys(r)) {
      match = index.get(`${norm(r.type)}\u0000${k}`)?.find((m) => !used.has(m));
      if (match) break;
    }
    if (match) used.add(match);
    if (isIgnored(r.type, r.id, ignore)) {
      report.counts.ignored++;
      continue;
    }
    if (match) {
      const drift = driftOf(match, r);
      if (r.type === 'aws_s3_bucket') drift.push(...publicAccessDrift(pabByBucket.get(r.id), r));
      if (drift.length) report.drifted++;
      report.managed.push({ address: match.address, type: r.type, id: r.id, drift });
    } else {
      const u: CoverageReport['unmanaged'][number] = { type: r.type, id: r.id };
      if (r.name) u.name = r.name;
      report.unmanaged.push(u);
    }
  }
  for (const m of state) {
    if (used.has(m)) continue;
    if (!scanned.has(norm(m.type))) {
      report.notScanned++;
      continue;
    }
    if (isIgnored(m.type, m.id, ignore) || isIgnored(m.type, m.address, ignore)) {
      report.counts.ignored++;
      continue;
    }
    report.missing.push({ address: m.address, type: m.type, id: m.id });
  }
  report.counts.managed = report.managed.length;
  report.counts.unmanaged = report.unmanaged.length;
  report.counts.missing = report.missing.length;
  report.counts.total = report.counts.managed + report.counts.unmanaged + report.counts.missing;
  report.coveragePct =
    report.counts.total === 0
      ? null
      : Math.round((report.counts.managed / report.counts.total) * 10000) / 100;
  return report;
}
