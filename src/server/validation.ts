import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const common: Options = {
  useDefaults: true,
  // Unknown fields are an error (schemas say additionalProperties: false), never silently dropped.
  removeAdditional: false,
  // allErrors would let one request make Ajv do unbounded work.
  allErrors: false,
  strict: false,
};

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ ...common, ...options });
  addFormats(ajv);
  return ajv;
}

/**
 * Bodies are validated as sent (a string is not a number); query strings, parameters and headers
 * arrive as text, so those are coerced to the declared types.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = makeAjv({ coerceTypes: false });
  const coercing = makeAjv({ coerceTypes: 'array' });
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}

/** A JSON pointer into the request (`/body/role`) for one Ajv error. */
export function pointerOf(context: string, error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  let path = `/${context}${error.instancePath}`;
  if (error.keyword === 'required' && typeof params['missingProperty'] === 'string') {
    path += `/${escapePointer(params['missingProperty'])}`;
  } else if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    path += `/${escapePointer(params['additionalProperty'])}`;
  }
  return path;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * One detail per failing location. A union of literals (`anyOf` of `const`) fails once per
 * branch in Ajv; those collapse into a single "must be one of ..." detail.
 */
export function detailsOf(
  context: string,
  errors: readonly ErrorObject[],
): Array<{ path: string; message: string }> {
  const unions = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const allowed = new Map<string, string[]>();
  const out: Array<{ path: string; message: string }> = [];
  for (const e of errors) {
    if (unions.has(e.instancePath) && e.keyword !== 'anyOf') {
      const value = (e.params as { allowedValue?: unknown }).allowedValue;
      if (e.keyword === 'const' && value !== undefined) {
        const list = allowed.get(e.instancePath) ?? [];
        list.push(JSON.stringify(value));
        allowed.set(e.instancePath, list);
      }
      continue;
    }
    out.push({ path: pointerOf(context, e), message: messageOf(e) });
  }
  for (const d of out) {
    const values = allowed.get(d.path.slice(context.length + 1));
    if (values) d.message = `must be one of ${values.join(', ')}`;
  }
  return out;
}

/** A short human message for one Ajv error. */
export function messageOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'is not an allowed field';
  if (error.keyword === 'required') return 'is required';
  return error.message ?? 'is invalid';
}

/**
 * The JSON pointer of the first string or key holding U+0000 in a parsed body, or undefined.
 * PostgreSQL's text cannot store the character (SQLite's can), so a body holding one is refused
 * up front on both databases instead of failing with a 500 on one of them.
 */
export function nulPointer(value: unknown, at = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const path = `${at}/${escapePointer(key)}`;
    if (key.includes('\u0000')) return path;
    const found = nulPointer(child, path);
    if (found !== undefined) return found;
  }
  return undefined;
}
