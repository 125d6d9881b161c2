import path from 'node:path';
import { Type, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { OpsdeckError, type ErrorDetail } from '../core/errors.js';
import { CONFIG_KEYS, expectation, type ConfigKey, type KeyKind, type LogLevel } from './keys.js';

/** The validated configuration every command and the server read (camelCase). */
export interface OpsdeckConfig {
  /** Absolute when `resolveConfig` was given a `cwd`. */
  dataDir: string;
  host: string;
  port: number;
  /** `sqlite:<absolute file>` or a `postgres://` / `postgresql://` URL. */
  databaseUrl: string;
  /** SQLite `PRAGMA synchronous` (WAL): `normal` (default) or `full`. */
  sqliteSynchronous: 'normal' | 'full';
  adminPassword: string | undefined;
  logLevel: LogLevel;
  publicUrl: string | undefined;
  trustProxy: boolean;
  tls: { certFile: string; keyFile: string } | undefined;
  sessionTtlHours: number;
  bodyLimitBytes: number;
  metrics: { public: boolean };
  loginRateLimit: { maxFailures: number; windowMinutes: number };
  /** Files the estate analysis of pushed snapshots reads (absolute when `cwd` was given). */
  estate: { pricesPath: string | undefined; policyFile: string | undefined; ignoreFile: string | undefined };
  /** Server secret for sealed notification targets and signed links; unset: a key file in `dataDir`. */
  secretKey: string | undefined;
  /** SMTP for e-mail notifications; undefined when `smtp.url` is unset. */
  smtp: { url: string; from: string } | undefined;
  /** Scheduled live TLS checks of the certificate targets (`certs.check` job). */
  certs: { checkIntervalMinutes: number; caFile: string | undefined };
  /** The YAML file that was read, if any. */
  configFile: string | undefined;
}

export type FlagValue = string | number | boolean | undefined;

export interface ResolveConfigInput {
  env: Readonly<Record<string, string | undefined>>;
  /** The YAML file's path (as shown in messages) and text. */
  file?: { path: string; text: string };
  /** Command flags keyed by commander attribute name (`port`, `dataDir`, `tlsCertFile`...). */
  flags?: Readonly<Record<string, FlagValue>>;
  /** Relative paths (data_dir, sqlite file, TLS files) are resolved against this directory. */
  cwd?: string;
}

export const DEFAULTS = {
  dataDir: './.opsdeck',
  host: '127.0.0.1',
  port: 8420,
  logLevel: 'info' as LogLevel,
  sqliteSynchronous: 'normal' as 'normal' | 'full',
  trustProxy: false,
  sessionTtlHours: 12,
  bodyLimitBytes: 1024 * 1024,
  metricsPublic: false,
  loginRateLimit: { maxFailures: 10, windowMinutes: 15 },
  certsCheckIntervalMinutes: 360,
} as const;

function schemaOf(kind: KeyKind): TSchema {
  switch (kind.type) {
    case 'string':
      return Type.String({ minLength: kind.minLength ?? 1 });
    case 'integer':
      return Type.Integer({ minimum: kind.minimum, maximum: kind.maximum });
    case 'boolean':
      return Type.Boolean();
    case 'enum':
      return Type.Union(kind.values.map((v) => Type.Literal(v)));
    case 'database-url':
      return Type.String({ pattern: '^(sqlite:.+|postgres(ql)?://.+)$' });
    case 'http-url':
      return Type.String({ pattern: '^https?://[^/\\s]+(/\\S*)?$' });
  }
}

type Tree = { [name: string]: Tree | ConfigKey };

function keyTree(): Tree {
  const root: Tree = {};
  for (const k of CONFIG_KEYS) {
    let node = root;
    k.yaml.forEach((segment, i) => {
      if (i === k.yaml.length - 1) node[segment] = k;
      else node = (node[segment] ??= {}) as Tree;
    });
  }
  return root;
}

function isKey(v: Tree | ConfigKey): v is ConfigKey {
  return 'env' in v && typeof v.env === 'string';
}

function treeSchema(tree: Tree): TSchema {
  const props: Record<string, TSchema> = {};
  for (const [name, child] of Object.entries(tree)) {
    props[name] = Type.Optional(isKey(child) ? schemaOf(child.kind) : treeSchema(child));
  }
  return Type.Object(props, { additionalProperties: false });
}

const TREE = keyTree();
/** Schema of opsdeck.yaml: every key optional, unknown keys rejected. */
export const CONFIG_FILE_SCHEMA = treeSchema(TREE);
const KEY_SCHEMAS = new Map(CONFIG_KEYS.map((k) => [k, schemaOf(k.kind)]));

/** Commander attribute name of a key's flag (`tls-cert-file` -> `tlsCertFile`). */
export function flagAttribute(k: ConfigKey): string {
  return k.flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function shownValue(k: ConfigKey, raw: string): string {
  if (k.yaml[0] === 'admin_password' || k.yaml[0] === 'secret_key') return '***';
  if (k.kind.type === 'database-url' || k.yaml.join('.') === 'smtp.url')
    return raw.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  return raw;
}

function fromString(kind: KeyKind, raw: string): unknown {
  const text = raw.trim();
  if (kind.type === 'integer') return /^[+-]?\d+$/.test(text) ? Number(text) : raw;
  if (kind.type === 'boolean') {
    const lower = text.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(lower)) return true;
    if (['false', '0', 'no', 'off'].includes(lower)) return false;
    return raw;
  }
  return raw;
}

type Values = Map<ConfigKey, unknown>;

function positionOf(doc: Document, lines: LineCounter, yamlPath: string[], asKey: boolean): string {
  let node: unknown = doc.contents;
  let range: [number, number, number] | undefined | null;
  for (let i = 0; i < yamlPath.length; i++) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === yamlPath[i]);
    if (!pair) break;
    const last = i === yamlPath.length - 1;
    const target: unknown = last && asKey ? pair.key : pair.value;
    range = (target as { range?: [number, number, number] | null } | null)?.range ?? undefined;
    node = pair.value;
  }
  if (!range) return '';
  const { line, col } = lines.linePos(range[0]);
  return `:${line}:${col}`;
}

function readFile(file: { path: string; text: string }, errors: ErrorDetail[], values: Values): void {
  const lines = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const { line, col } = lines.linePos(e.pos[0]);
      errors.push({
        path: `${file.path}:${line}:${col}`,
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      });
    }
    return;
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return;
  if (typeof data !== 'object' || Array.isArray(data)) {
    errors.push({ path: file.path, message: 'must be a mapping of configuration keys' });
    return;
  }
  const seen = new Set<string>();
  const report = (yamlPath: string[], message: string, asKey = false): void => {
    const id = `${yamlPath.join('.')}|${message}`;
    if (seen.has(id)) return;
    seen.add(id);
    errors.push({
      path: `${file.path}${positionOf(doc, lines, yamlPath, asKey)}: ${yamlPath.join('.') || '(root)'}`,
      message,
    });
  };
  for (const error of Value.Errors(CONFIG_FILE_SCHEMA, data)) {
    const at = error.instancePath.split('/').filter(Boolean);
    if (error.keyword === 'additionalProperties') {
      const names = (error.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      let node: Tree | ConfigKey = TREE;
      for (const s of at) node = !isKey(node) && node[s] ? node[s] : node;
      const known = isKey(node) ? [] : Object.keys(node);
      for (const name of names) report([...at, name], `unknown key (known here: ${known.join(', ')})`, true);
      continue;
    }
    if (error.keyword === 'boolean') continue; // duplicate of the additionalProperties error above
    let node: Tree | ConfigKey | undefined = TREE;
    for (const s of at) node = node && !isKey(node) ? node[s] : undefined;
    if (node && isKey(node)) report(at, expectation(node.kind));
    else report(at, 'must be a mapping');
  }
  if (errors.length > 0) return;
  for (const k of CONFIG_KEYS) {
    let v: unknown = data;
    for (const s of k.yaml) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined;
    if (v !== undefined && v !== null) values.set(k, v);
  }
}

function readStrings(
  source: (k: ConfigKey) => { label: (shown: string) => string; value: unknown } | undefined,
  errors: ErrorDetail[],
  values: Values,
): void {
  for (const k of CONFIG_KEYS) {
    const found = source(k);
    if (!found) continue;
    const value = typeof found.value === 'string' ? fromString(k.kind, found.value) : found.value;
    if (Value.Check(KEY_SCHEMAS.get(k)!, value)) values.set(k, value);
    else errors.push({ path: found.label(shownValue(k, String(found.value))), message: expectation(k.kind) });
  }
}

function pick<T>(k: string, layers: Values[], byYaml: Map<string, ConfigKey>): T | undefined {
  const ck = byYaml.get(k)!;
  let out: unknown;
  for (const layer of layers) if (layer.has(ck)) out = layer.get(ck);
  return out as T | undefined;
}

/**
 * Resolves the configuration from defaults < opsdeck.yaml < OPSDECK_* env < flags, validating
 * every source against the one key schema and reporting all bad keys at once.
 * Pure: reads no files and no process state.
 * @throws OpsdeckError OPSDECK_E_CONFIG_INVALID with one detail per bad key.
 */
export function resolveConfig(input: ResolveConfigInput): OpsdeckConfig {
  const errors: ErrorDetail[] = [];
  const fromFile: Values = new Map();
  const fromEnv: Values = new Map();
  const fromFlags: Values = new Map();
  if (input.file) readFile(input.file, errors, fromFile);
  readStrings(
    (k) => {
      const raw = input.env[k.env];
      return raw === undefined || raw === '' ? undefined : { label: (s) => `${k.env}=${s}`, value: raw };
    },
    errors,
    fromEnv,
  );
  const flags = input.flags ?? {};
  readStrings(
    (k) => {
      const raw = flags[flagAttribute(k)];
      return raw === undefined ? undefined : { label: (s) => `--${k.flag}=${s}`, value: raw };
    },
    errors,
    fromFlags,
  );

  const byYaml = new Map(CONFIG_KEYS.map((k) => [k.yaml.join('.'), k]));
  const layers = [fromFile, fromEnv, fromFlags];
  const get = <T>(name: string): T | undefined => pick<T>(name, layers, byYaml);
  const abs = (p: string): string => (input.cwd ? path.resolve(input.cwd, p) : p);
  const optAbs = (p: string | undefined): string | undefined => (p === undefined ? undefined : abs(p));

  const certFile = get<string>('tls.cert_file');
  const keyFile = get<string>('tls.key_file');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    errors.push({
      path: 'tls',
      message: `cert_file and key_file must be set together (only ${certFile ? 'cert_file' : 'key_file'} is set)`,
    });
  }
  if (errors.length > 0) {
    const where = input.file ? ` (${input.file.path}, OPSDECK_* environment, flags)` : '';
    throw new OpsdeckError(
      'OPSDECK_E_CONFIG_INVALID',
      `Configuration is invalid: ${errors.length} problem${errors.length === 1 ? '' : 's'}${where}`,
      errors,
    );
  }

  const dataDir = abs(get<string>('data_dir') ?? DEFAULTS.dataDir);
  const smtpUrl = get<string>('smtp.url');
  let databaseUrl = get<string>('database_url') ?? `sqlite:${path.join(dataDir, 'opsdeck.db')}`;
  if (databaseUrl.startsWith('sqlite:') && input.cwd) {
    const file = databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file !== ':memory:') databaseUrl = `sqlite:${abs(file)}`;
  }
  return {
    dataDir,
    host: get<string>('host') ?? DEFAULTS.host,
    port: get<number>('port') ?? DEFAULTS.port,
    databaseUrl,
    sqliteSynchronous: get<'normal' | 'full'>('sqlite_synchronous') ?? DEFAULTS.sqliteSynchronous,
    adminPassword: get<string>('admin_password'),
    logLevel: get<LogLevel>('log_level') ?? DEFAULTS.logLevel,
    publicUrl: get<string>('public_url')?.replace(/\/+$/, ''),
    trustProxy: get<boolean>('trust_proxy') ?? DEFAULTS.trustProxy,
    tls: certFile && keyFile ? { certFile: abs(certFile), keyFile: abs(keyFile) } : undefined,
    sessionTtlHours: get<number>('session_ttl_hours') ?? DEFAULTS.sessionTtlHours,
    bodyLimitBytes: get<number>('body_limit_bytes') ?? DEFAULTS.bodyLimitBytes,
    metrics: { public: get<boolean>('metrics.public') ?? DEFAULTS.metricsPublic },
    loginRateLimit: {
      maxFailures: get<number>('login_rate_limit.max_failures') ?? DEFAULTS.loginRateLimit.maxFailures,
      windowMinutes: get<number>('login_rate_limit.window_minutes') ?? DEFAULTS.loginRateLimit.windowMinutes,
    },
    estate: {
      pricesPath: optAbs(get<string>('estate.prices_path')),
      policyFile: optAbs(get<string>('estate.policy_file')),
      ignoreFile: optAbs(get<string>('estate.ignore_file')),
    },
    secretKey: get<string>('secret_key'),
    smtp: smtpUrl ? { url: smtpUrl, from: get<string>('smtp.from') ?? 'opsdeck@localhost' } : undefined,
    certs: {
      checkIntervalMinutes: get<number>('certs.check_interval_minutes') ?? DEFAULTS.certsCheckIntervalMinutes,
      caFile: optAbs(get<string>('certs.ca_file')),
    },
    configFile: input.file?.path,
  };
}
