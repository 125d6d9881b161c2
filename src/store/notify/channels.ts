import { OpsdeckError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { iso, type StoreContext } from '../context.js';
import type { ChannelType, DeliveryStatus, NotifyChannelsTable, NotifyDeliveriesTable } from './schema.js';

export interface ChannelRecord {
  id: string;
  name: string;
  type: ChannelType;
  /** Sealed target (AES-256-GCM); only the notify server code opens it. */
  targetEnc: string;
  /** Displayable part of the target: URL host, masked address. */
  targetHint: string;
  /** A user's own contact channel (paged when that user is paged). */
  userId: string | null;
  /** A service-wide channel (told of every page and resolve of the service's incidents). */
  serviceId: string | null;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ChannelInput {
  /** Given by the caller when the target was sealed with the id as associated data. */
  id?: string;
  name: string;
  type: ChannelType;
  targetEnc: string;
  targetHint: string;
  userId?: string | null;
  serviceId?: string | null;
  enabled?: boolean;
}

export interface ChannelsStore {
  create(input: ChannelInput): Promise<ChannelRecord>;
  get(id: string): Promise<ChannelRecord | undefined>;
  /** Oldest first; filtered by owner. */
  list(filter?: { userId?: string; serviceId?: string }): Promise<ChannelRecord[]>;
  /** Enabled channels of these users. */
  ofUsers(userIds: readonly string[]): Promise<ChannelRecord[]>;
  /** Enabled service-wide channels of a service. */
  ofService(serviceId: string): Promise<ChannelRecord[]>;
  /** @throws OpsdeckError OPSDECK_E_NOT_FOUND */
  update(id: string, patch: Partial<Omit<ChannelInput, 'id' | 'type'>>): Promise<ChannelRecord>;
  /** @throws OpsdeckError OPSDECK_E_NOT_FOUND */
  delete(id: string): Promise<ChannelRecord>;
}

export interface DeliveryRecord {
  id: string;
  channelId: string | null;
  channelType: ChannelType;
  incidentId: string | null;
  event: string;
  userId: string | null;
  status: DeliveryStatus;
  attempts: number;
  destination: string;
  lastResponse: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveriesStore {
  create(input: {
    channelId: string;
    channelType: ChannelType;
    incidentId: string | null;
    event: string;
    userId: string | null;
    destination: string;
  }): Promise<DeliveryRecord>;
  get(id: string): Promise<DeliveryRecord | undefined>;
  /** Records an attempt's outcome. */
  record(
    id: string,
    update: { status: DeliveryStatus; attempts: number; lastResponse: string },
  ): Promise<void>;
  ofIncident(incidentId: string): Promise<DeliveryRecord[]>;
}

function toChannel(r: NotifyChannelsTable): ChannelRecord {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    targetEnc: r.target_enc,
    targetHint: r.target_hint,
    userId: r.user_id,
    serviceId: r.service_id,
    enabled: Number(r.enabled) === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toDelivery(r: NotifyDeliveriesTable): DeliveryRecord {
  return {
    id: r.id,
    channelId: r.channel_id,
    channelType: r.channel_type,
    incidentId: r.incident_id,
    event: r.event,
    userId: r.user_id,
    status: r.status,
    attempts: Number(r.attempts),
    destination: r.destination,
    lastResponse: r.last_response,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function notFound(id: string): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_NOT_FOUND', `Notification channel ${id} not found`, [
    { path: '/id', message: 'no such notification channel' },
  ]);
}

export function createChannelsStore(ctx: StoreContext): ChannelsStore {
  const { db } = ctx;
  const get = async (id: string) => {
    const row = await db.selectFrom('notify_channels').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toChannel(row) : undefined;
  };
  return {
    async create(input) {
      const now = iso(ctx.clock.now());
      const row: NotifyChannelsTable = {
        id: input.id ?? newId(),
        name: input.name,
        type: input.type,
        target_enc: input.targetEnc,
        target_hint: input.targetHint,
        user_id: input.userId ?? null,
        service_id: input.serviceId ?? null,
        enabled: input.enabled === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      };
      await db.insertInto('notify_channels').values(row).execute();
      return toChannel(row);
    },
    get,
    async list(filter = {}) {
      let q = db.selectFrom('notify_channels').selectAll();
      if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
      if (filter.serviceId !== undefined) q = q.where('service_id', '=', filter.serviceId);
      const rows = await q.orderBy('created_at').orderBy('id').execute();
      return rows.map(toChannel);
    },
    async ofUsers(userIds) {
      if (userIds.length === 0) return [];
      const rows = await db
        .selectFrom('notify_channels')
        .selectAll()
        .where('user_id', 'in', [...userIds])
        .where('enabled', '=', 1)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toChannel);
    },
    async ofService(serviceId) {
      const rows = await db
        .selectFrom('notify_channels')
        .selectAll()
        .where('service_id', '=', serviceId)
        .where('enabled', '=', 1)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toChannel);
    },
    async update(id, patch) {
      const set: Partial<NotifyChannelsTable> = { updated_at: iso(ctx.clock.now()) };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.targetEnc !== undefined) set.target_enc = patch.targetEnc;
      if (patch.targetHint !== undefined) set.target_hint = patch.targetHint;
      if (patch.userId !== undefined) set.user_id = patch.userId;
      if (patch.serviceId !== undefined) set.service_id = patch.serviceId;
      if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
      const r = await db.updateTable('notify_channels').set(set).where('id', '=', id).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw notFound(id);
      const after = await get(id);
      if (!after) throw notFound(id);
      return after;
    },
    async delete(id) {
      const before = await get(id);
      if (!before) throw notFound(id);
      await db.deleteFrom('notify_channels').where('id', '=', id).execute();
      return before;
    },
  };
}

export function createDeliveriesStore(ctx: StoreContext): DeliveriesStore {
  const { db } = ctx;
  return {
    async create(input) {
      const now = iso(ctx.clock.now());
      const row: NotifyDeliveriesTable = {
        id: newId(),
        channel_id: input.channelId,
        channel_type: input.channelType,
        incident_id: input.incidentId,
        event: input.event,
        user_id: input.userId,
        status: 'pending',
        attempts: 0,
        destination: input.destination,
        last_response: null,
        created_at: now,
        updated_at: now,
      };
      await db.insertInto('notify_deliveries').values(row).execute();
      return toDelivery(row);
    },
    async get(id) {
      const row = await db
        .selectFrom('notify_deliveries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toDelivery(row) : undefined;
    },
    async record(id, update) {
      await db
        .updateTable('notify_deliveries')
        .set({
          status: update.status,
          attempts: update.attempts,
          last_response: update.lastResponse.slice(0, 1000),
          updated_at: iso(ctx.clock.now()),
        })
        .where('id', '=', id)
        .execute();
    },
    async ofIncident(incidentId) {
      const rows = await db
        .selectFrom('notify_deliveries')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toDelivery);
    },
  };
}
