import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';
import { hashPassword } from '../../../core/password.js';
import { RoleSchema } from '../../../governance/permissions.js';
import { callerOf } from '../../auth/guard.js';
import { IdParams, UserView, errorResponses } from '../../schemas.js';
import { auditedUser, userView } from './views.js';

const Username = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$',
  description: 'Letters, digits, `.`, `_`, `@`, `-`; starts with a letter or digit',
});
const Password = Type.String({ minLength: 8, maxLength: 1024 });

const CreateUserBody = Type.Object(
  { username: Username, password: Password, role: RoleSchema },
  { additionalProperties: false },
);
const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** GET/POST /api/users and PATCH /api/users/{id}; every change is audited in its transaction. */
export const usersRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store } = app.opsdeck;

  app.get(
    '/api/users',
    {
      config: { permission: 'users:read' },
      schema: {
        tags: ['users'],
        summary: 'List users',
        response: { 200: Type.Object({ users: Type.Array(UserView) }), ...errorResponses },
      },
    },
    async () => ({ users: (await store.users.list()).map(userView) }),
  );

  app.post(
    '/api/users',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        body: CreateUserBody,
        response: {
          201: Type.Object({ user: UserView }),
          ...errorResponses,
          409: Type.Ref('ErrorResponse'),
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { username, password, role } = request.body;
      const passwordHash = await hashPassword(password);
      const user = await store.transaction(async (tx) => {
        const created = await tx.users.create({ username, passwordHash, role });
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'user.create',
          target: `user:${created.id}`,
          summary: `created user ${created.username} with role ${created.role}`,
          after: auditedUser(created),
        });
        return created;
      });
      return reply.code(201).send({ user: userView(user) });
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary: 'Change a user: role, disabled, password',
        params: IdParams,
        body: UpdateUserBody,
        response: {
          200: Type.Object({ user: UserView }),
          ...errorResponses,
          409: Type.Ref('ErrorResponse'),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { id } = request.params;
      const { role, disabled, password } = request.body;
      if (id === caller.user.id && ((role !== undefined && role !== 'admin') || disabled === true)) {
        throw new OpsdeckError('OPSDECK_E_CONFLICT', 'You cannot disable or demote your own account', [
          { path: role !== undefined ? '/body/role' : '/body/disabled', message: 'not allowed on yourself' },
        ]);
      }
      const passwordHash = password === undefined ? undefined : await hashPassword(password);
      const user = await store.transaction(async (tx) => {
        const before = await tx.users.getById(id);
        if (!before) {
          throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No user with id ${id}`, [
            { path: '/params/id', message: 'no such user' },
          ]);
        }
        const after = await tx.users.update(id, {
          ...(role !== undefined ? { role } : {}),
          ...(disabled !== undefined ? { disabled } : {}),
          ...(passwordHash !== undefined ? { passwordHash } : {}),
        });
        // A disabled user or a changed password ends every session of that user.
        if (disabled === true || passwordHash !== undefined) await tx.sessions.deleteForUser(id);
        const changed = [
          role !== undefined && role !== before.role ? `role ${before.role} -> ${role}` : undefined,
          disabled !== undefined && disabled !== before.disabled
            ? disabled
              ? 'disabled'
              : 'enabled'
            : undefined,
          passwordHash !== undefined ? 'password changed' : undefined,
        ].filter((c): c is string => c !== undefined);
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'user.update',
          target: `user:${id}`,
          summary: `updated user ${after.username}: ${changed.join(', ') || 'no change'}`,
          before: auditedUser(before),
          after: { ...auditedUser(after), passwordChanged: passwordHash !== undefined },
        });
        return after;
      });
      return { user: userView(user) };
    },
  );
  done();
};
