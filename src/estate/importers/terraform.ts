import { readPlanJson } from '../../iac/terraform/plan.js';
import { isUnknown, type Value } from '../../iac/terraform/value.js';
import { arr, obj, str } from '../json.js';
import type { Json, JsonObject, ManagedResource } from '../model.js';
import type { ImportAccumulator } from './accumulator.js';

function providerOf(type: string, provider: string | undefined): string {
  // v4: provider["registry.terraform.io/hashicorp/aws"] or provider.aws; v3: provider.aws
  const m =
    /provider\[?"?(?:[^"\]]*\/)?([a-z0-9-]+)"?\]?/.exec(provider ?? '') ??
    /^provider\.([a-z0-9-]+)/.exec(provider ?? '');
  return m?.[1] ?? type.split('_')[0] ?? type;
}

function keyText(k: Json | undefined): string {
  if (k === undefined || k === null) return '';
  return typeof k === 'number' ? `[${k}]` : `[${JSON.stringify(k)}]`;
}

/**
 * Terraform state: format v4 (`resources[].instances[]`) and v3 (`modules[].resources` map,
 * upgraded on the fly the way Terraform upgrades it). Data sources are not managed resources and
 * are left out.
 */
export function importTerraformState(doc: JsonObject, file: string, acc: ImportAccumulator): number {
  const version = doc['version'];
  let n = 0;
  const push = (m: ManagedResource) => {
    acc.managed.push(m);
    n++;
  };
  if (version === 4) {
    arr(doc['resources']).forEach((r, i) => {
      const ro = obj(r);
      const type = str(ro?.['type']);
      const name = str(ro?.['name']);
      if (!ro || !type || !name) {
        acc.diagnostics.push({
          severity: 'warning',
          file,
          path: `$.resources[${i}]`,
          message: 'resource without type or name; skipped',
        });
        return;
      }
      if (ro['mode'] === 'data') return;
      const mod = str(ro['module']);
      const prefix = mod ? `${mod}.` : '';
      const provider = providerOf(type, str(ro['provider']));
      arr(ro['instances']).forEach((inst, j) => {
        const io = obj(inst);
        const attrs = obj(io?.['attributes']) ?? obj(io?.['attributes_flat']);
        if (!io || !attrs) {
          acc.diagnostics.push({
            severity: 'warning',
            file,
            path: `$.resources[${i}].instances[${j}]`,
            message: 'instance without attributes; skipped',
          });
          return;
        }
        push({
          address: `${prefix}${type}.${name}${keyText(io['index_key'])}`,
          type,
          id: str(attrs['id']) ?? '',
          provider,
          attributes: attrs,
          source: { kind: 'terraform-state', file },
        });
      });
    });
    return n;
  }
  if (version === 3 || version === 2 || version === 1) {
    arr(doc['modules']).forEach((m, i) => {
      const mo = obj(m);
      const path = arr(mo?.['path']).map((p) => (typeof p === 'string' ? p : JSON.stringify(p)));
      const prefix = path
        .slice(1)
        .map((p) => `module.${p}.`)
        .join('');
      for (const [key, r] of Object.entries(obj(mo?.['resources']) ?? {})) {
        const ro = obj(r);
        if (key.startsWith('data.')) continue;
        const type = str(ro?.['type']);
        const primary = obj(ro?.['primary']);
        const flat = obj(primary?.['attributes']);
        if (!ro || !type || !flat) {
          acc.diagnostics.push({
            severity: 'warning',
            file,
            path: `$.modules[${i}].resources["${key}"]`,
            message: 'resource without type or primary attributes; skipped',
          });
          continue;
        }
        // v3 keys: type.name or type.name.N
        const parts = key.split('.');
        const name = parts[1] ?? key;
        const idx = parts[2] !== undefined ? `[${parts[2]}]` : '';
        push({
          address: `${prefix}${type}.${name}${idx}`,
          type,
          id: str(primary?.['id']) ?? str(flat['id']) ?? '',
          provider: providerOf(type, str(ro['provider'])),
          attributes: unflatten(flat),
          source: { kind: 'terraform-state', file },
        });
      }
    });
    return n;
  }
  acc.diagnostics.push({
    severity: 'error',
    file,
    path: '$.version',
    message: `unsupported Terraform state version ${JSON.stringify(version)} (expected 3 or 4)`,
  });
  return 0;
}

/** v3 flatmap (`tags.%`, `tags.Name`, `ebs_block_device.#`, `ebs_block_device.0.size`) to nested values. */
export function unflatten(flat: JsonObject): JsonObject {
  const out: JsonObject = {};
  const maps = new Set<string>();
  const lists = new Set<string>();
  for (const k of Object.keys(flat)) {
    if (k.endsWith('.%')) maps.add(k.slice(0, -2));
    if (k.endsWith('.#')) lists.add(k.slice(0, -2));
  }
  for (const [k, v] of Object.entries(flat)) {
    if (k.endsWith('.%') || k.endsWith('.#')) continue;
    const mapKey = [...maps].find((m) => k.startsWith(`${m}.`));
    if (mapKey && !mapKey.includes('.')) {
      const inner = obj(out[mapKey]) ?? {};
      inner[k.slice(mapKey.length + 1)] = v;
      out[mapKey] = inner;
      continue;
    }
    const listKey = [...lists].find((l) => k.startsWith(`${l}.`));
    if (listKey && !listKey.includes('.')) {
      const rest = k.slice(listKey.length + 1);
      const [idx = '0', ...field] = rest.split('.');
      const list = Array.isArray(out[listKey]) ? out[listKey] : [];
      const i = Number(idx);
      if (field.length === 0) list[i] = v;
      else {
        const el = obj(list[i]) ?? {};
        el[field.join('.')] = v;
        list[i] = el;
      }
      out[listKey] = list;
      continue;
    }
    out[k] = v;
  }
  for (const m of maps) if (!m.includes('.') && out[m] === undefined) out[m] = {};
  for (const l of lists) if (!l.includes('.') && out[l] === undefined) out[l] = [];
  return out;
}

function toJson(v: Value): Json {
  if (isUnknown(v)) return null;
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === 'object') {
    const o: JsonObject = {};
    for (const [k, x] of Object.entries(v)) o[k] = toJson(x);
    return o;
  }
  return v;
}

/** `terraform show -json` state or plan output, read with the shared plan reader. */
export function importShowJson(text: string, file: string, acc: ImportAccumulator): number {
  const { resources, diagnostics } = readPlanJson(text, file);
  for (const d of diagnostics) {
    acc.diagnostics.push({
      severity: d.severity === 'error' ? 'error' : 'warning',
      file,
      path: '$',
      message: `${d.summary}: ${d.detail ?? ''}`.trim(),
    });
  }
  let n = 0;
  for (const r of resources) {
    if (r.mode !== 'managed') continue;
    const attributes = obj(toJson(r.attributes)) ?? {};
    acc.managed.push({
      address: r.address,
      type: r.type,
      id: str(attributes['id']) ?? '',
      provider: r.provider,
      attributes,
      source: { kind: 'terraform-show-json', file },
    });
    n++;
  }
  return n;
}
