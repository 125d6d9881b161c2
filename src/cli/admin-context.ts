import os from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type OpsdeckConfig } from '../config/index.js';
import { OpsdeckError } from '../core/errors.js';
import { createStore, openDatabase, type Store } from '../store/index.js';
import type { CliContext } from './cli-context.js';

/** Flags every admin command accepts. */
export interface AdminFlags {
  config?: string;
  databaseUrl?: string;
}

/** Adds `--config` and `--database-url` to an admin command. */
export function withAdminOptions(command: Command): Command {
  return command
    .option('--config <file>', 'opsdeck.yaml to read (default ./opsdeck.yaml, or OPSDECK_CONFIG)')
    .option('--database-url <url>', 'database to use (overrides database_url / OPSDECK_DATABASE_URL)');
}

export function adminConfig(ctx: CliContext, flags: AdminFlags): OpsdeckConfig {
  return loadConfig({
    env: ctx.env,
    cwd: ctx.cwd,
    flags: { config: flags.config, databaseUrl: flags.databaseUrl },
  });
}

/** The audit actor of CLI changes: `cli:<os user>`. */
export function cliActor(ctx: CliContext): string {
  let name = ctx.env['USER'] || ctx.env['LOGNAME'] || ctx.env['USERNAME'];
  if (!name) {
    try {
      name = os.userInfo().username;
    } catch {
      name = 'unknown';
    }
  }
  return `cli:${name}`;
}

export interface AdminSession {
  store: Store;
  config: OpsdeckConfig;
}

/**
 * Opens the configured database for one command and closes it afterwards.
 * Unless `allowPending`, refuses to work on a database with pending migrations.
 */
export async function withAdminStore<T>(
  ctx: CliContext,
  flags: AdminFlags,
  fn: (session: AdminSession) => Promise<T>,
  options: { allowPending?: boolean } = {},
): Promise<T> {
  const config = adminConfig(ctx, flags);
  const handle = openDatabase(config.databaseUrl, { cwd: ctx.cwd, poolSize: 2 });
  try {
    const store = createStore(handle);
    await store.ping();
    if (!options.allowPending) {
      const { pending } = await store.migrationStatus();
      if (pending.length > 0) {
        throw new OpsdeckError(
          'OPSDECK_E_DB_MIGRATION',
          `Database ${handle.location} has ${pending.length} pending migration(s): run \`opsdeck db migrate\` first`,
          pending.map((name) => ({ path: `migration ${name}`, message: 'pending' })),
        );
      }
    }
    return await fn({ store, config });
  } finally {
    await handle.close();
  }
}

/** Writes aligned columns (for `list` commands). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return (
    rows
      .map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '))
      .join('\n') + '\n'
  );
}

/** Reads all of stdin (for `--password-stdin`), without the trailing newline. */
export async function readStdin(ctx: CliContext): Promise<string> {
  const input = ctx.stdin ?? process.stdin;
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function usage(message: string, path?: string): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_USAGE', path ? `${path}: ${message}` : message);
}
