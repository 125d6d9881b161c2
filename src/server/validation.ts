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

/** A short human message for one Ajv error. */
export function messageOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'is not an allowed field';
  if (error.keyword === 'required') return 'is required';
  return error.message ?? 'is invalid';
}
