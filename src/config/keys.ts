/**
 * The one table of configuration keys: YAML path, environment variable, command flag, kind and
 * default. The typebox schema, the env/flag parsers and docs/configuration.md all follow it.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type KeyKind =
  | { type: 'string'; minLength?: number }
  | { type: 'integer'; minimum: number; maximum: number }
  | { type: 'boolean' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'database-url' }
  | { type: 'http-url' };

export interface ConfigKey {
  /** Path in opsdeck.yaml (snake_case segments). */
  yaml: readonly string[];
  /** Path in the resolved config object (camelCase segments). */
  path: readonly string[];
  env: string;
  /** Long flag name without dashes, for commands that expose the key. */
  flag: string;
  kind: KeyKind;
  description: string;
}

function key(yaml: string, kind: KeyKind, description: string): ConfigKey {
  const segments = yaml.split('.');
  const camel = segments.map((s) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));
  return {
    yaml: segments,
    path: camel,
    env: `OPSDECK_${segments.join('_').toUpperCase()}`,
    flag: segments.join('-').replace(/_/g, '-'),
    kind,
    description,
  };
}

export const CONFIG_KEYS: readonly ConfigKey[] = [
  key('data_dir', { type: 'string', minLength: 1 }, 'Directory for the SQLite database and local state.'),
  key('host', { type: 'string', minLength: 1 }, 'Address the HTTP server listens on.'),
  key('port', { type: 'integer', minimum: 1, maximum: 65535 }, 'TCP port the HTTP server listens on.'),
  key(
    'database_url',
    { type: 'database-url' },
    'Database: `sqlite:<file>` or `postgres://user:pass@host:port/db` (`postgresql://` too).',
  ),
  key(
    'sqlite_synchronous',
    { type: 'enum', values: ['normal', 'full'] },
    'SQLite commit durability: `normal` survives process crashes, `full` also power loss (slower).',
  ),
  key(
    'admin_password',
    { type: 'string', minLength: 8 },
    'Password of the `admin` user created on first start (ignored once any user exists).',
  ),
  key('log_level', { type: 'enum', values: LOG_LEVELS }, 'Server log level.'),
  key(
    'public_url',
    { type: 'http-url' },
    'External URL of the dashboard (behind a proxy); its origin is accepted by the CSRF check.',
  ),
  key('trust_proxy', { type: 'boolean' }, 'Trust X-Forwarded-* headers (set when behind a reverse proxy).'),
  key(
    'tls.cert_file',
    { type: 'string', minLength: 1 },
    'PEM certificate: serve HTTPS (cookies get `Secure`).',
  ),
  key('tls.key_file', { type: 'string', minLength: 1 }, 'PEM private key for `tls.cert_file`.'),
  key('session_ttl_hours', { type: 'integer', minimum: 1, maximum: 8760 }, 'Lifetime of a login session.'),
  key(
    'body_limit_bytes',
    { type: 'integer', minimum: 1024, maximum: 104857600 },
    'Largest accepted HTTP request body.',
  ),
  key('metrics.public', { type: 'boolean' }, 'Serve /metrics without authentication.'),
  key(
    'login_rate_limit.max_failures',
    { type: 'integer', minimum: 1, maximum: 1000 },
    'Failed logins per IP and username allowed within the window before 429.',
  ),
  key(
    'login_rate_limit.window_minutes',
    { type: 'integer', minimum: 1, maximum: 1440 },
    'Window of the login rate limit, in minutes.',
  ),
  key(
    'estate.prices_path',
    { type: 'string', minLength: 1 },
    'Price catalog (directory of *.json or one file) for the estate analysis of pushed snapshots.',
  ),
  key(
    'estate.policy_file',
    { type: 'string', minLength: 1 },
    'YAML file with `tag_policy` (as in .opsdeck.yaml) applied to pushed estate snapshots.',
  ),
  key(
    'estate.ignore_file',
    { type: 'string', minLength: 1 },
    'Ignore list (type.id patterns, as .driftignore) for the coverage of pushed estate snapshots.',
  ),
  key(
    'secret_key',
    { type: 'string', minLength: 32 },
    'Server secret (32+ characters) sealing notification targets and signing ack/resolve links.',
  ),
  key(
    'smtp.url',
    { type: 'string', minLength: 1 },
    'SMTP server for e-mail notifications: smtp:// or smtps:// URL.',
  ),
  key('smtp.from', { type: 'string', minLength: 3 }, 'Sender address of e-mail notifications.'),
  key(
    'certs.check_interval_minutes',
    { type: 'integer', minimum: 1, maximum: 10080 },
    'Minutes between scheduled live TLS checks of the certificate targets.',
  ),
  key(
    'certs.ca_file',
    { type: 'string', minLength: 1 },
    'PEM bundle of extra CA certificates trusted by the live TLS checks (besides the bundled roots).',
  ),
];

/** Human wording of what a key accepts, used in every error message about it. */
export function expectation(kind: KeyKind): string {
  switch (kind.type) {
    case 'string':
      return kind.minLength && kind.minLength > 1
        ? `must be a string of at least ${kind.minLength} characters`
        : 'must be a non-empty string';
    case 'integer':
      return `must be an integer ${kind.minimum}-${kind.maximum}`;
    case 'boolean':
      return 'must be true or false';
    case 'enum':
      return `must be one of ${kind.values.join(', ')}`;
    case 'database-url':
      return 'must be sqlite:<file>, postgres://... or postgresql://...';
    case 'http-url':
      return 'must be an absolute http:// or https:// URL';
  }
}
