import { Type, type TLiteral, type TUnion } from 'typebox';

/**
 * Roles and permissions: the single source of truth. Types and JSON schemas are derived from the
 * const arrays below, so adding a permission or a role is a one-line change.
 */
export const ROLES = ['viewer', 'engineer', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'overview:read',
  'guardrails:read',
  'guardrails:write',
  'estate:read',
  'estate:write',
  'estate:approve',
  'incidents:read',
  'incidents:write',
  'changes:read',
  'changes:write',
  'changes:approve',
  'users:read',
  'users:write',
  'tokens:read',
  'tokens:write',
  'audit:read',
  'metrics:read',
  'settings:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Read access to every operations section, plus managing one's own API tokens. */
const VIEWER: readonly Permission[] = [
  'overview:read',
  'guardrails:read',
  'estate:read',
  'incidents:read',
  'changes:read',
  'tokens:read',
  'tokens:write',
];
const ENGINEER: readonly Permission[] = [
  ...VIEWER,
  'guardrails:write',
  'estate:write',
  'incidents:write',
  'changes:write',
];
const APPROVER: readonly Permission[] = [...ENGINEER, 'changes:approve', 'estate:approve'];

const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  viewer: new Set(VIEWER),
  engineer: new Set(ENGINEER),
  approver: new Set(APPROVER),
  admin: new Set(PERMISSIONS),
};

type LiteralUnion<T extends readonly string[]> = TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }>;

/** `Type.Union` of `Type.Literal`s, one per value, keeping the literal types for `Static`. */
function literalUnion<const T extends readonly string[]>(values: T): LiteralUnion<T> {
  return Type.Union(values.map((v) => Type.Literal(v))) as unknown as LiteralUnion<T>;
}

/** JSON schema (typebox) for a role name, derived from `ROLES`. */
export const RoleSchema = literalUnion(ROLES);
/** JSON schema (typebox) for a permission name, derived from `PERMISSIONS`. */
export const PermissionSchema = literalUnion(PERMISSIONS);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

/** The permissions of `role`, in the order of `PERMISSIONS`. */
export function permissionsOf(role: Role): Permission[] {
  const granted = ROLE_PERMISSIONS[role];
  return PERMISSIONS.filter((p) => granted.has(p));
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/**
 * The permissions an API token actually carries: its scopes intersected with what its owner's
 * role grants today (a demoted owner's tokens lose the permissions the role no longer has).
 */
export function effectiveScopes(role: Role, scopes: readonly string[]): Permission[] {
  const wanted = new Set(scopes);
  return permissionsOf(role).filter((p) => wanted.has(p));
}
