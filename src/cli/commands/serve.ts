import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import type { CliContext } from '../cli-context.js';

interface ServeFlags {
  host?: string;
  port?: string;
  config?: string;
}

/** `opsdeck serve`: the HTTP API and dashboard until SIGTERM/SIGINT. */
export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Run the HTTP API and web dashboard (migrates the database on start)')
    .option('--host <address>', 'listen address (default 127.0.0.1, or OPSDECK_HOST)')
    .option('--port <port>', 'listen port (default 8420, or OPSDECK_PORT)')
    .option('--config <file>', 'opsdeck.yaml to read (default ./opsdeck.yaml, or OPSDECK_CONFIG)')
    .action(async (flags: ServeFlags) => {
      const config = loadConfig({
        env: ctx.env,
        cwd: ctx.cwd,
        flags: { config: flags.config, host: flags.host, port: flags.port },
      });
      // Loaded on demand: other commands should not pay for loading Fastify and its plugins.
      const { startServer } = await import('../../server/server.js');
      const server = await startServer(config, { stdout: ctx.stdout, cwd: ctx.cwd });
      ctx.stdout.write(`opsdeck listening on ${server.url}\n`);
      await server.closed;
    });
}
