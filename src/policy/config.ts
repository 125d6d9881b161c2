/**
 * `.opsdeck.yaml`: scan configuration. Parsed from text (the CLI reads the file) and validated at
 * once: every bad key is reported with its path.
 *
 * ```yaml
 * severity_threshold: medium      # report and fail on findings at or above this severity
 * rules:
 *   enable: [encryption, OPS-AWS-S3-001]   # only these ids / families / providers
 *   disable: [OPS-AWS-EC2-007, cost]
 *   severity: { OPS-AWS-S3-004: high }     # override per rule id or family
 * tag_policy:
 *   required: [Owner, Environment]
 *   allowed: { Environment: [prod, staging, dev] , Owner: ["/^team-/"] }
 *   case_sensitive: true
 * exclude: ["**\/test/**", "legacy/*"]     # paths relative to the scanned directory
 * ```
 */
import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { parseDocument } from 'yaml';
import { OpsdeckError, type ErrorDetail } from '../core/errors.js';
import { SEVERITIES } from './rule.js';
import { DEFAULT_TAG_POLICY } from './tag-policy.js';
import type { ScanConfig } from './scan-config.js';

export { EMPTY_CONFIG, globToRegExp, isExcluded, type ScanConfig } from './scan-config.js';

const SeveritySchema = Type.Union(SEVERITIES.map((s) => Type.Literal(s)));

export const ConfigSchema = Type.Object(
  {
    severity_threshold: Type.Optional(SeveritySchema),
    rules: Type.Optional(
      Type.Object(
        {
          enable: Type.Optional(Type.Array(Type.String())),
          disable: Type.Optional(Type.Array(Type.String())),
          severity: Type.Optional(Type.Record(Type.String(), SeveritySchema)),
        },
        { additionalProperties: false },
      ),
    ),
    tag_policy: Type.Optional(
      Type.Object(
        {
          required: Type.Optional(Type.Array(Type.String())),
          allowed: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
          case_sensitive: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    exclude: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

export type RawConfig = Static<typeof ConfigSchema>;

function pointerToKey(pointer: string): string {
  if (pointer === '') return '(top level)';
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
}

interface ObjectLikeSchema {
  type?: unknown;
  properties?: Record<string, TSchema>;
}

/**
 * Walks objects key by key so that every problem is found, not only the first per object, then
 * lets typebox check the leaves.
 */
function validate(schema: TSchema, value: unknown, pointer: string, file: string, out: ErrorDetail[]): void {
  const s = schema as ObjectLikeSchema;
  if (
    s.type === 'object' &&
    s.properties &&
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value)
  ) {
    for (const [k, v] of Object.entries(value)) {
      const sub = s.properties[k];
      const p = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (sub === undefined) out.push({ path: `${file}: ${pointerToKey(p)}`, message: 'unknown key' });
      else validate(sub, v, p, file, out);
    }
    return;
  }
  for (const err of Value.Errors(schema, value)) {
    if (err.schemaPath.includes('/anyOf/')) continue;
    const message = err.keyword === 'anyOf' ? `must be one of ${SEVERITIES.join(', ')}` : err.message;
    out.push({ path: `${file}: ${pointerToKey(pointer + err.instancePath)}`, message });
  }
}

/** Parses and validates `.opsdeck.yaml` text; throws OPSDECK_E_CONFIG_INVALID listing every problem. */
export function parseConfig(text: string, file: string): ScanConfig {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new OpsdeckError(
      'OPSDECK_E_CONFIG_INVALID',
      `${file} is not valid YAML`,
      doc.errors.map((e) => ({
        path: `${file}:${e.linePos?.[0]?.line ?? 1}:${e.linePos?.[0]?.col ?? 1}`,
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  const details: ErrorDetail[] = [];
  validate(ConfigSchema, data, '', file, details);
  const unique = details.filter(
    (d, i) => details.findIndex((x) => x.path === d.path && x.message === d.message) === i,
  );
  if (unique.length > 0) {
    throw new OpsdeckError('OPSDECK_E_CONFIG_INVALID', `${file} has ${unique.length} invalid key(s)`, unique);
  }
  const raw = data as RawConfig;
  const tp = raw.tag_policy;
  const config: ScanConfig = {
    enable: raw.rules?.enable ?? [],
    disable: raw.rules?.disable ?? [],
    severityOverrides: raw.rules?.severity ?? {},
    tagPolicy: tp
      ? {
          required: tp.required ?? DEFAULT_TAG_POLICY.required,
          caseSensitive: tp.case_sensitive ?? DEFAULT_TAG_POLICY.caseSensitive,
          ...(tp.allowed ? { allowed: tp.allowed } : {}),
        }
      : DEFAULT_TAG_POLICY,
    exclude: raw.exclude ?? [],
  };
  if (raw.severity_threshold !== undefined) config.severityThreshold = raw.severity_threshold;
  return config;
}
