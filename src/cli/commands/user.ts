import type { Command } from 'commander';
import { OpsdeckError } from '../../core/errors.js';
import { generatePassword, hashPassword } from '../../core/password.js';
import { ROLES, isRole } from '../../governance/permissions.js';
import type { User } from '../../store/index.js';
import type { CliContext } from '../cli-context.js';
import {
  cliActor,
  readStdin,
  table,
  usage,
  withAdminOptions,
  withAdminStore,
  type AdminFlags,
} from '../admin-context.js';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const MIN_PASSWORD = 8;

function audited(u: User): { id: string; username: string; role: string; disabled: boolean } {
  return { id: u.id, username: u.username, role: u.role, disabled: u.disabled };
}

interface AddFlags extends AdminFlags {
  role: string;
  passwordStdin?: boolean;
}

/** `opsdeck user add|list|disable|enable`. */
export function registerUser(program: Command, ctx: CliContext): void {
  const user = program.command('user').description('Manage users');

  withAdminOptions(user.command('add <username>'))
    .description('Create a user; prints a random password once unless --password-stdin is given')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, flags: AddFlags) => {
      if (!USERNAME.test(username)) {
        throw usage(
          `Invalid username "${username}": 1-64 letters, digits, '.', '_', '@', '-', starting with a letter or digit`,
          '<username>',
        );
      }
      const role = flags.role;
      if (!isRole(role)) throw usage(`Unknown role "${role}": use one of ${ROLES.join(', ')}`, '--role');
      let password: string;
      let generated = false;
      if (flags.passwordStdin) {
        password = await readStdin(ctx);
        if (password.length < MIN_PASSWORD) {
          throw usage(
            `Password from stdin must have at least ${MIN_PASSWORD} characters`,
            '--password-stdin',
          );
        }
      } else {
        password = generatePassword();
        generated = true;
      }
      const passwordHash = await hashPassword(password);
      await withAdminStore(ctx, flags, async ({ store }) => {
        const created = await store.transaction(async (tx) => {
          const u = await tx.users.create({ username, passwordHash, role });
          await tx.audit.append({
            actor: cliActor(ctx),
            action: 'user.create',
            target: `user:${u.id}`,
            summary: `created user ${u.username} with role ${u.role}`,
            after: audited(u),
          });
          return u;
        });
        ctx.stdout.write(`created user ${created.username} (role ${created.role}, id ${created.id})\n`);
        if (generated) ctx.stdout.write(`password (shown once): ${password}\n`);
      });
    });

  withAdminOptions(user.command('list'))
    .description('List users')
    .option('--json', 'print JSON {users:[...]}')
    .action(async (flags: AdminFlags & { json?: boolean }) => {
      await withAdminStore(ctx, flags, async ({ store }) => {
        const users = await store.users.list();
        if (flags.json) {
          ctx.stdout.write(`${JSON.stringify({ users }, null, 2)}\n`);
          return;
        }
        ctx.stdout.write(
          table([
            ['USERNAME', 'ROLE', 'STATUS', 'CREATED', 'LAST LOGIN'],
            ...users.map((u) => [
              u.username,
              u.role,
              u.disabled ? 'disabled' : 'active',
              u.createdAt,
              u.lastLoginAt ?? '-',
            ]),
          ]),
        );
      });
    });

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    withAdminOptions(user.command(`${verb} <username>`))
      .description(disabled ? 'Disable a user and end their sessions' : 'Enable a disabled user')
      .action(async (username: string, flags: AdminFlags) => {
        await withAdminStore(ctx, flags, async ({ store }) => {
          const after = await store.transaction(async (tx) => {
            const before = await tx.users.getByUsername(username);
            if (!before) throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No user named "${username}"`);
            const updated = await tx.users.update(before.id, { disabled });
            if (disabled) await tx.sessions.deleteForUser(before.id);
            await tx.audit.append({
              actor: cliActor(ctx),
              action: `user.${verb}`,
              target: `user:${before.id}`,
              summary: `${verb}d user ${username}`,
              before: audited(before),
              after: audited(updated),
            });
            return updated;
          });
          ctx.stdout.write(`${verb}d user ${after.username}\n`);
        });
      });
  }
}
