import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type OpsdeckConfig } from '../config/index.js';
import { isOpsdeckError } from '../core/errors.js';
import { createStore, openDatabase, type MigrationStatus } from '../store/index.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found. */
  detail: string;
  /** What to do about a failure. */
  fix?: string;
  /** Extra lines (every configuration error). */
  lines?: string[];
}

export const MIN_NODE = [20, 19] as const;

export function checkNode(version: string): CheckResult {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    name: 'node',
    ok,
    detail: `v${version.replace(/^v/, '')} (>= ${MIN_NODE.join('.')} required)`,
    ...(ok ? {} : { fix: `install Node.js ${MIN_NODE.join('.')} or newer` }),
  };
}

export function checkConfig(input: Parameters<typeof loadConfig>[0]): {
  result: CheckResult;
  config?: OpsdeckConfig;
} {
  try {
    const config = loadConfig(input);
    return {
      config,
      result: {
        name: 'config',
        ok: true,
        detail: config.configFile
          ? `${config.configFile} is valid`
          : 'defaults and environment (no opsdeck.yaml)',
      },
    };
  } catch (e) {
    if (!isOpsdeckError(e)) throw e;
    return {
      result: {
        name: 'config',
        ok: false,
        detail: e.message,
        lines: e.details.map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}`),
        fix: 'correct the keys above (docs/configuration.md lists every key)',
      },
    };
  }
}

/** The data dir must exist and be writable, or be creatable under a writable parent. */
export function checkDataDir(dir: string): CheckResult {
  const name = 'data dir';
  if (!existsSync(dir)) {
    let parent = path.dirname(dir);
    while (!existsSync(parent) && parent !== path.dirname(parent)) parent = path.dirname(parent);
    try {
      accessSync(parent, constants.W_OK);
      return {
        name,
        ok: true,
        detail: `${dir} does not exist yet; will be created (under writable ${parent})`,
      };
    } catch {
      return {
        name,
        ok: false,
        detail: `${dir} does not exist and ${parent} is not writable`,
        fix: `create ${dir} writable by this user`,
      };
    }
  }
  if (!statSync(dir).isDirectory()) {
    return { name, ok: false, detail: `${dir} is not a directory`, fix: 'point data_dir at a directory' };
  }
  try {
    rmSync(mkdtempSync(path.join(dir, '.doctor-')), { recursive: true });
    return { name, ok: true, detail: `${dir} is writable` };
  } catch (e) {
    return {
      name,
      ok: false,
      detail: `${dir} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      fix: `chown/chmod ${dir} for the user running opsdeck`,
    };
  }
}

export function checkTls(config: OpsdeckConfig): CheckResult | undefined {
  if (!config.tls) return undefined;
  const unreadable = [config.tls.certFile, config.tls.keyFile].filter((f) => {
    try {
      accessSync(f, constants.R_OK);
      return false;
    } catch {
      return true;
    }
  });
  return unreadable.length === 0
    ? { name: 'tls', ok: true, detail: `${config.tls.certFile} and key are readable` }
    : {
        name: 'tls',
        ok: false,
        detail: `cannot read ${unreadable.join(', ')}`,
        fix: 'fix tls.cert_file / tls.key_file',
      };
}

/** Connects, pings and reads the migration status. */
export async function checkDatabase(config: OpsdeckConfig, cwd: string): Promise<CheckResult[]> {
  let handle;
  try {
    handle = openDatabase(config.databaseUrl, { cwd, poolSize: 1 });
  } catch (e) {
    return [{ name: 'database', ok: false, detail: (e as Error).message, fix: 'check database_url' }];
  }
  try {
    const store = createStore(handle);
    try {
      await store.ping();
    } catch (e) {
      return [
        {
          name: 'database',
          ok: false,
          detail: `${handle.dialect} ${handle.location}: ${(e as Error).message}`,
          fix:
            handle.dialect === 'postgres'
              ? 'start PostgreSQL, create the database, check host/port/user/password in database_url'
              : 'check that the SQLite file and its directory are readable and writable',
        },
      ];
    }
    const database: CheckResult = {
      name: 'database',
      ok: true,
      detail: `${handle.dialect} ${handle.location} is reachable`,
    };
    let status: MigrationStatus;
    try {
      status = await store.migrationStatus();
    } catch (e) {
      return [
        database,
        { name: 'migrations', ok: false, detail: (e as Error).message, fix: 'run `opsdeck db migrate`' },
      ];
    }
    const migrations: CheckResult =
      status.pending.length === 0
        ? { name: 'migrations', ok: true, detail: `${status.applied.length} applied, none pending` }
        : {
            name: 'migrations',
            ok: false,
            detail: `${status.pending.length} pending: ${status.pending.join(', ')} (${status.applied.length} applied)`,
            fix: 'run `opsdeck db migrate` (`opsdeck serve` also applies them on start)',
          };
    const file = handle.inboxFile;
    if (!file || status.pending.length > 0) return [database, migrations];
    // SQLite: accepted alerts wait in the inbox file beside the database (a restore without it,
    // or with the wrong owner, would fail every ingest request).
    let inbox: CheckResult;
    try {
      const waiting = await store.ops.inbox.count();
      inbox = {
        name: 'ingest inbox',
        ok: true,
        detail: `${file.file}: ${waiting} accepted request(s) not processed yet`,
      };
    } catch (e) {
      inbox = {
        name: 'ingest inbox',
        ok: false,
        detail: (e as Error).message,
        fix: `make ${file.file} (and its -wal and -shm files) readable and writable by the user opsdeck runs as`,
      };
    }
    return [database, migrations, inbox];
  } finally {
    await handle.close();
  }
}
