import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isOpsdeckError } from '../core/errors.js';
import type { CliContext } from './cli-context.js';
import { registerAudit } from './commands/audit.js';
import { registerDb } from './commands/db.js';
import { registerDoctor } from './commands/doctor.js';
import { registerToken } from './commands/token.js';
import { registerUser } from './commands/user.js';
import { registerServe } from './commands/serve.js';
import { registerScan } from './commands/scan.js';
import { registerEstate } from './commands/estate.js';

/** Each command module registers itself on the program; add new ones to this list. */
const registrations: Array<(program: Command, ctx: CliContext) => void> = [
  registerServe,
  registerDb,
  registerUser,
  registerToken,
  registerAudit,
  registerDoctor,
  registerScan,
  registerEstate,
];

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('opsdeck')
    .description(
      'Self-hosted cloud operations platform: IaC guardrails, estate hygiene, alerts, changes, audit.',
    )
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  for (const register of registrations) register(program, ctx);
  return program;
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[], partial: Partial<CliContext> = {}): Promise<number> {
  const ctx: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    exitCode: 0,
    ...partial,
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isOpsdeckError(e)) {
      ctx.stderr.write(`error ${e.code}: ${e.message}\n`);
      for (const d of e.details) ctx.stderr.write(`  ${d.path ? `${d.path}: ` : ''}${d.message}\n`);
      return e.exitCode;
    }
    ctx.stderr.write(
      `error OPSDECK_E_INTERNAL: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return 70;
  }
}
