import { baseAddress, type IacResource } from '../iac/resource.js';
import { isObjectValue, type Value } from '../iac/terraform/value.js';
import type { ResourceGraph } from './rule.js';

/** Attributes whose known string value identifies a resource to others (plan input, literal names). */
const IDENTITY_ATTRIBUTES = ['id', 'arn', 'bucket', 'name', 'self_link'] as const;

interface Edge {
  from: IacResource;
  path: string;
}

function pathMatches(path: string, via: string | undefined): boolean {
  return via === undefined || path === via || path.startsWith(`${via}.`);
}

function instanceKey(address: string): string | undefined {
  const m = /(\[[^\]]*\])$/.exec(address);
  return m?.[1];
}

/** Known, non-empty string leaves of a value (one level into lists). */
function stringLeaves(v: Value | undefined): string[] {
  if (typeof v === 'string') return v.length > 0 ? [v] : [];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x.length > 0);
  return [];
}

function attributeValue(r: IacResource, path: string): Value | undefined {
  let cur: Value | undefined = r.attributes;
  for (const step of path.split('.')) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(step) ? cur[Number(step)] : cur[0];
    if (!isObjectValue(cur)) return undefined;
    cur = cur[step];
  }
  return cur;
}

/**
 * The resources of one scan, indexed for rules: by type, by base address (address without the
 * instance key) and by reverse reference. References come from `IacResource.references`; in
 * addition a resource whose attribute holds a known string equal to another resource's identity
 * (`id`, `arn`, `bucket`, `name`, `self_link`) counts as referencing it, which is how plan JSON
 * (and literal names in source) connect e.g. a public access block to its bucket.
 */
export class IndexedResourceGraph implements ResourceGraph {
  private readonly resources: readonly IacResource[];
  private readonly types = new Map<string, IacResource[]>();
  private readonly bases = new Map<string, IacResource[]>();
  private readonly reverse = new Map<string, Edge[]>();
  private identities: Map<string, IacResource[]> | undefined;

  constructor(resources: readonly IacResource[]) {
    this.resources = resources;
    for (const r of resources) {
      const typeKey = r.mode === 'data' ? `data.${r.type}` : r.type;
      push(this.types, typeKey, r);
      push(this.bases, baseAddress(r.address), r);
      for (const [path, targets] of r.references) {
        for (const t of targets) push(this.reverse, t, { from: r, path });
      }
    }
  }

  all(): readonly IacResource[] {
    return this.resources;
  }

  /** Managed resources of a type; `data.<type>` for data sources. */
  byType(type: string): readonly IacResource[] {
    return this.types.get(type) ?? [];
  }

  /** All instances sharing a base address (`aws_s3_bucket.b` -> `b["x"]`, `b["y"]`). */
  byBaseAddress(base: string): readonly IacResource[] {
    return this.bases.get(base) ?? [];
  }

  referencing(target: IacResource, type: string, viaAttribute?: string): readonly IacResource[] {
    const out = new Set<IacResource>();
    const edges = this.reverse.get(baseAddress(target.address)) ?? [];
    const byRef = edges
      .filter((e) => matchesType(e.from, type) && pathMatches(e.path, viaAttribute))
      .map((e) => e.from);
    // for_each pairs (`bucket = aws_s3_bucket.b[each.key].id`): keep the instance with the same key.
    const key = instanceKey(target.address);
    const sameKey = key === undefined ? [] : byRef.filter((r) => instanceKey(r.address) === key);
    for (const r of sameKey.length > 0 ? sameKey : byRef) out.add(r);

    const ids = new Set<string>();
    for (const a of IDENTITY_ATTRIBUTES) for (const s of stringLeaves(target.attributes[a])) ids.add(s);
    if (ids.size > 0) {
      for (const r of this.byType(type)) {
        if (r === target || out.has(r)) continue;
        const values =
          viaAttribute === undefined
            ? Object.values(r.attributes).flatMap(stringLeaves)
            : stringLeaves(attributeValue(r, viaAttribute));
        if (values.some((v) => ids.has(v))) out.add(r);
      }
    }
    return [...out];
  }

  referencedBy(from: IacResource, viaAttribute?: string): readonly IacResource[] {
    const out = new Set<IacResource>();
    for (const [path, targets] of from.references) {
      if (!pathMatches(path, viaAttribute)) continue;
      for (const t of targets) for (const r of this.bases.get(t) ?? []) out.add(r);
    }
    if (viaAttribute !== undefined) {
      const index = this.identityIndex();
      for (const v of stringLeaves(attributeValue(from, viaAttribute))) {
        for (const r of index.get(v) ?? []) if (r !== from) out.add(r);
      }
    }
    return [...out];
  }

  private identityIndex(): Map<string, IacResource[]> {
    if (this.identities) return this.identities;
    const index = new Map<string, IacResource[]>();
    for (const r of this.resources) {
      for (const a of IDENTITY_ATTRIBUTES) for (const s of stringLeaves(r.attributes[a])) push(index, s, r);
    }
    this.identities = index;
    return index;
  }
}

function matchesType(r: IacResource, type: string): boolean {
  return type.startsWith('data.')
    ? r.mode === 'data' && `data.${r.type}` === type
    : r.mode === 'managed' && r.type === type;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function buildGraph(resources: readonly IacResource[]): IndexedResourceGraph {
  return new IndexedResourceGraph(resources);
}
