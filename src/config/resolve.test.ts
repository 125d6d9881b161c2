import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpsdeckError } from '../core/errors.js';
import { loadConfig, resolveConfig, type ResolveConfigInput } from './index.js';

function errorOf(input: ResolveConfigInput): OpsdeckError {
  try {
    resolveConfig(input);
  } catch (e) {
    if (e instanceof OpsdeckError) return e;
    throw e;
  }
  throw new Error('expected resolveConfig to throw');
}

const lines = (e: OpsdeckError): string[] => e.details.map((d) => `${d.path}: ${d.message}`);

describe('resolveConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const c = resolveConfig({ env: {}, cwd: '/srv/app' });
    expect(c).toEqual({
      dataDir: '/srv/app/.opsdeck',
      host: '127.0.0.1',
      port: 8420,
      databaseUrl: 'sqlite:/srv/app/.opsdeck/opsdeck.db',
      sqliteSynchronous: 'normal',
      adminPassword: undefined,
      logLevel: 'info',
      publicUrl: undefined,
      trustProxy: false,
      tls: undefined,
      sessionTtlHours: 12,
      bodyLimitBytes: 1048576,
      metrics: { public: false },
      loginRateLimit: { maxFailures: 10, windowMinutes: 15 },
      estate: { pricesPath: undefined, policyFile: undefined, ignoreFile: undefined },
      secretKey: undefined,
      smtp: undefined,
      certs: { checkIntervalMinutes: 360, caFile: undefined },
      configFile: undefined,
    });
  });

  it('layers defaults < opsdeck.yaml < OPSDECK_* env < flags', () => {
    const c = resolveConfig({
      cwd: '/w',
      file: {
        path: 'opsdeck.yaml',
        text: 'port: 9000\nhost: 0.0.0.0\nlog_level: debug\nmetrics:\n  public: true\nsession_ttl_hours: 2\n',
      },
      env: {
        OPSDECK_PORT: '9001',
        OPSDECK_LOG_LEVEL: 'warn',
        OPSDECK_TRUST_PROXY: 'true',
        OPSDECK_UNRELATED: 'x',
      },
      flags: { port: '9002' },
    });
    expect(c).toMatchObject({
      port: 9002,
      host: '0.0.0.0',
      logLevel: 'warn',
      trustProxy: true,
      metrics: { public: true },
      sessionTtlHours: 2,
      configFile: 'opsdeck.yaml',
    });
  });

  it('reads nested keys, PostgreSQL URLs and TLS files, resolving relative paths against cwd', () => {
    const c = resolveConfig({
      cwd: '/w',
      file: {
        path: 'opsdeck.yaml',
        text: [
          'data_dir: data',
          'database_url: postgresql://u:p@db:5432/opsdeck',
          'tls:',
          '  cert_file: tls/cert.pem',
          '  key_file: /etc/key.pem',
          'login_rate_limit:',
          '  max_failures: 5',
          '  window_minutes: 30',
          'public_url: https://ops.example.com/',
          'admin_password: first-start-only',
        ].join('\n'),
      },
      env: { OPSDECK_LOGIN_RATE_LIMIT_WINDOW_MINUTES: '60' },
    });
    expect(c).toMatchObject({
      dataDir: '/w/data',
      databaseUrl: 'postgresql://u:p@db:5432/opsdeck',
      tls: { certFile: '/w/tls/cert.pem', keyFile: '/etc/key.pem' },
      loginRateLimit: { maxFailures: 5, windowMinutes: 60 },
      publicUrl: 'https://ops.example.com',
      adminPassword: 'first-start-only',
    });
  });

  it('derives the SQLite path from data_dir and resolves a relative sqlite: URL', () => {
    expect(resolveConfig({ env: { OPSDECK_DATA_DIR: '/var/lib/opsdeck' } }).databaseUrl).toBe(
      'sqlite:/var/lib/opsdeck/opsdeck.db',
    );
    expect(resolveConfig({ env: { OPSDECK_DATABASE_URL: 'sqlite:db/x.db' }, cwd: '/w' }).databaseUrl).toBe(
      'sqlite:/w/db/x.db',
    );
  });

  it('reports every bad key at once, each with where it came from', () => {
    const e = errorOf({
      file: {
        path: 'opsdeck.yaml',
        text: 'port: 70000\nlog_levle: debug\ntls:\n  cert_file: a.pem\n  kye_file: b.pem\nmetrics: yes-please\n',
      },
      env: {
        OPSDECK_PORT: 'abc',
        OPSDECK_TRUST_PROXY: 'maybe',
        OPSDECK_DATABASE_URL: 'mysql://u:hunter2@h/db',
      },
      flags: { sessionTtlHours: '0' },
    });
    expect(e.code).toBe('OPSDECK_E_CONFIG_INVALID');
    expect(lines(e)).toEqual(
      expect.arrayContaining([
        'opsdeck.yaml:1:7: port: must be an integer 1-65535',
        expect.stringMatching(
          /^opsdeck\.yaml:2:1: log_levle: unknown key \(known here: .*log_level/,
        ) as string,
        expect.stringMatching(
          /^opsdeck\.yaml:5:3: tls\.kye_file: unknown key \(known here: cert_file, key_file\)/,
        ) as string,
        'opsdeck.yaml:6:10: metrics: must be a mapping',
        'OPSDECK_PORT=abc: must be an integer 1-65535',
        'OPSDECK_TRUST_PROXY=maybe: must be true or false',
        'OPSDECK_DATABASE_URL=mysql://u:***@h/db: must be sqlite:<file>, postgres://... or postgresql://...',
        '--session-ttl-hours=0: must be an integer 1-8760',
      ]),
    );
    expect(e.details).toHaveLength(8);
    expect(JSON.stringify(e.details)).not.toContain('hunter2');
  });

  it('reads sqlite_synchronous from the environment', () => {
    expect(resolveConfig({ env: { OPSDECK_SQLITE_SYNCHRONOUS: 'full' } }).sqliteSynchronous).toBe('full');
  });

  it.each([
    ['port: "8080"', 'port: must be an integer 1-65535'],
    ['host: ""', 'host: must be a non-empty string'],
    ['log_level: verbose', 'log_level: must be one of fatal, error, warn, info, debug, trace, silent'],
    ['public_url: ops.example.com', 'public_url: must be an absolute http:// or https:// URL'],
    ['admin_password: short', 'admin_password: must be a string of at least 8 characters'],
    ['body_limit_bytes: 10', 'body_limit_bytes: must be an integer 1024-104857600'],
    ['trust_proxy: 1', 'trust_proxy: must be true or false'],
    ['sqlite_synchronous: off', 'sqlite_synchronous: must be one of normal, full'],
  ])('rejects the YAML line %j', (text, message) => {
    expect(lines(errorOf({ env: {}, file: { path: 'c.yaml', text } }))).toEqual([
      expect.stringMatching(
        new RegExp(`^c\\.yaml:1:\\d+: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
      ),
    ]);
  });

  it('requires the TLS certificate and key together', () => {
    expect(lines(errorOf({ env: { OPSDECK_TLS_CERT_FILE: 'c.pem' } }))).toEqual([
      'tls: cert_file and key_file must be set together (only cert_file is set)',
    ]);
  });

  it('reports YAML syntax errors with line and column, and a non-mapping document', () => {
    expect(lines(errorOf({ env: {}, file: { path: 'o.yaml', text: 'port: 1\n  bad: [\n' } }))[0]).toMatch(
      /^o\.yaml:\d+:\d+: YAML syntax: /,
    );
    expect(lines(errorOf({ env: {}, file: { path: 'o.yaml', text: '- a\n- b\n' } }))).toEqual([
      'o.yaml: must be a mapping of configuration keys',
    ]);
  });

  it('treats an empty file and empty environment variables as unset', () => {
    expect(resolveConfig({ env: { OPSDECK_PORT: '' }, file: { path: 'o.yaml', text: '' } }).port).toBe(8420);
  });

  it('hides the admin password in messages', () => {
    expect(lines(errorOf({ env: { OPSDECK_ADMIN_PASSWORD: 'abc' } }))).toEqual([
      'OPSDECK_ADMIN_PASSWORD=***: must be a string of at least 8 characters',
    ]);
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-config-'));
  writeFileSync(path.join(dir, 'opsdeck.yaml'), 'port: 9100\n');
  writeFileSync(path.join(dir, 'other.yaml'), 'port: 9200\n');

  it('reads ./opsdeck.yaml when present, else OPSDECK_CONFIG, and --config over both', () => {
    expect(loadConfig({ env: {}, cwd: dir }).port).toBe(9100);
    expect(loadConfig({ env: { OPSDECK_CONFIG: 'other.yaml' }, cwd: dir }).port).toBe(9200);
    expect(
      loadConfig({ env: { OPSDECK_CONFIG: 'other.yaml' }, cwd: dir, flags: { config: 'opsdeck.yaml' } }).port,
    ).toBe(9100);
    expect(loadConfig({ env: {}, cwd: tmpdir() }).configFile).toBeUndefined();
  });

  it('fails with OPSDECK_E_CONFIG_INVALID when the named file does not exist', () => {
    expect(() => loadConfig({ env: {}, cwd: dir, flags: { config: 'missing.yaml' } })).toThrow(
      expect.objectContaining({
        code: 'OPSDECK_E_CONFIG_INVALID',
        details: [{ path: '--config=missing.yaml', message: 'file not found' }],
      }) as Error,
    );
  });
});
