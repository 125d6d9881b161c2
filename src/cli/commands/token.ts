import { InvalidArgumentError, type Command } from 'commander';
import { OpsdeckError } from '../../core/errors.js';
import { PERMISSIONS, isPermission, permissionsOf } from '../../governance/permissions.js';
import type { ApiToken } from '../../store/index.js';
import type { CliContext } from '../cli-context.js';
import {
  cliActor,
  table,
  usage,
  withAdminOptions,
  withAdminStore,
  type AdminFlags,
} from '../admin-context.js';

const DAY_MS = 86_400_000;

function audited(t: ApiToken): Record<string, unknown> {
  return { id: t.id, name: t.name, userId: t.userId, scopes: t.scopes, expiresAt: t.expiresAt };
}

function days(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 365) throw new InvalidArgumentError('must be an integer 1-365');
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter(Boolean)];
}

interface CreateFlags extends AdminFlags {
  user: string;
  name: string;
  scope: string[];
  expiresInDays: number;
}

/** `opsdeck token create|list|revoke`. */
export function registerToken(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('Manage API tokens');

  withAdminOptions(token.command('create'))
    .description('Create an API token for a user; prints the secret once')
    .requiredOption('--user <username>', 'owner of the token')
    .requiredOption('--name <name>', 'what the token is for')
    .requiredOption(
      '--scope <permission...>',
      `permissions (repeat or comma-separate): ${PERMISSIONS.join(', ')}`,
      collect,
    )
    .requiredOption('--expires-in-days <n>', 'lifetime, 1-365 days', days)
    .action(async (flags: CreateFlags) => {
      const unknown = flags.scope.filter((s) => !isPermission(s));
      if (unknown.length > 0) {
        throw usage(
          `Unknown permission(s): ${unknown.join(', ')}; known: ${PERMISSIONS.join(', ')}`,
          '--scope',
        );
      }
      const name = flags.name.trim();
      if (name.length === 0 || name.length > 100)
        throw usage('Token name must have 1-100 characters', '--name');
      await withAdminStore(ctx, flags, async ({ store }) => {
        const owner = await store.users.getByUsername(flags.user);
        if (!owner) throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No user named "${flags.user}"`);
        if (owner.disabled) throw new OpsdeckError('OPSDECK_E_CONFLICT', `User "${flags.user}" is disabled`);
        const granted = new Set<string>(permissionsOf(owner.role));
        const beyond = flags.scope.filter((s) => !granted.has(s));
        if (beyond.length > 0) {
          throw usage(
            `Role ${owner.role} of ${owner.username} does not grant: ${beyond.join(', ')} (a token cannot exceed its owner's role)`,
            '--scope',
          );
        }
        const scopes = [...new Set(flags.scope)];
        const { token: created, secret } = await store.transaction(async (tx) => {
          const now = Date.now();
          const result = await tx.tokens.create({
            userId: owner.id,
            name,
            scopes,
            expiresAt: new Date(now + flags.expiresInDays * DAY_MS),
          });
          await tx.audit.append({
            actor: cliActor(ctx),
            action: 'token.create',
            target: `token:${result.token.id}`,
            summary: `created API token "${name}" for ${owner.username} (${scopes.join(', ')})`,
            after: audited(result.token),
          });
          return result;
        });
        ctx.stdout.write(
          `created token ${created.id} "${created.name}" for ${owner.username}, scopes ${created.scopes.join(', ')}, expires ${created.expiresAt}\n`,
        );
        ctx.stdout.write(`secret (shown once, store it now):\n${secret}\n`);
      });
    });

  withAdminOptions(token.command('list'))
    .description('List API tokens (secrets are never shown)')
    .option('--user <username>', 'only this user')
    .option('--json', 'print JSON {tokens:[...]}')
    .action(async (flags: AdminFlags & { user?: string; json?: boolean }) => {
      await withAdminStore(ctx, flags, async ({ store }) => {
        let userId: string | undefined;
        if (flags.user !== undefined) {
          const owner = await store.users.getByUsername(flags.user);
          if (!owner) throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No user named "${flags.user}"`);
          userId = owner.id;
        }
        const tokens = await store.tokens.list(userId === undefined ? {} : { userId });
        if (flags.json) {
          ctx.stdout.write(`${JSON.stringify({ tokens }, null, 2)}\n`);
          return;
        }
        ctx.stdout.write(
          table([
            ['ID', 'PREFIX', 'USER', 'NAME', 'EXPIRES', 'STATUS'],
            ...tokens.map((t) => [
              t.id,
              t.prefix,
              t.username,
              t.name,
              t.expiresAt ?? 'never',
              t.revokedAt
                ? 'revoked'
                : t.expiresAt && t.expiresAt <= new Date().toISOString()
                  ? 'expired'
                  : 'active',
            ]),
          ]),
        );
      });
    });

  withAdminOptions(token.command('revoke <id>'))
    .description('Revoke an API token')
    .action(async (id: string, flags: AdminFlags) => {
      await withAdminStore(ctx, flags, async ({ store }) => {
        const revoked = await store.transaction(async (tx) => {
          const before = await tx.tokens.getById(id);
          if (!before) throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No API token with id ${id}`);
          const after = await tx.tokens.revoke(id);
          if (before.revokedAt === null) {
            await tx.audit.append({
              actor: cliActor(ctx),
              action: 'token.revoke',
              target: `token:${id}`,
              summary: `revoked API token "${after.name}" of ${after.username}`,
              before: { ...audited(before), revokedAt: null },
              after: { ...audited(after), revokedAt: after.revokedAt },
            });
          }
          return after;
        });
        ctx.stdout.write(`revoked token ${revoked.id} "${revoked.name}" of ${revoked.username}\n`);
      });
    });
}
