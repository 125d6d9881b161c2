import { parseFocusCsv } from '../cost.js';
import { normaliseAwsInPlace, obj, str } from '../json.js';
import type { CostRow, EstateResource, ImportKind, Json, Snapshot } from '../model.js';
import { type ImportAccumulator, newAccumulator } from './accumulator.js';
import { importAws } from './aws.js';
import { importAzureGraph, importGcpAsset } from './cloud.js';
import { detectKind, unwrapRecording } from './detect.js';
import { importShowJson, importTerraformState } from './terraform.js';

export { detectKind, unwrapRecording } from './detect.js';

/** One input file, read by the caller (the domain does no file access). */
export interface ImportInput {
  /** Path as shown to the user. */
  path: string;
  text: string;
}

function dirOf(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? '.' : p.slice(0, i);
}
function baseOf(p: string): string {
  return p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
}

function jsonError(e: unknown, text: string): { path: string; message: string } {
  const msg = e instanceof Error ? e.message : String(e);
  const pos = /position (\d+)/.exec(msg);
  if (pos) {
    const off = Number(pos[1]);
    const before = text.slice(0, off);
    const line = before.split('\n').length;
    const col = off - before.lastIndexOf('\n');
    return { path: `line ${line}, column ${col}`, message: `invalid JSON: ${msg}` };
  }
  return { path: '$', message: `invalid JSON: ${msg}` };
}

function parsesAsObject(line: string): boolean {
  try {
    return obj(JSON.parse(line) as Json) !== undefined;
  } catch {
    return false;
  }
}

function isFocusHeader(text: string): boolean {
  const header = text.slice(0, 4000).split(/\r?\n/, 1)[0] ?? '';
  return /(^|[",])BilledCost([",]|$)/.test(header) && /ChargePeriodStart/.test(header);
}

/** Reads one file into the accumulator; returns the kind detected and how many items it held. */
function importOne(
  input: ImportInput,
  acc: ImportAccumulator,
  costs: CostRow[],
): { kind: ImportKind | 'unknown'; items: number } {
  const { path: file, text } = input;
  if (isFocusHeader(text)) {
    const parsed = parseFocusCsv(text, file);
    costs.push(...parsed.rows);
    acc.diagnostics.push(...parsed.diagnostics);
    return { kind: 'focus-csv', items: parsed.rows.length };
  }
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    // JSON lines (Cloud Asset Inventory export)
    const lines = text.split(/\r?\n/);
    const nonEmpty = lines.filter((l) => l.trim() !== '');
    if (nonEmpty.length > 1 && parsesAsObject(nonEmpty[0] ?? '')) {
      let items = 0;
      let seen = false;
      lines.forEach((l, i) => {
        if (l.trim() === '') return;
        let o: Json;
        try {
          o = JSON.parse(l) as Json;
        } catch (err) {
          acc.diagnostics.push({
            severity: 'error',
            file,
            path: `line ${i + 1}`,
            message: `invalid JSON line: ${err instanceof Error ? err.message : String(err)}`,
          });
          return;
        }
        const oo = obj(o);
        if (oo && detectKind(oo) === 'gcp-asset-inventory') {
          seen = true;
          items += importGcpAsset(oo, file, i + 1, acc);
        } else
          acc.diagnostics.push({
            severity: 'warning',
            file,
            path: `line ${i + 1}`,
            message: 'line is not a Cloud Asset Inventory asset (no name/assetType); skipped',
          });
      });
      if (seen) return { kind: 'gcp-asset-inventory', items };
    }
    const where = jsonError(e, text);
    acc.diagnostics.push({ severity: 'error', file, ...where });
    return { kind: 'unknown', items: 0 };
  }
  const snap = obj(doc);
  if (
    snap &&
    snap['version'] === 1 &&
    Array.isArray(snap['resources']) &&
    Array.isArray(snap['managed']) &&
    'takenAt' in snap
  ) {
    acc.diagnostics.push({
      severity: 'warning',
      file,
      path: '$',
      message: 'this is an opsdeck estate snapshot, not an export; read it with --snapshot',
    });
    return { kind: 'unknown', items: 0 };
  }
  const { doc: inner, status } = unwrapRecording(doc);
  const kind = detectKind(inner);
  if (kind === undefined) {
    const top = Object.keys(obj(inner) ?? {}).filter((k) => k !== 'ResponseMetadata' && k !== 'NextToken');
    if (obj(inner) && (top.length === 0 || top.every((k) => /^[A-Z][A-Za-z0-9]*$/.test(k)))) {
      acc.diagnostics.push({
        severity: 'info',
        file,
        path: '$',
        message: `AWS API output the estate import does not use (top level: ${top.join(', ') || 'empty'}); skipped`,
      });
      return { kind: 'unknown', items: 0 };
    }
    const keys = obj(inner)
      ? Object.keys(obj(inner) ?? {})
          .slice(0, 6)
          .join(', ')
      : Array.isArray(inner)
        ? 'an array'
        : typeof inner;
    acc.diagnostics.push({
      severity: 'error',
      file,
      path: '$',
      message: `unrecognised content (top level: ${keys || 'empty'}); expected Terraform state, terraform show -json, an AWS CLI output, an Azure Resource Graph or a GCP Cloud Asset Inventory export`,
    });
    return { kind: 'unknown', items: 0 };
  }
  if (kind === 'aws-error') {
    const err = obj(obj(inner)?.['Error']);
    acc.diagnostics.push({
      severity: 'warning',
      file,
      path: '$.Error',
      message: `recorded AWS error response${status ? ` (HTTP ${status})` : ''}: ${str(err?.['Code']) ?? ''}: ${str(err?.['Message']) ?? ''}; nothing imported`,
    });
    return { kind, items: 0 };
  }
  if (kind === 'terraform-state') return { kind, items: importTerraformState(obj(inner) ?? {}, file, acc) };
  if (kind === 'terraform-show-json')
    return { kind, items: importShowJson(JSON.stringify(inner), file, acc) };
  if (kind === 'azure-resource-graph') return { kind, items: importAzureGraph(inner, file, acc) };
  if (kind === 'gcp-asset-inventory') {
    if (Array.isArray(inner)) {
      let items = 0;
      inner.forEach((a, i) => {
        const o = obj(a);
        if (o) items += importGcpAsset(o, file, i + 1, acc);
      });
      return { kind, items };
    }
    return { kind, items: importGcpAsset(obj(inner) ?? {}, file, 1, acc) };
  }
  // `inner` was parsed above from the input text: nothing else holds it.
  const normalised = obj(normaliseAwsInPlace(inner)) ?? {};
  return { kind, items: importAws(kind, normalised, file, acc) };
}

const ID_IN_TEXT = /\b(i-[0-9a-f]{8,17}|vol-[0-9a-f]{8,17}|nat-[0-9a-f]{8,17})\b/;
const EC2_METRICS = new Set([
  'CPUUtilization',
  'NetworkIn',
  'NetworkOut',
  'NetworkPacketsIn',
  'NetworkPacketsOut',
  'DiskReadOps',
  'DiskWriteOps',
  'CPUCreditBalance',
  'StatusCheckFailed',
]);

/**
 * Attaches what arrived separately: tags from get-resources / get-bucket-tagging / elbv2
 * describe-tags, target health to target groups, metric series to their resource. Attribution
 * order for a series or a get-bucket-tagging output without an explicit key: an id in the
 * label, an id (or bucket name) in the file name, the only candidate resource in the same
 * directory. Anything left unattributed gets an info diagnostic.
 */
function link(acc: ImportAccumulator): void {
  // The same resource listed by several files (re-describes, overlapping exports): the last wins.
  const seen = new Map<string, number>();
  acc.resources.forEach((r, i) => seen.set(`${r.type}\u0000${r.id}`, i));
  const dupes = acc.resources.filter((r, i) => seen.get(`${r.type}\u0000${r.id}`) !== i);
  for (const d of dupes) {
    acc.diagnostics.push({
      severity: 'info',
      file: d.source.file,
      path: '$',
      message: `${d.type} ${d.id} is listed again by a later file; the later record is kept`,
    });
  }
  acc.resources = acc.resources.filter((r, i) => seen.get(`${r.type}\u0000${r.id}`) === i);
  const byArn = new Map<string, EstateResource>();
  const byTypeId = new Map<string, EstateResource>();
  for (const r of acc.resources) {
    if (r.arn) byArn.set(r.arn, r);
    byTypeId.set(`${r.type}\u0000${r.id}`, r);
  }
  for (const p of acc.tagPatches) {
    if (p.kind === 'aws-get-bucket-tagging' || p.kind === 'aws-get-public-access-block') {
      const buckets = acc.resources.filter((r) => r.type === 'aws_s3_bucket');
      const target =
        (p.bucket ? buckets.find((b) => b.id === p.bucket) : undefined) ??
        buckets.find((b) => baseOf(p.file).includes(b.id)) ??
        (() => {
          const same = buckets.filter((b) => dirOf(b.source.file) === dirOf(p.file));
          return same.length === 1 ? same[0] : undefined;
        })();
      if (target) {
        target.tags = { ...target.tags, ...p.tags };
        if (p.attributes) target.attributes = { ...target.attributes, ...p.attributes };
      } else
        acc.diagnostics.push({
          severity: 'info',
          file: p.file,
          path: p.kind === 'aws-get-bucket-tagging' ? '$.TagSet' : '$.PublicAccessBlockConfiguration',
          message: `${p.kind === 'aws-get-bucket-tagging' ? 'get-bucket-tagging' : 'get-public-access-block'} output could not be attributed to a bucket (add "Bucket" to the file, or put the bucket name in the file name)`,
        });
      continue;
    }
    if (!p.arn) continue;
    let target = byArn.get(p.arn);
    if (!target && p.arn.startsWith('elb-name:')) target = byTypeId.get(`aws_elb\u0000${p.arn.slice(9)}`);
    if (!target) {
      const o = p.orphanResource;
      if (o) target = byTypeId.get(`${o.type}\u0000${o.id}`);
    }
    if (target) {
      target.tags = { ...target.tags, ...p.tags };
      if (!target.arn && !p.arn.startsWith('elb-name:')) target.arn = p.arn;
      if (!target.account && p.orphanResource?.account) target.account = p.orphanResource.account;
      if (!target.region && p.orphanResource?.region) target.region = p.orphanResource.region;
    } else if (p.orphanResource) {
      acc.resources.push(p.orphanResource);
      byArn.set(p.arn, p.orphanResource);
      byTypeId.set(`${p.orphanResource.type}\u0000${p.orphanResource.id}`, p.orphanResource);
    }
  }
  const tgs = acc.resources.filter((r) => r.type === 'aws_lb_target_group');
  for (const h of acc.targetHealth) {
    const tg =
      (h.targetGroupArn ? tgs.find((t) => t.arn === h.targetGroupArn) : undefined) ??
      tgs.find((t) => t.name !== undefined && baseOf(h.file).includes(t.name));
    if (tg) {
      tg.attributes['TargetHealth'] = { healthy: h.healthy, total: h.total };
    } else {
      acc.diagnostics.push({
        severity: 'info',
        file: h.file,
        path: '$.TargetHealthDescriptions',
        message: `target health (${h.total} targets) could not be attributed to a target group (add "TargetGroupArn" to the file, or put the target group name in the file name)`,
      });
    }
  }
  for (const m of acc.metrics) {
    if (m.resourceId) continue;
    const inLabel = ID_IN_TEXT.exec(m.metric)?.[1];
    const fromText = inLabel ?? ID_IN_TEXT.exec(baseOf(m.source.file))?.[1];
    if (fromText) {
      m.resourceId = fromText;
      // "i-0abc CPUUtilization" (a get-metric-data label) names the metric CPUUtilization
      const rest = inLabel ? m.metric.replace(inLabel, '').trim() : '';
      if (rest) m.metric = rest;
      continue;
    }
    if (EC2_METRICS.has(m.metric)) {
      const same = acc.resources.filter(
        (r) => r.type === 'aws_instance' && dirOf(r.source.file) === dirOf(m.source.file),
      );
      if (same.length === 1 && same[0]) {
        m.resourceId = same[0].id;
        continue;
      }
    }
    acc.diagnostics.push({
      severity: 'info',
      file: m.source.file,
      path: '$',
      message: `metric series "${m.metric}" could not be attributed to a resource (add "Dimensions" to the file, or put the resource id in the file name)`,
    });
  }
}

/** Imports files into a snapshot. Unknown or malformed files produce diagnostics, never a throw. */
export function importFiles(inputs: readonly ImportInput[], takenAt: string): Snapshot {
  const acc = newAccumulator();
  const costs: CostRow[] = [];
  const files: Snapshot['files'] = [];
  for (const input of inputs) {
    const { kind, items } = importOne(input, acc, costs);
    files.push({ file: input.path, kind, items });
  }
  link(acc);
  return {
    version: 1,
    takenAt,
    resources: acc.resources,
    managed: acc.managed,
    scannedTypes: [...acc.scannedTypes].sort(),
    metrics: acc.metrics,
    costs,
    diagnostics: acc.diagnostics,
    files,
  };
}
