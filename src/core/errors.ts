/**
 * The registry of stable error codes. Every error opsdeck reports to a user carries one of these
 * codes; the HTTP status and the CLI exit code are looked up here and nowhere else.
 * docs/errors.md documents every code (a test enforces it).
 */
export const ERROR_CODES = {
  OPSDECK_E_INTERNAL: { status: 500, exit: 70, message: 'Internal error' },
  OPSDECK_E_CONFIG_INVALID: { status: 500, exit: 2, message: 'Configuration is invalid' },
  OPSDECK_E_USAGE: { status: 400, exit: 2, message: 'Invalid command-line usage' },
  OPSDECK_E_VALIDATION: { status: 400, exit: 2, message: 'Request failed validation' },
  OPSDECK_E_MALFORMED_JSON: { status: 400, exit: 2, message: 'Request body is not valid JSON' },
  OPSDECK_E_BODY_TOO_LARGE: { status: 413, exit: 2, message: 'Request body is too large' },
  OPSDECK_E_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    exit: 2,
    message: 'Content type is not supported',
  },
  OPSDECK_E_UNAUTHENTICATED: { status: 401, exit: 4, message: 'Authentication required' },
  OPSDECK_E_BAD_CREDENTIALS: { status: 401, exit: 4, message: 'Wrong username or password' },
  OPSDECK_E_FORBIDDEN: { status: 403, exit: 4, message: 'Not allowed for this role' },
  OPSDECK_E_CSRF: { status: 403, exit: 4, message: 'Cross-site request refused' },
  OPSDECK_E_RATE_LIMITED: { status: 429, exit: 5, message: 'Too many requests' },
  OPSDECK_E_NOT_FOUND: { status: 404, exit: 6, message: 'Not found' },
  OPSDECK_E_CONFLICT: { status: 409, exit: 6, message: 'Conflicts with the current state' },
  OPSDECK_E_DB_UNREACHABLE: { status: 503, exit: 3, message: 'Database is unreachable' },
  OPSDECK_E_DB_MIGRATION: { status: 503, exit: 3, message: 'Database migrations are not applied' },
  OPSDECK_E_AUDIT_CHAIN_BROKEN: { status: 500, exit: 1, message: 'Audit log chain is broken' },
  OPSDECK_E_SCAN_FAILED: { status: 500, exit: 3, message: 'Scan could not complete' },
  OPSDECK_E_IO: { status: 500, exit: 3, message: 'File could not be read or written' },
  OPSDECK_E_HCL_SYNTAX: { status: 400, exit: 2, message: 'HCL syntax is invalid' },
  OPSDECK_E_SIGNATURE_INVALID: { status: 401, exit: 4, message: 'Signature is missing or invalid' },
  OPSDECK_E_SELF_APPROVAL: {
    status: 403,
    exit: 4,
    message: 'An approval must come from someone other than the author',
  },
  OPSDECK_E_TLS_CHECK: { status: 502, exit: 3, message: 'TLS endpoint could not be checked' },
  OPSDECK_E_DELIVERY_FAILED: { status: 502, exit: 3, message: 'Notification could not be delivered' },
  OPSDECK_E_SERVER_UNREACHABLE: { status: 502, exit: 3, message: 'opsdeck server could not be reached' },
} as const satisfies Record<string, { status: number; exit: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  /** Where: a JSON path (`/body/name`), a `file:line:column`, a config key. */
  path?: string;
  message: string;
}

/** An error with a stable code, meant to be shown to users. */
export class OpsdeckError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];

  constructor(
    code: ErrorCode,
    message?: string,
    details: readonly ErrorDetail[] = [],
    options?: ErrorOptions,
  ) {
    super(message ?? ERROR_CODES[code].message, options);
    this.name = 'OpsdeckError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }
}

export function isOpsdeckError(e: unknown): e is OpsdeckError {
  return e instanceof OpsdeckError;
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

export function exitCodeOf(code: ErrorCode): number {
  return ERROR_CODES[code].exit;
}
