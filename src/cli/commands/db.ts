import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { cliActor, withAdminOptions, withAdminStore, type AdminFlags } from '../admin-context.js';

/** `opsdeck db migrate` and `opsdeck db status`. */
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
}
