import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { OpsdeckError } from '../../../core/errors.js';
import { newId } from '../../../core/ids.js';
import type { TransactionStore } from '../../../store/index.js';
import type { ChannelRecord, ChannelType } from '../../../store/notify/index.js';
import { callerOf } from '../../auth/guard.js';
import { channelTarget } from '../../notify/deliver.js';
import { baseUrl } from '../../notify/links.js';
import { notifyKeys, seal } from '../../notify/secrets.js';
import { destinationOf, send } from '../../notify/senders.js';
import { IdParams, errorResponses } from '../../schemas.js';

const CHANNEL_TYPES = ['webhook', 'slack', 'email'] as const;
const ChannelTypeIn = Type.Union([Type.Literal('webhook'), Type.Literal('slack'), Type.Literal('email')]);
const ChannelTypeOut = Type.Unsafe<ChannelType>({ type: 'string', enum: [...CHANNEL_TYPES] });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Target = Type.String({
  minLength: 3,
  maxLength: 2048,
  description:
    'Webhook URL (http/https) for webhook and slack; an e-mail address for email. Stored encrypted.',
});

const CreateChannelBody = Type.Object(
  {
    name: Name,
    type: ChannelTypeIn,
    target: Target,
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    serviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const UpdateChannelBody = Type.Object(
  { name: Type.Optional(Name), target: Type.Optional(Target), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

const NullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });
export const ChannelView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: ChannelTypeOut,
  /** The URL's host or the e-mail address; the full target is never returned. */
  destination: Type.String(),
  userId: NullableString,
  serviceId: NullableString,
  enabled: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
type ChannelView = Static<typeof ChannelView>;

function channelView(c: ChannelRecord): ChannelView {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    destination: c.targetHint,
    userId: c.userId,
    serviceId: c.serviceId,
    enabled: c.enabled,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** The target checked against the channel type. @throws OpsdeckError OPSDECK_E_VALIDATION at /body/target */
function checkTarget(type: ChannelType, target: string): string {
  const bad = (message: string) =>
    new OpsdeckError('OPSDECK_E_VALIDATION', `Invalid ${type} channel target`, [
      { path: '/body/target', message },
    ]);
  const t = target.trim();
  if (type === 'email') {
    if (!EMAIL.test(t)) throw bad('must be an e-mail address (name@example.com)');
    return t;
  }
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    throw bad('must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('must be an http:// or https:// URL');
  return t;
}

async function checkOwner(tx: TransactionStore, userId: string | undefined, serviceId: string | undefined) {
  if ((userId === undefined) === (serviceId === undefined)) {
    throw new OpsdeckError('OPSDECK_E_VALIDATION', 'A channel belongs to one user or to one service', [
      {
        path: userId === undefined ? '/body/userId' : '/body/serviceId',
        message: 'give exactly one of userId, serviceId',
      },
    ]);
  }
  if (userId !== undefined) {
    const u = await tx.users.getById(userId);
    if (!u)
      throw new OpsdeckError('OPSDECK_E_VALIDATION', `No user with id ${userId}`, [
        { path: '/body/userId', message: 'no such user' },
      ]);
  }
  if (serviceId !== undefined) {
    const s = await tx.oncall.services.get(serviceId);
    if (!s) {
      throw new OpsdeckError('OPSDECK_E_VALIDATION', `No service with id ${serviceId}`, [
        { path: '/body/serviceId', message: 'no such service' },
      ]);
    }
  }
}

function notFound(id: string): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_NOT_FOUND', `No notification channel with id ${id}`, [
    { path: '/params/id', message: 'no such notification channel' },
  ]);
}

const audited = (c: ChannelRecord) => ({
  name: c.name,
  type: c.type,
  destination: c.targetHint,
  userId: c.userId,
  serviceId: c.serviceId,
  enabled: c.enabled,
});

/** /api/notification-channels: CRUD (settings:write; list/get incidents:read) and a test send. */
export const channelsRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const ctx = app.opsdeck;
  const { store } = ctx;
  const sealFor = (id: string, target: string) => seal(notifyKeys(ctx.config).sealKey, target, id);

  app.get(
    '/api/notification-channels',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags: ['notifications'],
        summary: 'List notification channels (targets are never returned, only their host or address)',
        querystring: Type.Object(
          {
            userId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            serviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(ChannelView), nextCursor: Type.Null() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { userId, serviceId } = request.query;
      const items = await store.notify.channels.list({
        ...(userId !== undefined && { userId }),
        ...(serviceId !== undefined && { serviceId }),
      });
      return { items: items.map(channelView), nextCursor: null };
    },
  );

  app.get(
    '/api/notification-channels/:id',
    {
      config: { permission: 'incidents:read' },
      schema: {
        tags: ['notifications'],
        summary: 'One notification channel',
        params: IdParams,
        response: { 200: Type.Object({ channel: ChannelView }), ...errorResponses },
      },
    },
    async (request) => {
      const c = await store.notify.channels.get(request.params.id);
      if (!c) throw notFound(request.params.id);
      return { channel: channelView(c) };
    },
  );

  app.post(
    '/api/notification-channels',
    {
      config: { permission: 'settings:write' },
      schema: {
        tags: ['notifications'],
        summary: "Create a channel: a user's own contact (userId) or a service-wide channel (serviceId)",
        body: CreateChannelBody,
        response: { 201: Type.Object({ channel: ChannelView }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { name, type, userId, serviceId, enabled } = request.body;
      const target = checkTarget(type, request.body.target);
      const id = newId();
      const channel = await store.transaction(async (tx) => {
        await checkOwner(tx, userId, serviceId);
        const created = await tx.notify.channels.create({
          id,
          name,
          type,
          targetEnc: sealFor(id, target),
          targetHint: destinationOf(type, target),
          userId: userId ?? null,
          serviceId: serviceId ?? null,
          ...(enabled !== undefined && { enabled }),
        });
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'notification-channel.create',
          target: `notification-channel:${id}`,
          summary: `created ${type} channel ${name} to ${created.targetHint}`,
          after: audited(created),
        });
        return created;
      });
      return reply.code(201).send({ channel: channelView(channel) });
    },
  );

  app.patch(
    '/api/notification-channels/:id',
    {
      config: { permission: 'settings:write' },
      schema: {
        tags: ['notifications'],
        summary: 'Rename, re-target, enable or disable a channel',
        params: IdParams,
        body: UpdateChannelBody,
        response: { 200: Type.Object({ channel: ChannelView }), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { id } = request.params;
      const { name, target, enabled } = request.body;
      const channel = await store.transaction(async (tx) => {
        const before = await tx.notify.channels.get(id);
        if (!before) throw notFound(id);
        const checked = target === undefined ? undefined : checkTarget(before.type, target);
        const after = await tx.notify.channels.update(id, {
          ...(name !== undefined && { name }),
          ...(enabled !== undefined && { enabled }),
          ...(checked !== undefined && {
            targetEnc: sealFor(id, checked),
            targetHint: destinationOf(before.type, checked),
          }),
        });
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'notification-channel.update',
          target: `notification-channel:${id}`,
          summary: `updated channel ${after.name}${checked !== undefined ? ' (new target)' : ''}`,
          before: audited(before),
          after: { ...audited(after), targetChanged: checked !== undefined },
        });
        return after;
      });
      return { channel: channelView(channel) };
    },
  );

  app.delete(
    '/api/notification-channels/:id',
    {
      config: { permission: 'settings:write' },
      schema: {
        tags: ['notifications'],
        summary: 'Delete a channel (its past deliveries stay on the incident timelines)',
        params: IdParams,
        response: { 200: Type.Object({ channel: ChannelView }), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { id } = request.params;
      const channel = await store.transaction(async (tx) => {
        const before = await tx.notify.channels.get(id);
        if (!before) throw notFound(id);
        await tx.notify.channels.delete(id);
        await tx.audit.append({
          actor: `user:${caller.user.username}`,
          action: 'notification-channel.delete',
          target: `notification-channel:${id}`,
          summary: `deleted channel ${before.name}`,
          before: audited(before),
        });
        return before;
      });
      return { channel: channelView(channel) };
    },
  );

  app.post(
    '/api/notification-channels/:id/test',
    {
      config: { permission: 'settings:write' },
      schema: {
        tags: ['notifications'],
        summary: 'Send a test notification now (no retry); 502 OPSDECK_E_DELIVERY_FAILED with the reason',
        params: IdParams,
        response: {
          200: Type.Object({ delivered: Type.Boolean(), destination: Type.String(), detail: Type.String() }),
          ...errorResponses,
          502: Type.Ref('ErrorResponse'),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const channel = await store.notify.channels.get(request.params.id);
      if (!channel) throw notFound(request.params.id);
      const now = ctx.clock.now();
      const outcome = await send(ctx.config, channel.type, channelTarget(ctx, channel), {
        event: 'test',
        title: `Test notification from opsdeck (sent by ${caller.user.username})`,
        links: { incident: `${baseUrl(ctx.config)}/incidents` },
        sentAt: now.toISOString(),
      });
      if (!outcome.ok) {
        throw new OpsdeckError(
          'OPSDECK_E_DELIVERY_FAILED',
          `Test notification to ${channel.targetHint} failed`,
          [{ path: '/target', message: outcome.detail }],
        );
      }
      return { delivered: true, destination: channel.targetHint, detail: outcome.detail };
    },
  );

  done();
};
