import type { Command } from 'commander';
import path from 'node:path';
import { backupSqlite, dialectOf } from '../../store/index.js';
import type { CliContext } from '../cli-context.js';
import {
  adminConfig,
  cliActor,
  usage,
  withAdminOptions,
  withAdminStore,
  type AdminFlags,
} from '../admin-context.js';

/** `opsdeck db migrate`, `db status` and `db backup`. */
export function registerDb(program: Command, ctx: CliContext): void {
  const db = program.command('db').description('Database administration');

  withAdminOptions(db.command('migrate'))
    .description('Apply pending database migrations (serve also applies them on start)')
    .action(async (flags: AdminFlags) => {
      await withAdminStore(
        ctx,
        flags,
        async ({ store }) => {
          const applied = await store.migrate();
          for (const name of applied) ctx.stdout.write(`applied ${name}\n`);
          const status = await store.migrationStatus();
          if (applied.length === 0) {
            ctx.stdout.write(`database is up to date (${status.applied.length} migrations applied)\n`);
            return;
          }
          await store.audit.append({
            actor: cliActor(ctx),
            action: 'db.migrate',
            target: `database:${store.dialect}`,
            summary: `applied ${applied.length} migration(s): ${applied.join(', ')}`,
            after: { applied },
          });
          ctx.stdout.write(`${applied.length} migration(s) applied; ${status.applied.length} in total\n`);
        },
        { allowPending: true },
      );
    });

  withAdminOptions(db.command('status'))
    .description('List applied and pending migrations (exit 1 when some are pending)')
    .action(async (flags: AdminFlags) => {
      await withAdminStore(
        ctx,
        flags,
        async ({ store }) => {
          const { applied, pending } = await store.migrationStatus();
          for (const name of applied) ctx.stdout.write(`applied  ${name}\n`);
          for (const name of pending) ctx.stdout.write(`pending  ${name}\n`);
          if (pending.length > 0) ctx.exitCode = 1;
        },
        { allowPending: true },
      );
    });

  withAdminOptions(db.command('backup <file>'))
    .description(
      'Copy the SQLite database to <file>, and its ingest inbox file to <file>.inbox, while opsdeck runs (PostgreSQL: use pg_dump)',
    )
    .action(async (file: string, flags: AdminFlags) => {
      const config = adminConfig(ctx, flags);
      if (dialectOf(config.databaseUrl) !== 'sqlite') {
        throw usage(
          'db backup copies SQLite databases; back up PostgreSQL with pg_dump (docs/operating.md)',
          'database_url',
        );
      }
      const destination = path.resolve(ctx.cwd, file);
      const { pages, inbox } = await backupSqlite(config.databaseUrl, destination, ctx.cwd);
      ctx.stdout.write(
        `backed up ${config.databaseUrl.slice('sqlite:'.length)} to ${destination} (${pages} pages)\n`,
      );
      // Accepted alerts not yet processed: restore the two files together.
      if (inbox)
        ctx.stdout.write(`backed up its ingest inbox file to ${inbox.file} (${inbox.pages} pages)\n`);
    });
}
