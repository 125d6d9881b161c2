import type { Readable, Writable } from 'node:stream';

/**
 * What a command needs from the process, passed in so commands can be run in-process by tests.
 * A command's action sets `exitCode` (0 by default); it never calls process.exit.
 */
export interface CliContext {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  /** Input for `--password-stdin` and similar; process.stdin when absent. */
  stdin?: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  exitCode: number;
}
