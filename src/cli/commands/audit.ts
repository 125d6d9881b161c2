import type { Command } from 'commander';
import { OpsdeckError } from '../../core/errors.js';
import type { CliContext } from '../cli-context.js';
import { withAdminOptions, withAdminStore, type AdminFlags } from '../admin-context.js';

/** `opsdeck audit verify`. */
export function registerAudit(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('Audit log');

  withAdminOptions(audit.command('verify'))
    .description('Check the audit log hash chain; exit 1 naming the first bad entry')
    .action(async (flags: AdminFlags) => {
      await withAdminStore(ctx, flags, async ({ store }) => {
        const verdict = await store.audit.verify();
        if (verdict.ok) {
          ctx.stdout.write(`audit log OK: ${verdict.checked} entries\n`);
          return;
        }
        const bad = verdict.firstBad!;
        throw new OpsdeckError(
          'OPSDECK_E_AUDIT_CHAIN_BROKEN',
          `Audit log chain is broken at seq ${bad.seq}: ${bad.reason} (${verdict.checked} entries before it verified)`,
          [{ path: `audit_log seq ${bad.seq}`, message: bad.reason }],
        );
      });
    });
}
