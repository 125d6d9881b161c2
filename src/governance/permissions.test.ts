import type { Static } from 'typebox';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Compile } from 'typebox/compile';
import {
  PERMISSIONS,
  PermissionSchema,
  ROLES,
  RoleSchema,
  effectiveScopes,
  hasPermission,
  isPermission,
  isRole,
  permissionsOf,
  type Permission,
  type Role,
} from './permissions.js';

describe('permissions', () => {
  it('grants an admin every permission', () => {
    expect(permissionsOf('admin')).toEqual([...PERMISSIONS]);
  });

  it.each<[Role, string, boolean]>([
    ['viewer', 'estate:read', true],
    ['viewer', 'estate:write', false],
    ['viewer', 'tokens:write', true],
    ['viewer', 'users:read', false],
    ['engineer', 'incidents:write', true],
    ['engineer', 'changes:approve', false],
    ['approver', 'changes:approve', true],
    ['approver', 'audit:read', false],
    ['admin', 'users:write', true],
    ['admin', 'metrics:read', true],
  ])('says whether %s has %s (%s)', (role, perm, expected) => {
    expect(isPermission(perm)).toBe(true);
    expect(hasPermission(role, perm as (typeof PERMISSIONS)[number])).toBe(expected);
  });

  it('orders roles so that each one includes the permissions of the one before', () => {
    for (let i = 1; i < ROLES.length; i++) {
      const lower = permissionsOf(ROLES[i - 1]!);
      const higher = new Set(permissionsOf(ROLES[i]!));
      expect(lower.filter((p) => !higher.has(p))).toEqual([]);
      expect(higher.size).toBeGreaterThan(lower.length);
    }
  });

  it('intersects token scopes with the owner role and drops unknown scopes', () => {
    expect(effectiveScopes('viewer', ['estate:read', 'estate:write', 'bogus'])).toEqual(['estate:read']);
  });

  it('derives schemas that accept exactly the listed names', () => {
    const role = Compile(RoleSchema);
    const perm = Compile(PermissionSchema);
    for (const r of ROLES) expect(role.Check(r)).toBe(true);
    for (const p of PERMISSIONS) expect(perm.Check(p)).toBe(true);
    expect(role.Check('root')).toBe(false);
    expect(perm.Check('users:delete')).toBe(false);
    expect(isRole('admin')).toBe(true);
    expect(isRole('root')).toBe(false);
  });

  it('gives the schemas the same static types as the const arrays', () => {
    expectTypeOf<Static<typeof RoleSchema>>().toEqualTypeOf<Role>();
    expectTypeOf<Static<typeof PermissionSchema>>().toEqualTypeOf<Permission>();
  });
});
