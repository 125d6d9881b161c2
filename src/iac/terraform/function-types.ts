/** Types shared by the function library: the error a function raises and its environment. */
import type { Range } from '../hcl/ast.js';
import type { Value } from './value.js';

/** A function argument problem, reported with the call's range. */
export class FunctionError extends Error {
  /** Index of the offending argument, when known. */
  readonly arg: number | undefined;

  constructor(message: string, arg?: number) {
    super(message);
    this.arg = arg;
  }
}

/** Raised with a call's range; evaluate.ts turns it into an EvalError. */
export class FunctionCallError extends Error {
  readonly summary: string;
  readonly detail: string;
  readonly range: Range;

  constructor(summary: string, detail: string, range: Range) {
    super(detail);
    this.summary = summary;
    this.detail = detail;
    this.range = range;
  }
}

/** Files the evaluator may read, filled ahead of evaluation by the module loader. */
export interface FileCache {
  /** Bytes of an absolute path; null when it does not exist or cannot be read; undefined when not read yet. */
  read(path: string): Uint8Array | null | undefined;
  /** Regular files under an absolute directory, as paths relative to it; undefined when not listed yet. */
  list(dir: string): string[] | null | undefined;
  /** Records a path the evaluator needed but the cache did not have. */
  request(kind: 'file' | 'dir', path: string): void;
}

export interface FunctionEnv {
  /** Absolute directory relative paths resolve against (Terraform's working directory: the root module). */
  cwd: string;
  files: FileCache;
  /** Renders a template file's content with variables (templatefile). */
  renderTemplate(source: string, file: string, vars: Record<string, Value>, range: Range): Value;
}

export interface FunctionDef {
  /** Fixed argument count, or [min, max] (max Infinity for variadic). */
  arity: number | [number, number];
  /** Nested Unknowns are passed through to the implementation. */
  shallow?: boolean;
  /** The implementation handles top-level Unknown arguments itself. */
  acceptsUnknown?: boolean;
  impl(args: Value[], env: FunctionEnv, range: Range): Value;
}

export type FunctionTable = Record<string, FunctionDef>;
