import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isOpsdeckError } from '../core/errors.js';
import type { CliContext } from './cli-context.js';

type Register = (program: Command, ctx: CliContext) => void;

/**
 * The top-level commands and the module that registers each. Modules are imported only when
 * their command runs (or for help), so `opsdeck scan` does not pay for loading the server, the
 * database drivers or the configuration schema: start-up time is part of every CI scan.
 */
const commandModules: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./commands/serve.js')).registerServe,
  db: async () => (await import('./commands/db.js')).registerDb,
  user: async () => (await import('./commands/user.js')).registerUser,
  token: async () => (await import('./commands/token.js')).registerToken,
  audit: async () => (await import('./commands/audit.js')).registerAudit,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctor,
  scan: async () => (await import('./commands/scan.js')).registerScan,
  rules: async () => (await import('./commands/scan.js')).registerScan,
  estate: async () => (await import('./commands/estate.js')).registerEstate,
  certs: async () => (await import('./commands/certs.js')).registerCerts,
};

/** Which registrations `argv` needs: only its command's, none for --version, all for help. */
async function registrationsFor(argv: readonly string[]): Promise<Register[]> {
  const first = argv[2];
  if (first === '-V' || first === '--version') return [];
  const load = first !== undefined ? commandModules[first] : undefined;
  const loaders = load ? [load] : Object.values(commandModules);
  return [...new Set(await Promise.all(loaders.map((l) => l())))];
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(ctx: CliContext, registrations: readonly Register[]): Command {
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
  const program = buildProgram(ctx, await registrationsFor(argv));
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
