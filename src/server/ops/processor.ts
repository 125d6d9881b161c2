import type { Alert } from '../../ops/alert.js';
import { expireAlerts, groupKeyOf, type GroupingState } from '../../ops/grouping.js';
import { processBatch, type OpsCommand } from '../../ops/pipeline.js';
import { route, type RoutingConfig, type Service } from '../../ops/routing.js';
import type { Silence } from '../../ops/silences.js';
import type { TransactionStore } from '../../store/index.js';
import type { TimelineEntry } from '../../ops/incident.js';
import { normalizers } from '../../ops/sources/index.js';
import { isTransientDatabaseError } from '../../store/dialect.js';
import {
  deadLetterBody,
  type GroupRow,
  type InboxItem,
  type PlannedAlert,
  type RecordOutcome,
  type TrackedRow,
} from '../../store/ops/index.js';
import type { ServerContext } from '../context.js';

/** What the incident processor uses of the server: it also runs in its own thread (./processor-thread.ts). */
export type ProcessorContext = Pick<ServerContext, 'store' | 'clock'>;
import { applyIncidentAction, enqueueIncidentChanged } from './incident-actions.js';

/** The longest pause the processor makes for busy ingestion between two transactions. */
const MAX_YIELD_MS = 250;

/**
 * Work per processor transaction: inbox batches, and alerts in them (the first batch is taken
 * whatever its size). Every transaction costs a dozen fixed statements (configuration, state,
 * figures) and writes the pages of every group and incident its alerts touch, so many small
 * batches go in one. While ingestion is busy the processor takes up to 400 alerts a transaction
 * and then pauses 9 times as long as the transaction took (BUSY_YIELD_FACTOR): a transaction
 * holds SQLite's one write lock from ingest requests, which must commit before answering (and,
 * when the processor runs in the request thread because its own thread could not start, the
 * event loop: a busy transaction of 400 single alerts took about 30 ms in bench:ingest).
 *
 * Measured in bench:ingest (stop 14, single-alert requests, interleaved runs; "processed" is what
 * the processor got through during the 8 s flood). On SQLite, 40 alerts and a pause of 3 times:
 * 0.52-0.56x Alertmanager (9,400-10,200 processed); 400 alerts and 9 times: 0.66-0.74x
 * (11,400-11,800). A transaction of 400 alerts spreads its page writes over ten times the alerts
 * (about 75 µs of lock time per alert against 180 µs at 40), so the processor gets through more
 * in a tenth of the time instead of a quarter. 400 with a pause of 3 times: 0.52-0.55x; 40 with
 * 9 times: 0.73-0.74x but only 3,800 processed. 50-alert batches: 3.19-3.65x, p99 26-27 ms
 * (2.51-2.60x, 19-23 ms before). PostgreSQL, where the processor does not hold ingestion's lock:
 * single alerts unchanged (0.44-0.49x against 0.43-0.51x).
 * Earlier, with a pause of 3 times: 200 alerts gave 50-alert batches p99 52-64 ms, 40 gave
 * 48-50 ms. With ingestion idle, a backlog is worked off in larger ones (200 a transaction left
 * 331 of 1,387 batches after 30 s on PostgreSQL, 1,000 drained it in 12 s).
 */
const PER_TRANSACTION = {
  busy: { batches: 1000, alerts: 400 },
  idle: { batches: 1000, alerts: 1000 },
} as const;

/** The pause after a transaction while ingestion is busy, as a multiple of its time (PER_TRANSACTION). */
export const BUSY_YIELD_FACTOR = 9;

interface PipelineConfig {
  routing: RoutingConfig;
  services: Record<string, Service>;
  silences: Silence[];
}

/** The grouping state of the alerts and groups a unit of work touches, plus what the store keeps beside it. */
interface WorkState {
  state: GroupingState;
  alertMeta: Map<string, { serviceId: string; silencedBy: string | null; incidentId: string | null }>;
  groupMeta: Map<string, { serviceId: string; incidentId: string | null }>;
  /** What is stored of each loaded group (saveGroups writes only new members). */
  groupStored: Map<string, NonNullable<GroupRow['stored']>>;
  /** Alerts whose processor state must be written back. */
  dirtyAlerts: Set<string>;
  dirtyGroups: Set<string>;
  touchedIncidents: Set<string>;
  /** Attachments and their timeline entries not written yet (one multi-row statement each). */
  pendingAttach: { incidentId: string; dedupKey: string; at: string }[];
  pendingTimeline: { incidentId: string; entry: TimelineEntry }[];
  /** Alerts newly attached per incident (the figures are updated by them)... */
  addedAlerts: Map<string, { labels: Record<string, string>; firing: boolean }[]>;
  /** ...unless an alert already attached changed: then the figures are recomputed from all. */
  fullRefresh: Set<string>;
  /** Incidents a firing alert that no silence matches joined, with when (see pageUnsilenced). */
  unsilencedFiring: Map<string, string>;
}

/**
 * Loads the tracked alerts of `dedupKeys`, their groups and the groups of `extraGroupKeys`.
 * Every member of a group is loaded only for the groups `membersOf` names (a group resolves only
 * when all its members are resolved, so only a group receiving a resolve needs them): loading
 * all members of every touched group made each transaction O(group size).
 */
async function loadState(
  tx: TransactionStore,
  dedupKeys: readonly string[],
  extraGroupKeys: readonly string[],
  membersOf: 'all' | ((tracked: ReadonlyMap<string, TrackedRow>) => string[]),
): Promise<WorkState> {
  const w: WorkState = {
    state: { alerts: {}, groups: {} },
    alertMeta: new Map(),
    groupMeta: new Map(),
    groupStored: new Map(),
    dirtyAlerts: new Set(),
    dirtyGroups: new Set(),
    touchedIncidents: new Set(),
    pendingAttach: [],
    pendingTimeline: [],
    addedAlerts: new Map(),
    fullRefresh: new Set(),
    unsilencedFiring: new Map(),
  };
  const add = (rows: readonly TrackedRow[]): void => {
    for (const r of rows) {
      w.state.alerts[r.tracked.dedupKey] = r.tracked;
      w.alertMeta.set(r.tracked.dedupKey, {
        serviceId: r.serviceId,
        silencedBy: r.silencedBy,
        incidentId: r.incidentId,
      });
    }
  };
  const tracked = await tx.ops.processor.tracked(dedupKeys);
  add(tracked);
  const groupKeys = [...new Set([...tracked.map((r) => r.tracked.groupKey), ...extraGroupKeys])];
  const groups: GroupRow[] = await tx.ops.processor.groups(groupKeys);
  for (const g of groups) {
    w.state.groups[g.group.key] = g.group;
    w.groupMeta.set(g.group.key, { serviceId: g.serviceId, incidentId: g.incidentId });
    if (g.stored) w.groupStored.set(g.group.key, g.stored);
  }
  const memberGroups = [
    ...new Set(
      membersOf === 'all'
        ? groupKeys
        : membersOf(new Map(tracked.map((r) => [r.tracked.dedupKey, r]))).filter((k) => w.state.groups[k]),
    ),
  ];
  if (memberGroups.length > 0) {
    const members = await tx.ops.processor.members(memberGroups);
    for (const key of memberGroups) {
      const group = w.state.groups[key];
      if (!group) continue;
      const keys = members.get(key) ?? [];
      group.alertKeys = keys;
      w.groupStored.set(key, { episode: group.episode, members: new Set(keys) });
    }
  }
  if (memberGroups.length > 0)
    add(
      (await tx.ops.processor.trackedInGroups(memberGroups)).filter(
        (r) => !w.state.alerts[r.tracked.dedupKey],
      ),
    );
  return w;
}

/** Writes the buffered attachments and timeline entries (before anything else appends to a timeline). */
async function flushAttachments(tx: TransactionStore, w: WorkState): Promise<void> {
  if (w.pendingAttach.length > 0) await tx.ops.incidents.attachAlerts(w.pendingAttach.splice(0));
  if (w.pendingTimeline.length > 0) await tx.ops.timeline.appendMany(w.pendingTimeline.splice(0));
}

async function applyCommands(
  ctx: ProcessorContext,
  tx: TransactionStore,
  w: WorkState,
  commands: readonly OpsCommand[],
): Promise<void> {
  for (const c of commands) {
    if (c.type !== 'attach-alert' && c.type !== 'flag-flapping') await flushAttachments(tx, w);
    switch (c.type) {
      case 'open-incident': {
        const incident = await tx.ops.incidents.create({
          serviceId: c.serviceId,
          title: c.title,
          severity: c.severity,
          groupKey: c.groupKey,
          episode: c.episode,
          createdAt: c.at,
          silenced: c.silenced,
        });
        await tx.ops.timeline.append(incident.id, {
          at: c.at,
          kind: 'status',
          from: null,
          to: 'triggered',
          by: 'system',
          ...(c.silenced && { reason: 'silenced: recorded without paging' }),
        });
        w.groupMeta.set(c.groupKey, { serviceId: c.serviceId, incidentId: incident.id });
        w.dirtyGroups.add(c.groupKey);
        w.touchedIncidents.add(incident.id);
        if (!c.silenced) await enqueueIncidentChanged(tx, incident.id, 'opened', c.at);
        break;
      }
      case 'attach-alert': {
        const incidentId = w.groupMeta.get(c.groupKey)?.incidentId ?? null;
        const meta = w.alertMeta.get(c.dedupKey);
        const attachedBefore = meta?.incidentId === incidentId;
        if (meta) meta.incidentId = incidentId;
        if (incidentId === null) break;
        w.pendingAttach.push({ incidentId, dedupKey: c.dedupKey, at: c.at });
        w.pendingTimeline.push({
          incidentId,
          entry: { at: c.at, kind: 'alert', dedupKey: c.dedupKey, status: c.status, summary: c.summary },
        });
        const labels = w.state.alerts[c.dedupKey]?.alert.labels;
        if (attachedBefore || !labels) w.fullRefresh.add(incidentId);
        else
          w.addedAlerts.set(incidentId, [
            ...(w.addedAlerts.get(incidentId) ?? []),
            { labels, firing: c.status === 'firing' },
          ]);
        w.touchedIncidents.add(incidentId);
        if (c.status === 'firing' && !c.silenced && !w.unsilencedFiring.has(incidentId))
          w.unsilencedFiring.set(incidentId, c.at);
        break;
      }
      case 'resolve-incident': {
        const incidentId = w.groupMeta.get(c.groupKey)?.incidentId;
        if (!incidentId) break;
        const incident = await tx.ops.incidents.get(incidentId);
        if (!incident || incident.status === 'resolved') break;
        await tx.ops.incidents.update(incidentId, { status: 'resolved', resolvedAt: c.at });
        await tx.ops.timeline.append(incidentId, {
          at: c.at,
          kind: 'status',
          from: incident.status,
          to: 'resolved',
          by: 'system',
          reason:
            c.reason === 'timeout' ? 'alerts not seen within the resolve timeout' : 'all alerts resolved',
        });
        await enqueueIncidentChanged(tx, incidentId, 'resolved', c.at);
        w.touchedIncidents.add(incidentId);
        break;
      }
      case 'acknowledge-alert': {
        const incidentId = w.alertMeta.get(c.dedupKey)?.incidentId;
        if (!incidentId) break;
        const incident = await tx.ops.incidents.get(incidentId);
        if (incident?.status === 'triggered')
          await applyIncidentAction(ctx, incidentId, { type: 'acknowledge' }, 'system', tx);
        break;
      }
      case 'flag-flapping':
        // The flag is part of the tracked alert written back below.
        w.dirtyAlerts.add(c.dedupKey);
        break;
    }
  }
}

/**
 * Writes what a unit of work changed. `planned`: the alerts its requests recorded (their content
 * and receipts), written in the same statement as their processor state, so each alert row is
 * written once per transaction (recording, then writing the state back, wrote it twice: on
 * PostgreSQL a fifth of the processor's time).
 */
async function saveState(
  tx: TransactionStore,
  w: WorkState,
  planned: readonly PlannedAlert[] = [],
): Promise<void> {
  await flushAttachments(tx, w);
  const rows: TrackedRow[] = [];
  for (const key of w.dirtyAlerts) {
    const tracked = w.state.alerts[key];
    const meta = w.alertMeta.get(key);
    if (!tracked || !meta) continue;
    rows.push({ tracked, ...meta });
  }
  await tx.ops.processor.writeAlerts(planned, rows);
  const groups: GroupRow[] = [];
  for (const key of w.dirtyGroups) {
    const group = w.state.groups[key];
    const meta = w.groupMeta.get(key);
    if (!group || !meta) continue;
    const stored = w.groupStored.get(key);
    groups.push({ group, ...meta, ...(stored && { stored }) });
  }
  await tx.ops.processor.saveGroups(groups);
  await tx.ops.incidents.refreshAlertFiguresMany(
    [...w.touchedIncidents].map((id) =>
      w.fullRefresh.has(id) ? { incidentId: id } : { incidentId: id, added: w.addedAlerts.get(id) ?? [] },
    ),
  );
}

/**
 * A batch is the source's view of a group at one instant (Alertmanager sends the whole group):
 * feeding its resolved alerts before its firing ones would resolve the group and open a new
 * episode inside one notification. Firing alerts go first unless a dedup key repeats in the batch
 * (then the sender's order is the meaning).
 */
function firingFirst(alerts: readonly Alert[]): Alert[] {
  if (new Set(alerts.map((a) => a.dedupKey)).size !== alerts.length) return [...alerts];
  return [...alerts.filter((a) => a.status === 'firing'), ...alerts.filter((a) => a.status !== 'firing')];
}

/**
 * Turns accepted requests into what the pipeline works on: a staged body is normalized again (the
 * same normalizer, body, headers and receipt time as at the request, so the same alerts; one that
 * fails now, after a code change, is kept as a dead letter and skipped), and the alerts of every
 * request not recorded yet are planned for recording (deduplicated against ops_alerts and each
 * other, in order), leaving only the new or changed ones to process (duplicates are counted, not
 * processed again). `planned` is written by saveState, with the processor state, in the same
 * transaction.
 */
async function recordItems(
  tx: TransactionStore,
  items: readonly InboxItem[],
): Promise<{ items: InboxItem[]; outcomes: RecordOutcome[]; planned: PlannedAlert[] }> {
  const ready: InboxItem[] = [];
  for (const item of items) {
    if (!item.body) {
      ready.push(item);
      continue;
    }
    const r = normalizers[item.source](item.body.text, item.body.headers, { receivedAt: item.receivedAt });
    if (!r.ok) {
      await tx.ops.deadLetters.add({
        integrationId: item.integrationId,
        receivedAt: item.receivedAt,
        contentType: null,
        ...deadLetterBody(item.body.text),
        errorCode: r.error.code,
        path: r.error.path,
        message: `accepted, then rejected by the processor: ${r.error.message}`,
      });
      continue;
    }
    ready.push({ ...item, alerts: r.value.alerts, acknowledgements: r.value.acknowledgements });
  }
  const toRecord = ready.filter((i) => i.record);
  if (toRecord.length === 0) return { items: ready, outcomes: [], planned: [] };
  const { changed, outcomes, alerts: planned } = await tx.ops.processor.planRecord(toRecord);
  const changedOf = new Map(toRecord.map((item, i) => [item, changed[i]!]));
  return {
    items: ready.map((item) => {
      const alerts = changedOf.get(item);
      return alerts ? { ...item, alerts, record: false } : item;
    }),
    outcomes,
    planned,
  };
}

async function processItems(
  ctx: ProcessorContext,
  tx: TransactionStore,
  items: readonly InboxItem[],
  config: PipelineConfig,
  planned: readonly PlannedAlert[] = [],
): Promise<void> {
  const all: Alert[] = items.flatMap((i) => i.alerts);
  const dedupKeys = [...all.map((a) => a.dedupKey), ...items.flatMap((i) => i.acknowledgements)];
  // Group keys of alerts seen for the first time (their group may exist already).
  const newGroupKeys = all.map((a) => {
    const serviceId = route(config.routing, a).serviceId;
    const groupBy = config.services[serviceId]?.groupBy;
    return groupKeyOf(a, { scope: serviceId, ...(groupBy && { groupBy }) });
  });
  // Group members are needed only where an alert resolves (its group may resolve).
  const w = await loadState(tx, dedupKeys, newGroupKeys, (tracked) =>
    all.flatMap((a, i) =>
      a.status === 'firing' ? [] : [tracked.get(a.dedupKey)?.tracked.groupKey ?? newGroupKeys[i]!],
    ),
  );
  for (const item of items) {
    const out = processBatch({
      state: w.state,
      batch: {
        source: item.source,
        alerts: firingFirst(item.alerts),
        acknowledgements: item.acknowledgements,
        truncatedAlerts: 0,
      },
      now: new Date(item.receivedAt),
      routing: config.routing,
      services: config.services,
      silences: config.silences,
      // w.state is this transaction's own: updated in place, not copied per batch.
      inPlace: true,
    });
    w.state = out.state;
    for (const d of out.decisions) {
      const prev = w.alertMeta.get(d.dedupKey);
      w.alertMeta.set(d.dedupKey, {
        serviceId: prev?.serviceId || d.serviceId,
        silencedBy: d.silencedBy ?? null,
        incidentId: prev?.incidentId ?? null,
      });
      w.dirtyAlerts.add(d.dedupKey);
    }
    for (const e of out.events) {
      if ('groupKey' in e && w.state.groups[e.groupKey]) {
        w.dirtyGroups.add(e.groupKey);
        if (!w.groupMeta.has(e.groupKey)) {
          const d = out.decisions.find((x) => x.groupKey === e.groupKey);
          w.groupMeta.set(e.groupKey, {
            serviceId: d?.serviceId ?? config.routing.defaultServiceId,
            incidentId: null,
          });
        }
      }
    }
    await applyCommands(ctx, tx, w, out.commands);
  }
  await pageUnsilenced(tx, w);
  await saveState(tx, w, planned);
}

/**
 * A silenced incident (opened by a silenced alert: recorded, not paged) that a firing alert no
 * silence matches joined is silenced no more: it pages as an incident opening does (unless
 * someone acknowledged it already), with a timeline entry saying why. One query per transaction,
 * for the incidents such alerts joined.
 */
async function pageUnsilenced(tx: TransactionStore, w: WorkState): Promise<void> {
  if (w.unsilencedFiring.size === 0) return;
  await flushAttachments(tx, w);
  for (const incident of await tx.ops.incidents.silencedAmong([...w.unsilencedFiring.keys()])) {
    const at = w.unsilencedFiring.get(incident.id)!;
    await tx.ops.incidents.update(incident.id, { silenced: false });
    await tx.ops.timeline.append(incident.id, {
      at,
      kind: 'note',
      by: 'system',
      text:
        incident.status === 'triggered'
          ? 'an alert that no silence matches joined: paging'
          : 'an alert that no silence matches joined: no longer silenced',
    });
    if (incident.status === 'triggered') await enqueueIncidentChanged(tx, incident.id, 'opened', at);
  }
  w.unsilencedFiring.clear();
}

/**
 * Processes the ingest inbox in order: each accepted request is recorded in ops_alerts
 * (deduplicated: see recordItems), and its new or changed alerts go through routing, silences and
 * grouping (src/ops/pipeline.ts) with the on-call configuration, and the resulting commands open,
 * attach to and resolve incidents (with timeline entries and `incident.changed` jobs). One
 * processor at a time: a PostgreSQL advisory lock (another replica holding it makes this return
 * 0), SQLite's write lock. Batches are removed from the inbox in the transaction that applies
 * them. Returns the number of batches processed.
 */
export async function processInbox(
  ctx: ProcessorContext,
  opts: {
    maxBatches?: number;
    shouldStop?: () => boolean;
    /**
     * True while ingestion is busy: the processor then pauses 9 times as long as its last
     * transaction took (at most 250 ms) before the next, so accepting alerts keeps about nine
     * tenths of the time under a flood and the backlog is worked off when it ends.
     */
    ingestBusy?: () => boolean;
    /** The pause while ingestion is busy, as a multiple of the last transaction's time (default BUSY_YIELD_FACTOR). */
    yieldFactor?: number;
    /** Called after each committed transaction with what recording its requests found. */
    onRecorded?: (outcomes: readonly RecordOutcome[]) => void;
    /** Called when a request that failed processing twice on its own is set aside (see below). */
    onSetAside?: (item: InboxItem, error: unknown) => void;
  } = {},
): Promise<number> {
  const max = opts.maxBatches ?? Number.POSITIVE_INFINITY;
  let done = 0;
  // After a transaction failed on the statements' data: requests taken one per transaction, as
  // many as it held, so the one that fails does so alone.
  let alone = 0;
  let failedAlone = 0;
  // A second request is set aside only after one succeeded since the first: when everything
  // fails (a fault that is not one request's), the pass stops and is retried instead of turning
  // the inbox into dead letters, one request per pass at most.
  let succeededSinceSetAside = true;
  // shouldStop: a stopping server leaves the rest of the inbox (durable) to the next start.
  while (done < max && !opts.shouldStop?.()) {
    const started = performance.now();
    let recorded: RecordOutcome[] = [];
    let taking: InboxItem[] = [];
    let n: number;
    try {
      n = await ctx.store.transaction(async (tx) => {
        if (!(await tx.ops.processor.tryLock())) return -1;
        const limits = PER_TRANSACTION[opts.ingestBusy?.() ? 'busy' : 'idle'];
        const taken =
          alone > 0
            ? await tx.ops.inbox.take(1)
            : await tx.ops.inbox.take(Math.min(limits.batches, max - done), limits.alerts);
        taking = taken;
        if (taken.length === 0) return 0;
        const config = await tx.oncall.pipelineConfig();
        const { items, outcomes, planned } = await recordItems(tx, taken);
        recorded = outcomes;
        await processItems(ctx, tx, items, config, planned);
        await tx.ops.inbox.remove(taken);
        return taken.length;
      });
    } catch (error) {
      // A lost connection or lock race is retried later as it is (the inbox loop logs it). An
      // error on the data (PostgreSQL refusing a value, a constraint, a bug on an odd alert) would
      // fail the same way on every retry and hold up the whole inbox behind one request.
      if (isTransientDatabaseError(error) || taking.length === 0) throw error;
      if (taking.length > 1) {
        alone = taking.length;
        continue;
      }
      // Alone: once more (a fault that passes), then the request is set aside as a dead letter.
      if (++failedAlone < 2) continue;
      failedAlone = 0;
      if (!succeededSinceSetAside) throw error;
      succeededSinceSetAside = false;
      await setAside(ctx, taking[0]!, error);
      opts.onSetAside?.(taking[0]!, error);
      alone = Math.max(0, alone - 1);
      done += 1;
      continue;
    }
    failedAlone = 0;
    if (n > 0) succeededSinceSetAside = true;
    if (n > 0 && alone > 0) alone -= 1;
    if (n <= 0) break;
    if (recorded.length > 0) opts.onRecorded?.(recorded);
    done += n;
    // Let requests waiting on the event loop (and their commits) in before the next transaction.
    if (opts.ingestBusy?.()) {
      const pause = Math.min(
        (opts.yieldFactor ?? BUSY_YIELD_FACTOR) * (performance.now() - started),
        MAX_YIELD_MS,
      );
      await new Promise((resolve) => setTimeout(resolve, pause));
    } else await new Promise((resolve) => setImmediate(resolve));
  }
  return done;
}

/**
 * Sets aside a request that failed processing twice on its own: kept as a dead letter (its body,
 * or its alerts for a request accepted before migration 0010) with the error, and removed from
 * the inbox, in one transaction, so the requests behind it are processed. Does nothing when the
 * request is no longer first in the inbox.
 */
async function setAside(ctx: ProcessorContext, item: InboxItem, error: unknown): Promise<void> {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = `${error instanceof Error ? error.message : String(error)}${typeof code === 'string' ? ` (${code})` : ''}`;
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.ops.processor.tryLock())) return;
    const [head] = await tx.ops.inbox.take(1);
    if (head?.seq !== item.seq || head.inFile !== item.inFile) return;
    const body =
      item.body?.text ?? JSON.stringify({ alerts: item.alerts, acknowledgements: item.acknowledgements });
    await tx.ops.deadLetters.add({
      integrationId: item.integrationId,
      receivedAt: item.receivedAt,
      contentType: null,
      ...deadLetterBody(body),
      errorCode: 'OPSDECK_E_INTERNAL',
      path: '',
      message: `accepted, then failed processing twice and set aside: ${reason}`,
    });
    await tx.ops.inbox.remove([item]);
  });
}

/**
 * Resolves firing alerts of integrations with a resolve timeout that were not seen within it
 * (src/ops/grouping.ts expireAlerts), and the incidents whose alerts are then all resolved.
 * Returns the number of alerts timed out.
 */
export async function expireStaleAlerts(ctx: ProcessorContext): Promise<number> {
  return ctx.store.transaction(async (tx) => {
    if (!(await tx.ops.processor.tryLock())) return 0;
    const now = ctx.clock.now();
    const candidates = await tx.ops.processor.expirable();
    const stale = candidates.filter(
      (c) => Date.parse(c.tracked.lastSeen) <= now.getTime() - c.resolveTimeoutMinutes * 60_000,
    );
    if (stale.length === 0) return 0;
    const w = await loadState(
      tx,
      stale.map((s) => s.tracked.dedupKey),
      [],
      'all',
    );
    let count = 0;
    // expireAlerts applies one timeout to the whole state: run it per timeout value over its alerts.
    const byTimeout = new Map<number, string[]>();
    for (const s of stale)
      byTimeout.set(s.resolveTimeoutMinutes, [
        ...(byTimeout.get(s.resolveTimeoutMinutes) ?? []),
        s.tracked.dedupKey,
      ]);
    for (const [minutes, keys] of byTimeout) {
      const subset: GroupingState = {
        alerts: Object.fromEntries(keys.flatMap((k) => (w.state.alerts[k] ? [[k, w.state.alerts[k]]] : []))),
        groups: w.state.groups,
      };
      const out = expireAlerts(subset, now, { resolveTimeoutMinutes: minutes });
      w.state = { alerts: { ...w.state.alerts, ...out.state.alerts }, groups: out.state.groups };
      const at = now.toISOString();
      const commands: OpsCommand[] = [];
      for (const e of out.events) {
        if (e.type === 'alert-timed-out') {
          count++;
          w.dirtyAlerts.add(e.dedupKey);
          w.dirtyGroups.add(e.groupKey);
          const a = w.state.alerts[e.dedupKey];
          await tx.ops.processor.markTimedOut(e.dedupKey, at);
          if (w.state.groups[e.groupKey]?.alertKeys.includes(e.dedupKey)) {
            commands.push({
              type: 'attach-alert',
              groupKey: e.groupKey,
              dedupKey: e.dedupKey,
              status: 'resolved',
              summary: `${a?.alert.summary ?? e.dedupKey} (not seen for ${minutes} min)`,
              at,
              silenced: false,
            });
          }
        } else if (e.type === 'group-resolved') {
          w.dirtyGroups.add(e.groupKey);
          commands.push({
            type: 'resolve-incident',
            groupKey: e.groupKey,
            episode: e.episode,
            reason: e.reason,
            at,
          });
        }
      }
      await applyCommands(ctx, tx, w, commands);
    }
    await saveState(tx, w);
    return count;
  });
}
