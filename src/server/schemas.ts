import { Type, type Static } from 'typebox';
import { PERMISSIONS, ROLES, type Permission, type Role } from '../governance/permissions.js';

/*
 * Response schemas state roles and permissions as a string `enum` (from the same const arrays):
 * fast-json-stringify serialises an enum as a plain string, whereas a union of literals makes it
 * run an Ajv check per branch for every value written. Request bodies keep the typebox unions.
 */
const RoleOut = Type.Unsafe<Role>({ type: 'string', enum: [...ROLES] });
const PermissionOut = Type.Unsafe<Permission>({ type: 'string', enum: [...PERMISSIONS] });

/** `{ error: { code, message, details } }`: the body of every error response. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Array(Type.Object({ path: Type.Optional(Type.String()), message: Type.String() })),
    }),
  },
  { $id: 'ErrorResponse', description: 'Error with a stable code (docs/errors.md)' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** Responses every route can produce through the error handler. */
export const errorResponses = {
  400: Type.Ref('ErrorResponse'),
  401: Type.Ref('ErrorResponse'),
  403: Type.Ref('ErrorResponse'),
  404: Type.Ref('ErrorResponse'),
  500: Type.Ref('ErrorResponse'),
} as const;

const IsoTime = Type.String({ format: 'date-time' });
/** `type: [string, null]` rather than anyOf, for the same serialisation reason as above. */
const NullableIsoTime = Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date-time' });

/** The caller as the dashboard sees it. */
export const SessionUser = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: RoleOut,
  permissions: Type.Array(PermissionOut),
});
export type SessionUser = Static<typeof SessionUser>;

export const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: RoleOut,
  disabled: Type.Boolean(),
  createdAt: IsoTime,
  lastLoginAt: NullableIsoTime,
});
export type UserView = Static<typeof UserView>;

export const TokenView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the secret, to recognise it' }),
  scopes: Type.Array(PermissionOut),
  userId: Type.String(),
  username: Type.String(),
  createdAt: IsoTime,
  expiresAt: NullableIsoTime,
  lastUsedAt: NullableIsoTime,
  revokedAt: NullableIsoTime,
});
export type TokenView = Static<typeof TokenView>;

export const AuditEntryView = Type.Object({
  seq: Type.Integer(),
  at: IsoTime,
  actor: Type.String(),
  action: Type.String(),
  target: Type.String(),
  summary: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  hash: Type.String(),
});
export type AuditEntryView = Static<typeof AuditEntryView>;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
