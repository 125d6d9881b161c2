import type { Command } from 'commander';
import {
  checkConfig,
  checkDataDir,
  checkDatabase,
  checkNode,
  checkTls,
  type CheckResult,
} from '../admin-doctor-checks.js';
import type { CliContext } from '../cli-context.js';
import { withAdminOptions, type AdminFlags } from '../admin-context.js';

function render(r: CheckResult): string {
  const lines = [`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name}: ${r.detail}`];
  for (const l of r.lines ?? []) lines.push(`        ${l}`);
  if (!r.ok && r.fix) lines.push(`        fix: ${r.fix}`);
  return lines.join('\n') + '\n';
}

/** `opsdeck doctor`: checks the installation and says what to fix. */
export function registerDoctor(program: Command, ctx: CliContext): void {
  withAdminOptions(program.command('doctor'))
    .description('Check Node.js, configuration, data dir, database and migrations; exit 1 on any FAIL')
    .action(async (flags: AdminFlags) => {
      const results: CheckResult[] = [];
      const report = (r: CheckResult): void => {
        results.push(r);
        ctx.stdout.write(render(r));
      };
      report(checkNode(process.versions.node));
      const { result, config } = checkConfig({
        env: ctx.env,
        cwd: ctx.cwd,
        flags: { config: flags.config, databaseUrl: flags.databaseUrl },
      });
      report(result);
      if (config) {
        report(checkDataDir(config.dataDir));
        const tls = checkTls(config);
        if (tls) report(tls);
        for (const r of await checkDatabase(config, ctx.cwd)) report(r);
      } else {
        ctx.stdout.write('skip  data dir, database, migrations: configuration is invalid\n');
      }
      const failed = results.filter((r) => !r.ok).length;
      if (failed > 0 || !config) {
        ctx.stdout.write(`doctor: ${failed} problem${failed === 1 ? '' : 's'} found\n`);
        ctx.exitCode = 1;
      } else {
        ctx.stdout.write('doctor: all checks passed\n');
      }
    });
}
