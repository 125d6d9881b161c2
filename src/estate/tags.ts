import type { IacResource } from '../iac/resource.js';
import type { TagPolicy } from '../policy/rule.js';
import { missingTags } from '../policy/tag-policy.js';
import { round2 } from './json.js';
import type { CloudProvider, EstateResource } from './model.js';

const IAC_PROVIDER: Record<CloudProvider, string> = { aws: 'aws', azure: 'azurerm', gcp: 'google' };

/**
 * The policy as it applies to one cloud: AWS tag keys are case-sensitive, Azure tag keys are not,
 * GCP labels are lowercase (required keys are compared lowercased, case-insensitively).
 */
export function policyFor(provider: CloudProvider, policy: TagPolicy): TagPolicy {
  if (provider === 'aws') return { ...policy, caseSensitive: true };
  if (provider === 'azure') return { ...policy, caseSensitive: false };
  const allowed = policy.allowed
    ? Object.fromEntries(Object.entries(policy.allowed).map(([k, v]) => [k.toLowerCase(), v]))
    : undefined;
  return {
    required: policy.required.map((k) => k.toLowerCase()),
    caseSensitive: false,
    ...(allowed ? { allowed } : {}),
  };
}

/** Adapter: a live resource seen as the IacResource the shared tag-policy logic reads. */
function asIacResource(r: EstateResource): IacResource {
  const provider = IAC_PROVIDER[r.provider];
  const pos = { line: 1, column: 1, offset: 0 };
  return {
    address: `${r.type}.${r.id}`,
    mode: 'managed',
    type: r.type,
    name: r.id,
    provider,
    modulePath: [],
    attributes: { [provider === 'google' ? 'labels' : 'tags']: { ...r.tags } },
    range: { file: r.source.file, start: pos, end: pos },
    attributeRanges: new Map(),
    references: new Map(),
    source: 'hcl',
  };
}

/** Required tags missing and disallowed values on a live resource, via the shared `missingTags`. */
export function checkResourceTags(
  r: EstateResource,
  policy: TagPolicy,
): { missing: string[]; bad: Array<{ key: string; value: string }> } {
  const res = missingTags(asIacResource(r), policyFor(r.provider, policy));
  return res === 'unknown' ? { missing: [], bad: [] } : res;
}

export interface NonCompliant {
  type: string;
  id: string;
  provider: CloudProvider;
  account?: string;
  missing: string[];
  bad: Array<{ key: string; value: string }>;
  /** State address when the resource is managed by Terraform. */
  address?: string;
  remediation: string;
}

export interface Breakdown {
  key: string;
  total: number;
  compliant: number;
  pct: number;
}

export interface TagReport {
  policy: TagPolicy;
  total: number;
  compliant: number;
  /** Compliant resources / all resources, in percent (100 with no resources). */
  compliancePct: number;
  /** Spend-weighted compliance: BilledCost of compliant resources / BilledCost of resources with cost; null without cost data. */
  spendCompliancePct: number | null;
  spendConsidered: number;
  byAccount: Breakdown[];
  byEnvironment: Breakdown[];
  byOwner: Breakdown[];
  nonCompliant: NonCompliant[];
}

const TAGGABLE_SKIP = new Set(['aws_lb_target_group']);

function tagValue(tags: Record<string, string>, names: readonly string[]): string | undefined {
  for (const n of names)
    for (const [k, v] of Object.entries(tags)) if (k.toLowerCase() === n && v !== '') return v;
  return undefined;
}

const shellQuote = (s: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command that would add the missing tags (printed, never run). */
export function remediationCommand(r: EstateResource, missing: readonly string[]): string {
  const pairs = missing.map((k) => `${k}=<${k.toLowerCase()}>`);
  if (r.provider === 'aws') {
    const region = r.region ? ` --region ${r.region}` : '';
    if (r.arn)
      return `aws resourcegroupstaggingapi tag-resources${region} --resource-arn-list ${shellQuote(r.arn)} --tags ${pairs.map(shellQuote).join(',')}`;
    if (/^(i|vol|snap|eipalloc|nat)-/.test(r.id)) {
      return `aws ec2 create-tags${region} --resources ${r.id} --tags ${missing.map((k) => shellQuote(`Key=${k},Value=<${k.toLowerCase()}>`)).join(' ')}`;
    }
    return `aws resourcegroupstaggingapi tag-resources${region} --resource-arn-list <arn of ${r.type} ${r.id}> --tags ${pairs.map(shellQuote).join(',')}`;
  }
  if (r.provider === 'azure')
    return `az tag update --resource-id ${shellQuote(r.id)} --operation Merge --tags ${pairs.map(shellQuote).join(' ')}`;
  return `gcloud asset: add labels ${pairs.map(shellQuote).join(',')} to ${r.id} with the service's update command (e.g. gcloud compute instances add-labels NAME --labels=${missing.map((k) => `${k}=<${k}>`).join(',')})`;
}

function breakdown(items: Array<{ key: string; ok: boolean }>): Breakdown[] {
  const m = new Map<string, { total: number; compliant: number }>();
  for (const it of items) {
    const e = m.get(it.key) ?? { total: 0, compliant: 0 };
    e.total++;
    if (it.ok) e.compliant++;
    m.set(it.key, e);
  }
  return [...m]
    .map(([key, e]) => ({ key, ...e, pct: round2((e.compliant / e.total) * 100) }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Applies the tag policy to every live resource (target groups, which carry no cost, are left
 * out). `managedAddress` maps `type\0id` to the Terraform address of managed resources;
 * `costById` holds BilledCost per resource id or ARN.
 */
export function analyseTags(
  resources: readonly EstateResource[],
  policy: TagPolicy,
  opts: { managedAddress?: ReadonlyMap<string, string>; costById?: ReadonlyMap<string, number> } = {},
): TagReport {
  const considered = resources.filter((r) => !TAGGABLE_SKIP.has(r.type));
  const rows: Array<{ r: EstateResource; ok: boolean }> = [];
  const nonCompliant: NonCompliant[] = [];
  let spendAll = 0;
  let spendOk = 0;
  let anyCost = false;
  for (const r of considered) {
    const { missing, bad } = checkResourceTags(r, policy);
    const ok = missing.length === 0 && bad.length === 0;
    rows.push({ r, ok });
    const cost = opts.costById?.get(r.id) ?? (r.arn ? opts.costById?.get(r.arn) : undefined);
    if (cost !== undefined) {
      anyCost = true;
      spendAll += cost;
      if (ok) spendOk += cost;
    }
    if (!ok) {
      const address = opts.managedAddress?.get(`${r.type}\u0000${r.id}`);
      const nc: NonCompliant = {
        type: r.type,
        id: r.id,
        provider: r.provider,
        missing,
        bad,
        remediation: address
          ? `managed by Terraform: set ${missing.concat(bad.map((b) => b.key)).join(', ')} in the tags of ${address} (or the provider's default_tags) and apply`
          : remediationCommand(r, [...missing, ...bad.map((b) => b.key)]),
      };
      if (r.account) nc.account = r.account;
      if (address) nc.address = address;
      nonCompliant.push(nc);
    }
  }
  const compliant = rows.filter((x) => x.ok).length;
  return {
    policy,
    total: rows.length,
    compliant,
    compliancePct: rows.length === 0 ? 100 : round2((compliant / rows.length) * 100),
    spendCompliancePct: anyCost && spendAll > 0 ? round2((spendOk / spendAll) * 100) : null,
    spendConsidered: Math.round(spendAll * 1e6) / 1e6,
    byAccount: breakdown(rows.map(({ r, ok }) => ({ key: r.account ?? '(unknown)', ok }))),
    byEnvironment: breakdown(
      rows.map(({ r, ok }) => ({ key: tagValue(r.tags, ['environment', 'env']) ?? '(none)', ok })),
    ),
    byOwner: breakdown(
      rows.map(({ r, ok }) => ({ key: tagValue(r.tags, ['owner', 'team']) ?? '(none)', ok })),
    ),
    nonCompliant,
  };
}

/** `type\0id` -> state address for live resources matched to state (from the coverage report). */
export function managedAddressMap(
  matched: ReadonlyArray<{ type: string; id: string; address: string }>,
): Map<string, string> {
  return new Map(matched.map((m) => [`${m.type}\u0000${m.id}`, m.address]));
}
