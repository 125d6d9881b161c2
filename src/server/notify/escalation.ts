import { planEscalation, type EscalationPlan } from '../../ops/escalation.js';
import type { Incident } from '../../ops/incident.js';
import type { TransactionStore } from '../../store/index.js';
import type { IncidentRecord } from '../../store/ops/index.js';
import type { ServerContext } from '../context.js';
import type { JobRun } from '../jobs/types.js';
import { applyIncidentAction } from '../ops/incident-actions.js';
import { queueDelivery } from './deliver.js';

export const INCIDENT_CHANGED_JOB = 'incident.changed';
export const ESCALATION_TICK_JOB = 'escalation.tick';

export type IncidentChange = 'opened' | 'acknowledged' | 'unacknowledged' | 'resolved' | 'reopened';

export interface IncidentChangedPayload {
  incidentId: string;
  change: IncidentChange;
}

export interface EscalationTickPayload {
  incidentId: string;
}

/** The key of an incident's pending escalation tick (one per incident). */
export const tickKey = (incidentId: string): string => `escalation:${incidentId}`;

export interface EscalationOutcome {
  state: EscalationPlan['state'] | 'no-policy' | 'missing' | 'silenced';
  /** Pages appended now (one per step target). */
  pages: number;
  /** Deliveries queued now. */
  deliveries: number;
  nextAt?: string;
}

async function engineIncident(tx: TransactionStore, r: IncidentRecord): Promise<Incident> {
  return {
    id: r.id,
    serviceId: r.serviceId,
    title: r.title,
    severity: r.severity,
    status: r.status,
    ...(r.assigneeId !== undefined && { assignee: r.assigneeId }),
    createdAt: r.createdAt,
    timeline: await tx.ops.timeline.list(r.id),
  };
}

/**
 * Runs an incident's escalation up to now, in one transaction holding the incident row
 * (PostgreSQL FOR UPDATE; SQLite: the write lock). The planner (src/ops/escalation.ts) is given
 * the timeline, which records every page by key, so a second run at the same instant pages
 * nobody again: together with the job runner's exclusive claims, each step fires once across
 * replicas. An expired acknowledgement is undone first (`unacknowledge`, by the system), then the
 * plan is made again from the new timeline. Pages are appended to the timeline and a
 * `notify.deliver` job is queued for each enabled channel of each paged user; the next tick is
 * (re)scheduled at `plan.nextAt`, or removed when nothing more will happen.
 */
export async function escalateIncident(ctx: ServerContext, incidentId: string): Promise<EscalationOutcome> {
  return ctx.store.transaction(async (tx) => {
    let record = await tx.ops.incidents.getForUpdate(incidentId);
    if (!record) {
      await tx.notify.jobs.cancel(tickKey(incidentId));
      return { state: 'missing', pages: 0, deliveries: 0 };
    }
    if (record.silenced) {
      await tx.notify.jobs.cancel(tickKey(incidentId));
      return { state: 'silenced', pages: 0, deliveries: 0 };
    }
    const { policy, directory } = await tx.oncall.escalationContext(record.serviceId);
    if (!policy || policy.steps.length === 0) {
      await tx.notify.jobs.cancel(tickKey(incidentId));
      return { state: 'no-policy', pages: 0, deliveries: 0 };
    }
    const now = ctx.clock.now();
    let plan = planEscalation(policy, await engineIncident(tx, record), now, directory);
    const unack = plan.events.find((e) => e.type === 'unacknowledge');
    if (unack) {
      record = await applyIncidentAction(
        ctx,
        incidentId,
        { type: 'unacknowledge', reason: unack.reason },
        'system',
        tx,
      );
      plan = planEscalation(policy, await engineIncident(tx, record), now, directory);
    }
    let pages = 0;
    let deliveries = 0;
    const nowIso = now.toISOString();
    for (const e of plan.events) {
      if (e.type !== 'page') continue;
      await tx.ops.timeline.append(incidentId, {
        at: e.at,
        kind: 'page',
        key: e.key,
        round: e.round,
        step: e.step,
        users: e.users,
        target: e.target,
        ...(e.skipped && { skipped: e.skipped }),
      });
      pages++;
      const channels = await tx.notify.channels.ofUsers(e.users);
      for (const userId of e.users) {
        for (const channel of channels.filter((c) => c.userId === userId)) {
          await queueDelivery(tx, channel, { incidentId, event: 'page', userId, runAt: nowIso });
          deliveries++;
        }
      }
    }
    if (plan.nextAt) {
      await tx.notify.jobs.enqueue(
        { kind: ESCALATION_TICK_JOB, runAt: plan.nextAt, payload: { incidentId }, key: tickKey(incidentId) },
        { replace: true },
      );
    } else {
      await tx.notify.jobs.cancel(tickKey(incidentId));
    }
    return {
      state: plan.state,
      pages,
      deliveries,
      ...(plan.nextAt !== undefined && { nextAt: plan.nextAt }),
    };
  });
}

/** Tells the service-wide channels of an incident's service (opened, reopened, resolved). */
async function notifyService(
  ctx: ServerContext,
  incidentId: string,
  event: 'page' | 'resolved',
): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    const incident = await tx.ops.incidents.get(incidentId);
    if (!incident || incident.silenced) return;
    const channels = await tx.notify.channels.ofService(incident.serviceId);
    const runAt = ctx.clock.now().toISOString();
    for (const c of channels) await queueDelivery(tx, c, { incidentId, event, userId: null, runAt });
  });
}

/**
 * `incident.changed` (enqueued by the ops context in the transaction of every open, ack, unack,
 * resolve and reopen): runs escalation now (which also stops it on ack/resolve and schedules the
 * ack-timeout re-page), and tells the service's channels of openings and resolutions.
 */
export async function handleIncidentChanged(job: JobRun, ctx: ServerContext): Promise<void> {
  const { incidentId, change } = job.payload as IncidentChangedPayload;
  await escalateIncident(ctx, incidentId);
  // Service channels are told once per job; a retry after this point could tell them twice,
  // which is why the queueing happens last and in its own transaction.
  if (change === 'opened' || change === 'reopened') await notifyService(ctx, incidentId, 'page');
  if (change === 'resolved') await notifyService(ctx, incidentId, 'resolved');
}

/** `escalation.tick`: the next escalation step (or ack timeout) of one incident is due. */
export async function handleEscalationTick(job: JobRun, ctx: ServerContext): Promise<void> {
  const { incidentId } = job.payload as EscalationTickPayload;
  await escalateIncident(ctx, incidentId);
}
