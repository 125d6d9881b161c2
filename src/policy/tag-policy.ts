import type { IacResource } from '../iac/resource.js';
import { isObjectValue, isUnknown, type ObjectValue, type Value } from '../iac/terraform/value.js';
import type { TagPolicy } from './rule.js';

/** The tag policy used when no configuration says otherwise. */
export const DEFAULT_TAG_POLICY: TagPolicy = {
  required: ['Owner', 'Environment'],
  caseSensitive: false,
};

export interface TagCheck {
  /** Required keys absent from the effective tags. */
  missing: string[];
  /** Present keys whose value is not allowed by the policy. */
  bad: Array<{ key: string; value: string }>;
}

/** Which attribute carries the tags of a resource: `labels` on Google Cloud, `tags` elsewhere. */
export function tagAttribute(resource: IacResource): 'tags' | 'labels' {
  return resource.provider === 'google' || resource.type.startsWith('google_') ? 'labels' : 'tags';
}

/**
 * The tags a resource ends up with, or 'unknown' when they are known only after apply. AWS
 * provider `default_tags` (from the provider block) are merged under the resource's own tags, the
 * way the provider computes `tags_all`; plan input already carries `tags_all`.
 */
export function effectiveTags(resource: IacResource): Record<string, Value> | 'unknown' | undefined {
  const attr = tagAttribute(resource);
  const own = resource.attributes[attr];
  const all = resource.attributes['tags_all'];
  if (attr === 'tags' && resource.source === 'plan' && all !== undefined && all !== null) {
    if (isUnknown(all)) return isObjectValue(own) ? mergeDefaults(own) : 'unknown';
    if (isObjectValue(all)) return all;
  }
  if (isUnknown(own)) return 'unknown';
  const defaults = attr === 'tags' ? defaultTags(resource.providerConfig) : {};
  if (defaults === 'unknown') return 'unknown';
  if ((own === undefined || own === null) && Object.keys(defaults).length === 0) return undefined;
  return { ...defaults, ...(isObjectValue(own) ? own : {}) };

  function mergeDefaults(o: ObjectValue): Record<string, Value> | 'unknown' {
    const d = defaultTags(resource.providerConfig);
    return d === 'unknown' ? 'unknown' : { ...d, ...o };
  }
}

function defaultTags(provider: ObjectValue | undefined): ObjectValue | 'unknown' {
  if (!provider) return {};
  const dt = provider['default_tags'];
  if (dt === undefined || dt === null) return {};
  if (isUnknown(dt)) return 'unknown';
  const block = Array.isArray(dt) ? dt[0] : dt;
  if (block === undefined || block === null) return {};
  if (isUnknown(block)) return 'unknown';
  if (!isObjectValue(block)) return {};
  const tags = block['tags'];
  if (isUnknown(tags)) return 'unknown';
  return isObjectValue(tags) ? tags : {};
}

function allowedMatches(allowed: string, value: string, caseSensitive: boolean): boolean {
  const re = /^\/(.*)\/([a-z]*)$/s.exec(allowed);
  if (re) {
    try {
      return new RegExp(re[1] ?? '', re[2]).test(value);
    } catch {
      return false;
    }
  }
  return caseSensitive ? allowed === value : allowed.toLowerCase() === value.toLowerCase();
}

/**
 * Required tags a resource lacks and tag values the policy does not allow. Answers 'unknown'
 * when the answer depends on values known only after apply (tags from a data source, an
 * unknown value for a key with allowed values). A key that is certainly missing is reported even
 * when other values are unknown.
 */
export function missingTags(resource: IacResource, policy: TagPolicy): TagCheck | 'unknown' {
  const tags = effectiveTags(resource);
  if (tags === 'unknown') return 'unknown';
  const present = new Map<string, { key: string; value: Value }>();
  for (const [k, v] of Object.entries(tags ?? {})) {
    present.set(policy.caseSensitive ? k : k.toLowerCase(), { key: k, value: v });
  }
  const find = (key: string) => present.get(policy.caseSensitive ? key : key.toLowerCase());
  const missing: string[] = [];
  const bad: TagCheck['bad'] = [];
  let unknownValue = false;
  for (const key of policy.required) {
    const t = find(key);
    if (t === undefined || t.value === null || t.value === '') missing.push(key);
  }
  for (const [key, allowed] of Object.entries(policy.allowed ?? {})) {
    const t = find(key);
    if (t === undefined || t.value === null) continue;
    if (isUnknown(t.value)) {
      unknownValue = true;
      continue;
    }
    const value = typeof t.value === 'string' ? t.value : JSON.stringify(t.value);
    if (!allowed.some((a) => allowedMatches(a, value, policy.caseSensitive))) bad.push({ key: t.key, value });
  }
  if (missing.length === 0 && bad.length === 0 && unknownValue) return 'unknown';
  return { missing, bad };
}
