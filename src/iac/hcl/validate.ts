/**
 * The assert and guard forms of the HCL parser (parseHcl / parseTfJson are the result forms).
 */
import { OpsdeckError } from '../../core/errors.js';
import type { File } from './ast.js';
import { parseTfJson } from './json-syntax.js';
import { formatDiagnostic, parseHcl } from './parser.js';

/** Picks the syntax from the file name: `*.json` is Terraform JSON, anything else native HCL. */
function parseBySyntax(source: string, file: string): ReturnType<typeof parseHcl> {
  return file.endsWith('.json') ? parseTfJson(source, file) : parseHcl(source, file);
}

/**
 * Parses and returns the File, or throws OpsdeckError `OPSDECK_E_HCL_SYNTAX` listing every error
 * as `file:line:column` in `details` (the message names the first one).
 */
export function ensureValidHcl(source: string, file: string): File {
  const { file: parsed, diagnostics } = parseBySyntax(source, file);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return parsed;
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  throw new OpsdeckError(
    'OPSDECK_E_HCL_SYNTAX',
    `${formatDiagnostic(first)}${more}`,
    errors.map((d) => ({
      path: `${d.range.file}:${d.range.start.line}:${d.range.start.column}`,
      message: `${d.summary}: ${d.detail}`,
    })),
  );
}

/** True when the source parses without errors. */
export function isValidHcl(source: string, file: string): boolean {
  return !parseBySyntax(source, file).diagnostics.some((d) => d.severity === 'error');
}
