import type { TimelineEntry } from '../../ops/incident.js';
import type { TransactionStore } from '../../store/index.js';
import type { ChannelRecord } from '../../store/notify/index.js';
import type { ServerContext } from '../context.js';
import type { JobRun } from '../jobs/types.js';
import { retryDelayMs } from '../jobs/runner.js';
import { actionLink, incidentLink } from './links.js';
import { notifyKeys, unseal } from './secrets.js';
import { send, type NotificationMessage, type SendOutcome } from './senders.js';

export const DELIVER_JOB = 'notify.deliver';
/** Attempts per delivery before it is given up (the runner's own limit is higher). */
export const DELIVERY_MAX_ATTEMPTS = 5;

export type DeliveryEvent = 'page' | 'resolved';

export interface DeliverPayload {
  deliveryId: string;
}

/** Records a delivery to `channel` and enqueues its `notify.deliver` job, in the caller's transaction. */
export async function queueDelivery(
  tx: TransactionStore,
  channel: ChannelRecord,
  input: { incidentId: string; event: DeliveryEvent; userId: string | null; runAt: string },
): Promise<string> {
  const delivery = await tx.notify.deliveries.create({
    channelId: channel.id,
    channelType: channel.type,
    incidentId: input.incidentId,
    event: input.event,
    userId: input.userId,
    destination: channel.targetHint,
  });
  const payload: DeliverPayload = { deliveryId: delivery.id };
  await tx.notify.jobs.enqueue({
    kind: DELIVER_JOB,
    runAt: input.runAt,
    payload,
    key: `deliver:${delivery.id}`,
    maxAttempts: DELIVERY_MAX_ATTEMPTS + 3,
  });
  return delivery.id;
}

/** Opens a channel's sealed target (the channel id is the associated data). */
export function channelTarget(ctx: ServerContext, channel: Pick<ChannelRecord, 'id' | 'targetEnc'>): string {
  return unseal(notifyKeys(ctx.config).sealKey, channel.targetEnc, channel.id);
}

async function messageFor(
  ctx: ServerContext,
  incidentId: string,
  event: DeliveryEvent,
  userId: string | null,
): Promise<NotificationMessage | undefined> {
  const incident = await ctx.store.ops.incidents.get(incidentId);
  if (!incident) return undefined;
  const now = ctx.clock.now();
  const user = userId ? await ctx.store.users.getById(userId) : undefined;
  const links: NotificationMessage['links'] = { incident: incidentLink(ctx.config, incidentId) };
  if (user && incident.status !== 'resolved') {
    if (incident.status === 'triggered') {
      links.acknowledge = actionLink(ctx.config, { incidentId, action: 'acknowledge', userId: user.id }, now);
    }
    links.resolve = actionLink(ctx.config, { incidentId, action: 'resolve', userId: user.id }, now);
  }
  const title =
    event === 'page'
      ? `[${incident.severity}] #${incident.number} ${incident.title}${user ? ` (paging ${user.username})` : ''}`
      : `Resolved: #${incident.number} ${incident.title}`;
  return {
    event,
    title,
    incident: {
      id: incident.id,
      number: incident.number,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      serviceId: incident.serviceId,
      createdAt: incident.createdAt,
    },
    ...(user && { user: { id: user.id, username: user.username } }),
    links,
    sentAt: now.toISOString(),
  };
}

/**
 * The `notify.deliver` handler: one attempt of one delivery. Each attempt, delivered or not, is
 * recorded on the delivery row and on the incident timeline (`notification` entry: channel, host
 * or address, attempt, outcome, HTTP status / SMTP response), in one transaction. A retryable
 * failure is tried again after 5 s, 10 s, 20 s, ... until DELIVERY_MAX_ATTEMPTS, then `gave-up`.
 * A page for an incident acknowledged or resolved meanwhile is not sent.
 */
export async function handleDeliver(job: JobRun, ctx: ServerContext): Promise<void | { retryAt: string }> {
  const { deliveryId } = job.payload as DeliverPayload;
  const delivery = await ctx.store.notify.deliveries.get(deliveryId);
  if (!delivery || delivery.status === 'delivered' || delivery.status === 'gave-up') return;
  const channel = delivery.channelId ? await ctx.store.notify.channels.get(delivery.channelId) : undefined;
  const attempt = delivery.attempts + 1;
  const event = delivery.event as DeliveryEvent;
  const incidentId = delivery.incidentId;
  if (!incidentId) return;

  let outcome: SendOutcome;
  let skipped = false;
  const message = await messageFor(ctx, incidentId, event, delivery.userId);
  if (!channel || !channel.enabled) {
    outcome = { ok: false, detail: 'channel deleted or disabled', retryable: false };
  } else if (!message) {
    outcome = { ok: false, detail: 'incident no longer exists', retryable: false };
  } else if (event === 'page' && message.incident?.status !== 'triggered') {
    skipped = true;
    outcome = { ok: false, detail: `not sent: incident is ${message.incident?.status}`, retryable: false };
  } else {
    let target: string | undefined;
    try {
      target = channelTarget(ctx, channel);
    } catch {
      target = undefined;
    }
    outcome = target
      ? await send(ctx.config, channel.type, target, message)
      : { ok: false, detail: 'cannot decrypt the channel target (secret_key changed?)', retryable: false };
  }

  const giveUp = !outcome.ok && (!outcome.retryable || attempt >= DELIVERY_MAX_ATTEMPTS);
  const status = outcome.ok ? 'delivered' : giveUp ? 'gave-up' : 'failed';
  const now = ctx.clock.now();
  await ctx.store.transaction(async (tx) => {
    await tx.notify.deliveries.record(deliveryId, {
      status,
      attempts: attempt,
      lastResponse: outcome.detail,
    });
    if (skipped) return;
    const entry: TimelineEntry = {
      at: now.toISOString(),
      kind: 'notification',
      channel: channel?.name ?? '(deleted channel)',
      channelType: delivery.channelType,
      to: delivery.destination,
      ...(delivery.userId !== null && { user: delivery.userId }),
      attempt,
      outcome: status,
      detail: outcome.detail,
    };
    if (await tx.ops.incidents.get(incidentId)) await tx.ops.timeline.append(incidentId, entry);
  });
  if (status === 'failed') return { retryAt: new Date(now.getTime() + retryDelayMs(attempt)).toISOString() };
}
