/**
 * Terraform's built-in functions. Each implementation takes evaluated arguments and returns a
 * value or throws a FunctionError, which the caller reports as Terraform does ("Error in function
 * call" / "Invalid function argument", with the call's range).
 *
 * Unknown handling: by default, any Unknown anywhere in the arguments makes the result Unknown.
 * Functions marked `shallow` only give up on Unknown top-level arguments and carry nested
 * Unknowns through (`merge`, `concat`, `length`, `lookup`...), as Terraform does.
 *
 * File functions (`file`, `templatefile`, `fileset`...) read through a synchronous cache that the
 * module loader fills: a miss records the path and yields Unknown, the loader reads the missing
 * files through the SourceReader and evaluates again (see module.ts).
 */
import type { Range } from '../hcl/ast.js';
import { FunctionCallError, FunctionError, type FunctionEnv, type FunctionTable } from './function-types.js';
import { EXTRA_FUNCTIONS } from './functions-extra.js';
import { COLLECTION_FUNCTIONS } from './functions-collection.js';
import { STRING_FUNCTIONS } from './functions-string.js';
import { ConversionError } from './convert.js';
import { containsUnknown, isUnknown, Unknown, type Value } from './value.js';

export { FunctionCallError, FunctionError };
export type { FileCache, FunctionDef, FunctionEnv, FunctionTable } from './function-types.js';

const TABLE: FunctionTable = { ...STRING_FUNCTIONS, ...COLLECTION_FUNCTIONS, ...EXTRA_FUNCTIONS };

/** Names of every supported function, sorted. */
export const FUNCTION_NAMES: readonly string[] = [...Object.keys(TABLE), 'can', 'try'].sort();

export function callFunction(name: string, args: Value[], range: Range, env: FunctionEnv): Value {
  if (name.includes('::')) return new Unknown(`provider-defined function ${name}`);
  const def = TABLE[name];
  if (!def) {
    throw new FunctionCallError('Call to unknown function', `There is no function named "${name}".`, range);
  }
  const [min, max] = typeof def.arity === 'number' ? [def.arity, def.arity] : def.arity;
  if (args.length < min || args.length > max) {
    throw new FunctionCallError(
      args.length < min ? 'Not enough function arguments' : 'Too many function arguments',
      `Function "${name}" expects ${min === max ? min : max === Infinity ? `at least ${min}` : `${min} to ${max}`} argument(s). Got ${args.length}.`,
      range,
    );
  }
  if (!def.acceptsUnknown) {
    for (const a of args) {
      if (def.shallow ? isUnknown(a) : containsUnknown(a))
        return new Unknown(`${name}() of an unknown value`);
    }
  }
  try {
    return def.impl(args, env, range);
  } catch (e) {
    if (e instanceof FunctionError) {
      if (e.arg !== undefined) {
        throw new FunctionCallError(
          'Invalid function argument',
          `Invalid value for argument ${e.arg + 1} of "${name}": ${e.message}.`,
          range,
        );
      }
      throw new FunctionCallError(
        'Error in function call',
        `Call to function "${name}" failed: ${e.message}.`,
        range,
      );
    }
    if (e instanceof Error && 'summary' in e && 'range' in e) throw e;
    if (e instanceof SyntaxError || e instanceof RangeError || e instanceof TypeError) {
      throw new FunctionCallError(
        'Error in function call',
        `Call to function "${name}" failed: ${e.message}.`,
        range,
      );
    }
    if (e instanceof ConversionError) {
      throw new FunctionCallError(
        'Invalid function argument',
        `Invalid value for "${name}" argument: ${e.message}.`,
        range,
      );
    }
    throw e;
  }
}
