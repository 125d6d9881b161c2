/**
 * Reader for `terraform show -json` output: plans (format 0.1, 0.2 and later:
 * `planned_values` with `resource_changes[].change.after_unknown` for computed values, and the
 * `configuration` section for references and provider configuration) and state (`values`).
 */
import type { Diagnostic, Range } from '../hcl/ast.js';
import type { IacResource } from '../resource.js';
import { isObjectValue, Unknown, type ObjectValue, type Value } from './value.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function obj(x: Json | undefined): JsonObject | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? x : undefined;
}

function arr(x: Json | undefined): Json[] {
  return Array.isArray(x) ? x : [];
}

function str(x: Json | undefined): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

function lineRange(file: string): Range {
  const p = { line: 1, column: 1, offset: 0 };
  return { file, start: p, end: p };
}

/** Plan values with `after_unknown` markers applied: `true` becomes Unknown, recursively. */
function applyUnknown(v: Json | undefined, unk: Json | undefined, path: string): Value {
  if (unk === true) return new Unknown(`${path} is known only after apply`);
  if (Array.isArray(v)) {
    const u = Array.isArray(unk) ? unk : [];
    return v.map((x, i) => applyUnknown(x, u[i], `${path}.${i}`));
  }
  const o = obj(v);
  if (o) {
    const u = obj(unk) ?? {};
    const out: ObjectValue = {};
    for (const [k, x] of Object.entries(o)) out[k] = applyUnknown(x, u[k], `${path}.${k}`);
    for (const [k, x] of Object.entries(u))
      if (!(k in out) && x === true) out[k] = new Unknown(`${path}.${k} is known only after apply`);
    return out;
  }
  if (v === undefined) return null;
  return v;
}

/** `module.a.module.b["x"]` -> ["module.a", "module.b[\"x\"]"] */
export function splitModuleAddress(addr: string): string[] {
  return addr.match(/module\.[^.[]+(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?/g) ?? [];
}

/** Resource address of a reference like `aws_s3_bucket.b.id`, `data.x.y`, `aws_s3_bucket.b[0].arn`; undefined for var/local/module outputs. */
function referencedResource(ref: string): string | undefined {
  const parts = ref.replace(/\[[^\]]*\]/g, '').split('.');
  const [a, b, c] = parts;
  if (a === undefined || b === undefined) return undefined;
  if (['var', 'local', 'each', 'count', 'path', 'terraform', 'self', 'module'].includes(a)) return undefined;
  if (a === 'data') return c === undefined ? undefined : `data.${b}.${c}`;
  return `${a}.${b}`;
}

interface ConfigInfo {
  references: Map<string, string[]>;
  providerKey: string | undefined;
}

function collectRefs(
  exprs: JsonObject,
  prefix: string,
  modulePrefix: string,
  out: Map<string, string[]>,
): void {
  for (const [k, e] of Object.entries(exprs)) {
    const path = prefix + k;
    if (Array.isArray(e)) {
      e.forEach((blk, i) => {
        const b = obj(blk);
        if (b) collectRefs(b, `${path}.${i}.`, modulePrefix, out);
      });
      continue;
    }
    const o = obj(e);
    if (!o) continue;
    const refs = arr(o['references'])
      .map(str)
      .filter((x): x is string => x !== undefined);
    if (refs.length) {
      const addrs = [
        ...new Set(refs.map(referencedResource).filter((x): x is string => x !== undefined)),
      ].map((a) => modulePrefix + a);
      if (addrs.length) out.set(path, addrs);
    } else if (!('constant_value' in o) && !('references' in o)) {
      collectRefs(o, `${path}.`, modulePrefix, out);
    }
  }
}

/** Config resources by `module.a.module.b.` + `type.name` (module path without instance keys). */
function walkConfig(mod: JsonObject | undefined, modPath: string, into: Map<string, ConfigInfo>): void {
  if (!mod) return;
  for (const r of arr(mod['resources'])) {
    const ro = obj(r);
    const addr = str(ro?.['address']);
    if (!ro || !addr) continue;
    const references = new Map<string, string[]>();
    collectRefs(obj(ro['expressions']) ?? {}, '', '', references);
    into.set(modPath + addr, { references, providerKey: str(ro['provider_config_key']) });
  }
  for (const [name, call] of Object.entries(obj(mod['module_calls']) ?? {})) {
    walkConfig(obj(obj(call)?.['module']), `${modPath}module.${name}.`, into);
  }
}

function constantConfig(exprs: JsonObject): ObjectValue {
  const out: ObjectValue = {};
  for (const [k, e] of Object.entries(exprs)) {
    if (Array.isArray(e)) {
      out[k] = e.map((b) => constantConfig(obj(b) ?? {}));
      continue;
    }
    const o = obj(e);
    if (!o) continue;
    if ('constant_value' in o) out[k] = toValue(o['constant_value']);
    else if ('references' in o)
      out[k] = new Unknown(`provider argument ${k} refers to ${arr(o['references']).map(str).join(', ')}`);
    else out[k] = [constantConfig(o)];
  }
  return out;
}

function toValue(x: Json | undefined): Value {
  if (x === undefined) return null;
  if (Array.isArray(x)) return x.map(toValue);
  const o = obj(x);
  if (o) {
    const out: ObjectValue = {};
    for (const [k, v] of Object.entries(o)) out[k] = toValue(v);
    return out;
  }
  return x;
}

/** Reads `terraform show -json` output (plan or state) into IacResources with source 'plan'. */
export function readPlanJson(
  text: string,
  file: string,
): { resources: IacResource[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let doc: JsonObject | undefined;
  try {
    doc = obj(JSON.parse(text) as Json);
  } catch (e) {
    diagnostics.push({
      severity: 'error',
      summary: 'Invalid plan JSON',
      detail: `${file} is not valid JSON: ${(e as Error).message}.`,
      range: lineRange(file),
    });
    return { resources: [], diagnostics };
  }
  const values = obj(doc?.['planned_values']) ?? obj(doc?.['values']);
  const rootModule = obj(values?.['root_module']);
  if (!doc || !rootModule) {
    diagnostics.push({
      severity: 'error',
      summary: 'Unsupported plan JSON',
      detail: `${file} has neither "planned_values.root_module" nor "values.root_module": it is not output of "terraform show -json".`,
      range: lineRange(file),
    });
    return { resources: [], diagnostics };
  }
  const format = str(doc['format_version']);
  if (format && !/^(0\.[12]|1\.\d+)$/.test(format)) {
    diagnostics.push({
      severity: 'warning',
      summary: 'Unrecognised plan format version',
      detail: `${file} has format_version "${format}"; it is read as format 1.x.`,
      range: lineRange(file),
    });
  }
  const afterUnknown = new Map<string, Json>();
  for (const rc of arr(doc['resource_changes'])) {
    const o = obj(rc);
    const addr = str(o?.['address']);
    const change = obj(o?.['change']);
    if (addr && change && change['after_unknown'] !== undefined)
      afterUnknown.set(addr, change['after_unknown']);
  }
  const config = obj(doc['configuration']);
  const configResources = new Map<string, ConfigInfo>();
  walkConfig(obj(config?.['root_module']), '', configResources);
  const providerConfigs = new Map<string, ObjectValue>();
  for (const [key, p] of Object.entries(obj(config?.['provider_config']) ?? {})) {
    const po = obj(p);
    const exprs = obj(po?.['expressions']);
    if (exprs) providerConfigs.set(key, constantConfig(exprs));
  }
  const resources: IacResource[] = [];
  const walk = (mod: JsonObject): void => {
    for (const r of arr(mod['resources'])) {
      const ro = obj(r);
      const address = str(ro?.['address']);
      const type = str(ro?.['type']);
      const name = str(ro?.['name']);
      if (!ro || !address || !type || !name) {
        diagnostics.push({
          severity: 'warning',
          summary: 'Invalid resource in plan',
          detail: `A resource in ${file} lacks an address, type or name; it is skipped.`,
          range: lineRange(file),
        });
        continue;
      }
      const modAddr = str(mod['address']) ?? '';
      const modulePath = splitModuleAddress(modAddr);
      const attrs = applyUnknown(ro['values'] ?? {}, afterUnknown.get(address), address);
      const configKey =
        modulePath
          .map((m) => m.replace(/\[.*\]$/, ''))
          .map((m) => m + '.')
          .join('') + address.slice(modAddr ? modAddr.length + 1 : 0).replace(/\[[^\]]*\]$/, '');
      const info = configResources.get(configKey);
      const modulePrefix = modAddr ? modAddr + '.' : '';
      const references = new Map<string, string[]>();
      for (const [p, refs] of info?.references ?? [])
        references.set(
          p,
          refs.map((x) => modulePrefix + x),
        );
      const providerName = str(ro['provider_name']) ?? type.split('_')[0] ?? type;
      const provider = providerName.split('/').pop() ?? providerName;
      const res: IacResource = {
        address,
        mode: ro['mode'] === 'data' ? 'data' : 'managed',
        type,
        name,
        provider,
        modulePath,
        attributes: isObjectValue(attrs) ? attrs : {},
        range: lineRange(file),
        attributeRanges: new Map(),
        references,
        source: 'plan',
      };
      // Module resources inherit the root provider configuration unless the module configures its own.
      const pc =
        (info?.providerKey ? providerConfigs.get(info.providerKey) : undefined) ??
        providerConfigs.get(provider);
      if (pc) res.providerConfig = pc;
      resources.push(res);
    }
    for (const c of arr(mod['child_modules'])) {
      const co = obj(c);
      if (co) walk(co);
    }
  };
  walk(rootModule);
  return { resources, diagnostics };
}
