import { OpsdeckError } from '../../core/errors.js';
import type { Severity } from '../../ops/alert.js';
import { applyIncidentEvent } from '../../ops/incident.js';
import type { Incident, IncidentEvent } from '../../ops/incident.js';
import type { IncidentPatch, IncidentRecord } from '../../store/ops/index.js';
import type { TransactionStore } from '../../store/index.js';
import type { ServerContext } from '../context.js';

export type IncidentAction =
  | { type: 'acknowledge' }
  | { type: 'resolve'; reason?: string }
  | { type: 'reopen'; reason?: string }
  | { type: 'note'; text: string }
  | { type: 'reassign'; to: string }
  | { type: 'severity'; severity: Severity }
  /** System only: the acknowledgement timed out, page again. */
  | { type: 'unacknowledge'; reason: string };

export type Actor = { userId: string; username: string } | 'system';

/** The `incident.changed` job's `change` for the actions that start or stop escalation. */
export type IncidentChange = 'opened' | 'acknowledged' | 'unacknowledged' | 'resolved' | 'reopened';

const CHANGE_OF: Partial<Record<IncidentAction['type'], IncidentChange>> = {
  acknowledge: 'acknowledged',
  unacknowledge: 'unacknowledged',
  resolve: 'resolved',
  reopen: 'reopened',
};

/** Enqueues the `incident.changed` job (H3 starts/stops escalation and notifies on it). */
export async function enqueueIncidentChanged(
  tx: TransactionStore,
  incidentId: string,
  change: IncidentChange,
  at: string,
): Promise<void> {
  await tx.notify.jobs.enqueue({ kind: 'incident.changed', runAt: at, payload: { incidentId, change } });
}

function toEngine(r: IncidentRecord): Incident {
  return {
    id: r.id,
    serviceId: r.serviceId,
    title: r.title,
    severity: r.severity,
    status: r.status,
    ...(r.assigneeId !== undefined && { assignee: r.assigneeId }),
    createdAt: r.createdAt,
    timeline: [],
  };
}

function eventOf(action: IncidentAction, at: string, by: string): IncidentEvent {
  switch (action.type) {
    case 'acknowledge':
      return { type: 'acknowledge', at, by };
    case 'resolve':
      return { type: 'resolve', at, by, ...(action.reason !== undefined && { reason: action.reason }) };
    case 'reopen':
      return { type: 'reopen', at, by, ...(action.reason !== undefined && { reason: action.reason }) };
    case 'note':
      return { type: 'note', at, by, text: action.text };
    case 'reassign':
      return { type: 'reassign', at, by, to: action.to };
    case 'severity':
      return { type: 'severity', at, by, severity: action.severity };
    case 'unacknowledge':
      return { type: 'unacknowledge', at, reason: action.reason };
  }
}

function summaryOf(action: IncidentAction, incident: IncidentRecord): string {
  const n = `incident #${incident.number}`;
  switch (action.type) {
    case 'acknowledge':
      return `acknowledged ${n}`;
    case 'resolve':
      return `resolved ${n}${action.reason ? `: ${action.reason}` : ''}`;
    case 'reopen':
      return `reopened ${n}${action.reason ? `: ${action.reason}` : ''}`;
    case 'note':
      return `added a note to ${n}`;
    case 'reassign':
      return `reassigned ${n} to user ${action.to}`;
    case 'severity':
      return `set the severity of ${n} to ${action.severity}`;
    case 'unacknowledge':
      return `acknowledgement of ${n} timed out`;
  }
}

/**
 * Applies one action to an incident: validates the transition (src/ops/incident.ts; 409
 * OPSDECK_E_CONFLICT when the status does not allow it), then writes the incident, its timeline
 * entries, the audit entry (user actors) and the `incident.changed` job in one transaction (the
 * given `tx`, or a new one). Used by the incident API, signed links and the escalation runner.
 * @throws OpsdeckError OPSDECK_E_NOT_FOUND, OPSDECK_E_CONFLICT, OPSDECK_E_VALIDATION
 */
export async function applyIncidentAction(
  ctx: Pick<ServerContext, 'store' | 'clock'>,
  incidentId: string,
  action: IncidentAction,
  actor: Actor,
  tx?: TransactionStore,
): Promise<IncidentRecord> {
  const run = async (t: TransactionStore): Promise<IncidentRecord> => {
    const before = await t.ops.incidents.getForUpdate(incidentId);
    if (!before) {
      throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No incident with id ${incidentId}`, [
        { path: '/params/id', message: 'no such incident' },
      ]);
    }
    if (action.type === 'unacknowledge' && actor !== 'system') {
      throw new OpsdeckError('OPSDECK_E_FORBIDDEN', 'Only the system un-acknowledges an incident');
    }
    if (action.type === 'reassign') {
      const user = await t.users.getById(action.to);
      if (!user || user.disabled) {
        throw new OpsdeckError('OPSDECK_E_VALIDATION', `No active user with id ${action.to}`, [
          { path: '/body/userId', message: 'no such active user' },
        ]);
      }
    }
    const at = ctx.clock.now().toISOString();
    const by = actor === 'system' ? 'system' : actor.userId;
    const r = applyIncidentEvent(toEngine(before), eventOf(action, at, by));
    if (!r.ok) {
      throw new OpsdeckError(
        'OPSDECK_E_CONFLICT',
        `Incident #${before.number} is ${before.status}: cannot ${action.type}`,
        [{ path: '/status', message: `is ${before.status}` }],
      );
    }
    const next = r.value;
    const patch: IncidentPatch = {};
    if (next.status !== before.status) patch.status = next.status;
    if (next.severity !== before.severity) patch.severity = next.severity;
    if (next.assignee !== undefined && next.assignee !== before.assigneeId) patch.assigneeId = next.assignee;
    if (action.type === 'acknowledge') patch.acknowledgedAt = at;
    if (action.type === 'resolve') patch.resolvedAt = at;
    if (action.type === 'reopen') {
      patch.clearResolvedAt = true;
      patch.clearAcknowledgedAt = true;
    }
    if (action.type === 'unacknowledge') patch.clearAcknowledgedAt = true;
    const after = await t.ops.incidents.update(incidentId, patch);
    // The incident's alert group follows a person's resolve or reopen (the processor's own
    // resolve happens when the group resolves).
    if (actor !== 'system' && (action.type === 'resolve' || action.type === 'reopen'))
      await t.ops.processor.setIncidentGroupOpen(incidentId, action.type === 'reopen', at);
    for (const entry of next.timeline) await t.ops.timeline.append(incidentId, entry);
    if (actor !== 'system') {
      await t.audit.append({
        actor: `user:${actor.username}`,
        action: `incident.${action.type}`,
        target: `incident:${incidentId}`,
        summary: summaryOf(action, before),
        before: { status: before.status, severity: before.severity, assigneeId: before.assigneeId ?? null },
        after: {
          status: after.status,
          severity: after.severity,
          assigneeId: after.assigneeId ?? null,
          ...(action.type === 'note' && { note: action.text }),
          ...((action.type === 'resolve' || action.type === 'reopen') &&
            action.reason !== undefined && { reason: action.reason }),
        },
      });
    }
    const change = CHANGE_OF[action.type];
    if (change !== undefined) {
      await enqueueIncidentChanged(t, incidentId, change, at);
    }
    return after;
  };
  return tx ? run(tx) : ctx.store.transaction(run);
}
