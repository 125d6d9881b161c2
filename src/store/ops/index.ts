import { sql, type Kysely, type RawBuilder } from 'kysely';
import { OpsdeckError } from '../../core/errors.js';
import { newId, randomSecret } from '../../core/ids.js';
import { hashSecret } from '../../core/secret-hash.js';
import type { Alert, AlertSource } from '../../ops/alert.js';
import type { AlertGroup, TrackedAlert } from '../../ops/grouping.js';
import type { IncidentStatus, TimelineEntry } from '../../ops/incident.js';
import { iso, withTransaction, type StoreContext } from '../context.js';
import { POSTGRES_PREPARED } from '../dialect.js';
import { isSqliteBusy } from '../inbox-file.js';
import type { Database } from '../schema.js';
import {
  alertOfRow,
  commonLabels,
  contentHash,
  toIncident,
  toIntegration,
  toStoredAlert,
  type IncidentRecord,
  type Integration,
  type StoredAlert,
} from './rows.js';
import type { OpsAlertsTable, OpsIncidentsTable } from './schema.js';

export { commonLabels, contentHash } from './rows.js';
export type { IncidentRecord, Integration, StoredAlert } from './rows.js';

/** The largest `raw` JSON kept per alert; bigger ones are replaced by a marker with their size. */
export const RAW_ALERT_CAP = 64 * 1024;
/** Rows per multi-row statement (SQLite binds at most 32766 parameters). */
const CHUNK = 200;

/** Dead letters keep at most this much of a rejected body. */
export const DEAD_LETTER_BODY_CAP = 256 * 1024;

/** A body as a dead letter keeps it: at most DEAD_LETTER_BODY_CAP bytes, with its full size. */
export function deadLetterBody(text: string): Pick<DeadLetter, 'body' | 'bodyBytes' | 'truncated'> {
  const bytes = Buffer.byteLength(text, 'utf8');
  const truncated = bytes > DEAD_LETTER_BODY_CAP;
  return {
    body: truncated ? Buffer.from(text, 'utf8').subarray(0, DEAD_LETTER_BODY_CAP).toString('utf8') : text,
    bodyBytes: bytes,
    truncated,
  };
}

export interface DeadLetter {
  id: string;
  integrationId: string;
  receivedAt: string;
  contentType: string | null;
  body: string;
  bodyBytes: number;
  truncated: boolean;
  errorCode: string;
  path: string;
  message: string;
}

export interface AcceptOptions {
  /**
   * Also write the integrations' `last_received_at` (once a minute each) before returning
   * (default true). Ingestion passes false and calls `noteReceived` after answering: on SQLite
   * that write waits for the database's write lock, which the incident processor holds for its
   * transactions, and the requests of the group would wait with it.
   */
  noteReceived?: boolean;
}

/** What recording one accepted request in ops_alerts found (counted by the processor). */
export interface RecordOutcome {
  source: AlertSource;
  /** Alerts in the request. */
  accepted: number;
  /** Of those, the ones already stored with the same status, start, end and labels. */
  duplicates: number;
  /** Alerts stored as new or changed (processed into incidents). */
  stored: number;
}

/**
 * An accepted request, as ingestion commits it before its 202: its body as received (the
 * processor normalizes it again), or alerts already normalized (tests, tools).
 */
export type AcceptInput = {
  integrationId: string;
  receivedAt: string;
  source: AlertSource;
} & (
  | {
      body: string;
      /** The headers the source's normalizer reads (CloudWatch: x-amz-sns-message-type). */
      headers?: Readonly<Record<string, string>>;
      /** Alerts plus acknowledgements in the body (its normalization at the request). */
      count: number;
    }
  | { alerts: readonly Alert[]; acknowledgements: readonly string[] }
);

/** An accepted request as the processor reads it from the inbox. */
export interface InboxItem {
  seq: number;
  /** Where the request waits: the SQLite inbox file (src/store/inbox-file.ts), else the ops_inbox table. */
  inFile?: true;
  integrationId: string;
  receivedAt: string;
  source: AlertSource;
  /** A staged request: the body to normalize (then `alerts` and `acknowledgements` are empty). */
  body?: { text: string; headers: Record<string, string> };
  alerts: Alert[];
  acknowledgements: string[];
  /**
   * Whether the alerts still have to be recorded in ops_alerts (every row since migration 0010;
   * rows from before it were recorded at ingest and hold only the new or changed alerts).
   */
  record: boolean;
}

/** Processor state of one alert, written back after a batch. */
export interface TrackedRow {
  tracked: TrackedAlert;
  serviceId: string;
  silencedBy: string | null;
  incidentId: string | null;
}

export interface GroupRow {
  /**
   * The group; `alertKeys` holds the members this unit of work knows: all of them after
   * `processor.members`, otherwise only those added since the group was loaded.
   */
  group: AlertGroup;
  serviceId: string;
  incidentId: string | null;
  /**
   * What is stored of the group as loaded (absent for a group not stored yet): `saveGroups` writes
   * only the members not in `members` (all of them when the episode changed).
   */
  stored?: { episode: number; members: ReadonlySet<string> };
}

export interface IncidentFilter {
  status?: IncidentStatus[];
  serviceId?: string;
  severity?: string[];
  /** Incidents with a number below this (the cursor: newest first). */
  beforeNumber?: number;
  limit: number;
  createdSince?: string;
}

export interface AlertFilter {
  status?: 'firing' | 'resolved';
  serviceId?: string;
  /** Substring of the summary, the dedup key or a label value. */
  q?: string;
  limit: number;
}

export interface NewIncident {
  serviceId: string;
  title: string;
  severity: IncidentRecord['severity'];
  groupKey: string;
  episode: number;
  createdAt: string;
  silenced: boolean;
}

export type IncidentPatch = Partial<
  Pick<IncidentRecord, 'status' | 'severity' | 'assigneeId' | 'acknowledgedAt' | 'resolvedAt' | 'title'>
> & { clearAcknowledgedAt?: boolean; clearResolvedAt?: boolean; silenced?: boolean };

/** The ops store: alerts, ingest inbox, dead letters, integrations, incidents and their timelines. */
export interface OpsStore {
  integrations: {
    /** Creates an integration; the returned `key` is shown once (only its SHA-256 is stored). */
    create(input: {
      name: string;
      source: AlertSource;
      createdBy: string;
      resolveTimeoutMinutes?: number | null;
    }): Promise<{ integration: Integration; key: string }>;
    get(id: string): Promise<Integration | undefined>;
    /** The integration and its key hash (for the ingest verifier). */
    getWithHash(id: string): Promise<{ integration: Integration; keyHash: string } | undefined>;
    findByKey(key: string): Promise<Integration | undefined>;
    list(): Promise<Integration[]>;
    /** @throws OpsdeckError OPSDECK_E_NOT_FOUND */
    update(
      id: string,
      patch: { name?: string; disabled?: boolean; resolveTimeoutMinutes?: number | null },
    ): Promise<Integration>;
    /** @throws OpsdeckError OPSDECK_E_NOT_FOUND */
    rotateKey(id: string): Promise<{ integration: Integration; key: string }>;
    /** Deletes the integration and its dead letters (alerts and incidents stay). */
    delete(id: string): Promise<boolean>;
    recordAuthFailure(id: string): Promise<void>;
    recordSnsSubscription(id: string, value: NonNullable<Integration['snsSubscription']>): Promise<void>;
  };
  deadLetters: {
    add(input: Omit<DeadLetter, 'id'>): Promise<DeadLetter>;
    list(integrationId: string, limit: number): Promise<Omit<DeadLetter, 'body'>[]>;
    get(id: string): Promise<DeadLetter | undefined>;
  };
  /**
   * Commits accepted requests to the inbox, in order, in one transaction (group commit): one row
   * each, nothing else per alert. The processor records and processes them
   * (`processor.planRecord`, then `processor.writeAlerts`), so a 2xx means committed while the
   * request path stays short. On a SQLite database file the inbox is the inbox file
   * (src/store/inbox-file.ts), committed on its own connection: also when called inside a
   * transaction of the store, which does not roll it back (the requests' order in the inbox is
   * what matters; nothing calls it inside one).
   */
  accept(inputs: readonly AcceptInput[], options?: AcceptOptions): Promise<void>;
  /**
   * Writes the integrations' `last_received_at` for accepted requests, at most once a minute per
   * integration (and process): what `accept` does after committing unless told not to.
   */
  noteReceived(inputs: readonly AcceptInput[]): Promise<void>;
  inbox: {
    /**
     * The oldest unprocessed batches, in order: at most `limit`, and no more once they hold
     * `maxAlerts` alerts (the first batch is taken whatever its size).
     */
    take(limit: number, maxAlerts?: number): Promise<InboxItem[]>;
    /**
     * Marks taken requests processed, in the processor's transaction: deletes them from the
     * ops_inbox table, or (inbox file) raises `ops_inbox_progress.processed_seq` to the last; the
     * file's processed requests are pruned by a later `take`.
     */
    remove(items: readonly Pick<InboxItem, 'seq' | 'inFile'>[]): Promise<void>;
    count(): Promise<number>;
  };
  processor: {
    /**
     * Takes the processor lock for the current transaction: PostgreSQL advisory lock (try; false
     * when another replica holds it); SQLite: the transaction already holds the write lock.
     */
    tryLock(): Promise<boolean>;
    /**
     * Records the alerts of accepted requests in ops_alerts, in order: new or changed content
     * replaces the stored state, a resend is a duplicate (it bumps seen_count and the last receipt
     * time). `alerts[i]` are request i's alerts; returns, per request, those stored as new or
     * changed (what the processor works on) and the counts.
     */
    record(requests: readonly RecordRequest[]): Promise<{ changed: Alert[][]; outcomes: RecordOutcome[] }>;
    /**
     * `record` without writing: what it would find and write, given what is stored now. The
     * processor writes `plan.alerts` with their processor state in `writeAlerts` once the pipeline
     * has run, so each row is written once per transaction instead of twice.
     */
    planRecord(requests: readonly RecordRequest[]): Promise<RecordPlan>;
    /**
     * Writes alert rows, one statement per row kind: the planned alerts (content, seen count,
     * receipt times) together with their processor state where `tracked` has it, and the
     * processor state of the other `tracked` alerts (as `saveTracked`).
     */
    writeAlerts(planned: readonly PlannedAlert[], tracked: readonly TrackedRow[]): Promise<void>;
    tracked(dedupKeys: readonly string[]): Promise<TrackedRow[]>;
    /** The tracked alerts that are members of the current episode of these groups. */
    trackedInGroups(groupKeys: readonly string[]): Promise<TrackedRow[]>;
    /** The members (dedup keys) of the current episode of each group. */
    members(groupKeys: readonly string[]): Promise<Map<string, string[]>>;
    /** Firing tracked alerts of integrations with a resolve timeout, with that timeout. */
    expirable(): Promise<(TrackedRow & { resolveTimeoutMinutes: number })[]>;
    saveTracked(rows: readonly TrackedRow[]): Promise<void>;
    /** The groups, with `alertKeys` empty (load members with `members` where needed). */
    groups(keys: readonly string[]): Promise<GroupRow[]>;
    /** Upserts the groups and writes their new members (O(members added), not O(group size)). */
    saveGroups(rows: readonly GroupRow[]): Promise<void>;
    /** A firing alert not seen within its resolve timeout: stored as resolved at `at`. */
    markTimedOut(dedupKey: string, at: string): Promise<void>;
    /**
     * Someone resolved or reopened the incident of a group's current episode: the group closes
     * (a firing alert that arrives after it opens a new episode, i.e. a new incident, instead of
     * joining the resolved one) or opens again. No-op when a later episode has its own incident.
     */
    setIncidentGroupOpen(incidentId: string, open: boolean, at: string): Promise<void>;
  };
  alerts: {
    list(filter: AlertFilter): Promise<StoredAlert[]>;
    get(dedupKey: string): Promise<StoredAlert | undefined>;
  };
  incidents: {
    get(id: string): Promise<IncidentRecord | undefined>;
    /** Those of `ids` that are silenced and not resolved. */
    silencedAmong(ids: readonly string[]): Promise<IncidentRecord[]>;
    /** Locks the incident row for the transaction (PostgreSQL FOR UPDATE) and returns it. */
    getForUpdate(id: string): Promise<IncidentRecord | undefined>;
    /** Newest first. */
    list(filter: IncidentFilter): Promise<IncidentRecord[]>;
    /** Opens an incident with the next number (callers serialise: processor lock). */
    create(input: NewIncident): Promise<IncidentRecord>;
    update(id: string, patch: IncidentPatch): Promise<IncidentRecord>;
    attachAlert(incidentId: string, dedupKey: string, at: string): Promise<void>;
    /** Many attachments in multi-row statements (an attachment already there is kept). */
    attachAlerts(rows: readonly { incidentId: string; dedupKey: string; at: string }[]): Promise<void>;
    /**
     * Recomputes alert_count, firing_count and the common labels from the attached alerts. With
     * `added` (the alerts attached since the last refresh, when no alert attached before changed),
     * the figures are updated by them instead of loading every attached alert: O(added), not
     * O(incident size).
     */
    refreshAlertFigures(
      incidentId: string,
      added?: readonly { labels: Record<string, string>; firing: boolean }[],
    ): Promise<void>;
    /** `refreshAlertFigures` of many incidents: the incremental ones in one SELECT and one UPDATE. */
    refreshAlertFiguresMany(
      items: readonly {
        incidentId: string;
        added?: readonly { labels: Record<string, string>; firing: boolean }[];
      }[],
    ): Promise<void>;
  };
  timeline: {
    append(incidentId: string, entry: TimelineEntry): Promise<void>;
    /** Appends in order, in multi-row statements. */
    appendMany(entries: readonly { incidentId: string; entry: TimelineEntry }[]): Promise<void>;
    list(incidentId: string): Promise<TimelineEntry[]>;
    /** Timelines of many incidents (for metrics). */
    listMany(incidentIds: readonly string[]): Promise<Map<string, TimelineEntry[]>>;
  };
  /** The alerts attached to an incident (current state of each). */
  alertsOf(incidentId: string): Promise<StoredAlert[]>;
}

/** When this process last wrote an integration's last_received_at (ISO), by integration id. */
const lastReceivedWritten = new Map<string, string>();

/** "opsi" as a 32-bit number: the PostgreSQL advisory lock held by the one inbox processor. */
const PROCESSOR_LOCK = 0x6f707369;

function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** A new ingest key: 32 URL-safe characters (the PagerDuty routing_key length). */
export function newIngestKey(): string {
  return randomSecret(24);
}

function notFound(what: string, id: string): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_NOT_FOUND', `No ${what} with id ${id}`, [
    { path: '/params/id', message: `no such ${what}` },
  ]);
}

function rawJson(raw: unknown): string {
  const s = JSON.stringify(raw ?? null);
  return s.length <= RAW_ALERT_CAP ? s : JSON.stringify({ truncated: true, bytes: s.length });
}

/** One accepted request's alerts, as `processor.record` takes them. */
export interface RecordRequest {
  integrationId: string;
  receivedAt: string;
  source: AlertSource;
  alerts: readonly Alert[];
}

/** An alert as recording writes it: its last content in the requests, with its receipt counts. */
export interface PlannedAlert {
  alert: Alert;
  hash: string;
  count: number;
  integrationId: string;
  first: string;
  at: string;
}

/** What recording requests finds and writes. */
export interface RecordPlan {
  /** One row per dedup key (a statement may touch a row once): its last content in the requests. */
  alerts: PlannedAlert[];
  /** Per request, its alerts stored as new or changed (what the processor works on). */
  changed: Alert[][];
  outcomes: RecordOutcome[];
}

/**
 * What recording requests writes, given the content hashes stored now: a repeat of a stored alert
 * (or of one earlier in the requests) is a duplicate, not processed again.
 */
function planFrom(requests: readonly RecordRequest[], existing: ReadonlyMap<string, string>): RecordPlan {
  const last = new Map<string, PlannedAlert>();
  const plan: RecordPlan = { alerts: [], changed: [], outcomes: [] };
  for (const input of requests) {
    const at = input.receivedAt;
    const changed: Alert[] = [];
    let duplicates = 0;
    for (const alert of input.alerts) {
      const hash = contentHash(alert);
      const prev = last.get(alert.dedupKey);
      const known = prev?.hash ?? existing.get(alert.dedupKey);
      if (known === hash) duplicates++;
      else changed.push(alert);
      last.set(alert.dedupKey, {
        alert,
        hash,
        count: (prev?.count ?? 0) + 1,
        integrationId: input.integrationId,
        first: prev?.first ?? at,
        at,
      });
    }
    plan.changed.push(changed);
    plan.outcomes.push({
      source: input.source,
      accepted: input.alerts.length,
      duplicates,
      stored: changed.length,
    });
  }
  plan.alerts = [...last.values()];
  return plan;
}

/** `batch` of a staged body without headers, per source (most requests: built once). */
const plainBatchOf = new Map<string, string>();

/** `batch` of a staged body: its source and the headers its normalizer reads. */
function stagedBatch(source: string, headers: Readonly<Record<string, string>> | undefined): string {
  if (headers !== undefined && Object.keys(headers).length > 0) return JSON.stringify({ source, headers });
  let batch = plainBatchOf.get(source);
  if (batch === undefined) {
    batch = JSON.stringify({ source, headers: {} });
    plainBatchOf.set(source, batch);
  }
  return batch;
}

/** How long an ingest commit waits for the inbox file's lock (held by a prune for a few ms). */
const INBOX_FILE_WAIT_MS = 10_000;
/** Processed requests left in the inbox file before a `take` deletes them (and at idle). */
const INBOX_FILE_PRUNE_EVERY = 2000;

/** The seq of the last request to take: at most `maxAlerts` alerts, but the first whatever its size. */
function lastTaken(
  sizes: readonly { seq: number | string; alert_count: number | string }[],
  maxAlerts: number,
): number | undefined {
  let last: number | undefined;
  let alertCount = 0;
  for (const r of sizes) {
    if (last !== undefined && alertCount >= maxAlerts) break;
    alertCount += Number(r.alert_count);
    last = Number(r.seq);
  }
  return last;
}

/** An inbox row (the ops_inbox table's, or the inbox file's) as the processor reads it. */
function inboxItem(r: {
  seq: number | string;
  integration_id: string;
  received_at: string;
  batch: string;
  body: string | null;
}): InboxItem {
  const b = JSON.parse(r.batch) as {
    source: AlertSource;
    headers?: Record<string, string>;
    alerts?: Alert[];
    acknowledgements?: string[];
    record?: boolean;
  };
  return {
    seq: Number(r.seq),
    integrationId: r.integration_id,
    receivedAt: r.received_at,
    source: b.source,
    ...(r.body !== null && { body: { text: r.body, headers: b.headers ?? {} } }),
    alerts: b.alerts ?? [],
    acknowledgements: b.acknowledgements ?? [],
    record: r.body !== null || b.record === true,
  };
}

/** How far the processor got in the inbox file (`ops_inbox_progress`, migration 0011). */
async function processedSeq(db: Kysely<Database>): Promise<number> {
  const r = await db
    .selectFrom('ops_inbox_progress')
    .select('processed_seq')
    .where('id', '=', 1)
    .executeTakeFirst();
  return Number(r?.processed_seq ?? 0);
}

/** The ops_inbox row of an accepted request. */
function inboxRow(input: AcceptInput): {
  integration_id: string;
  received_at: string;
  batch: string;
  alert_count: number;
  body: string | null;
} {
  const base = { integration_id: input.integrationId, received_at: input.receivedAt };
  if ('body' in input)
    return {
      ...base,
      batch: stagedBatch(input.source, input.headers),
      alert_count: input.count,
      body: input.body,
    };
  return {
    ...base,
    batch: JSON.stringify({
      source: input.source,
      alerts: input.alerts,
      acknowledgements: input.acknowledgements,
      record: true,
    }),
    alert_count: input.alerts.length + input.acknowledgements.length,
    body: null,
  };
}

/** The processor columns of an alert row: its state in grouping, routing and silences. */
function trackedColumns(r: TrackedRow | undefined) {
  return {
    tracked_status: r?.tracked.status ?? null,
    group_key: r?.tracked.groupKey ?? null,
    service_id: r?.serviceId ?? null,
    incident_id: r?.incidentId ?? null,
    silenced_by: r?.silencedBy ?? null,
    flapping: r?.tracked.flapping ? 1 : 0,
    first_seen: r?.tracked.firstSeen ?? null,
    last_seen: r?.tracked.lastSeen ?? null,
    changes: JSON.stringify(r?.tracked.changes ?? []),
  };
}

/**
 * The ops_alerts row of a planned alert: its content and receipts, and its processor state when
 * the pipeline has run on it (empty otherwise: an alert recorded but not processed yet).
 */
function alertRow({ alert: a, hash, count, integrationId, first, at }: PlannedAlert, tracked?: TrackedRow) {
  return {
    dedup_key: a.dedupKey,
    integration_id: integrationId,
    source: a.source,
    fingerprint: a.fingerprint,
    status: a.status,
    severity: a.severity,
    summary: a.summary,
    labels: JSON.stringify(a.labels),
    annotations: JSON.stringify(a.annotations),
    starts_at: a.startsAt,
    ends_at: a.endsAt ?? null,
    source_group_key: a.groupKey ?? null,
    generator_url: a.generatorUrl ?? null,
    content_hash: hash,
    seen_count: count,
    first_received_at: first,
    last_received_at: at,
    raw: rawJson(a.raw),
    ...trackedColumns(tracked),
  };
}

type AlertRow = ReturnType<typeof alertRow>;
type AlertRowColumn = keyof AlertRow;

/** Columns recording writes, with their PostgreSQL types (for json_to_recordset). */
const RECORD_COLUMNS = [
  ['dedup_key', 'text'],
  ['integration_id', 'text'],
  ['source', 'text'],
  ['fingerprint', 'text'],
  ['status', 'text'],
  ['severity', 'text'],
  ['summary', 'text'],
  ['labels', 'text'],
  ['annotations', 'text'],
  ['starts_at', 'text'],
  ['ends_at', 'text'],
  ['source_group_key', 'text'],
  ['generator_url', 'text'],
  ['content_hash', 'text'],
  ['seen_count', 'integer'],
  ['first_received_at', 'text'],
  ['last_received_at', 'text'],
  ['raw', 'text'],
] as const satisfies readonly (readonly [AlertRowColumn, string])[];

/** The processor's columns, written with the content when the pipeline has run on the alert. */
const TRACKED_COLUMNS = [
  ['tracked_status', 'text'],
  ['group_key', 'text'],
  ['service_id', 'text'],
  ['incident_id', 'text'],
  ['silenced_by', 'text'],
  ['flapping', 'integer'],
  ['first_seen', 'text'],
  ['last_seen', 'text'],
  ['changes', 'text'],
] as const satisfies readonly (readonly [AlertRowColumn, string])[];

type ColumnList = readonly (readonly [AlertRowColumn, string])[];

/**
 * An upsert of alert rows: a row already stored takes the new content and receipts (its identity
 * and first receipt stay, seen_count adds up) and, with `TRACKED_COLUMNS`, the processor state.
 * Without them, a new row gets empty processor columns and a stored row keeps its own.
 */
interface AlertUpsert {
  /** The columns bound per row. */
  columns: ColumnList;
  /**
   * SQLite: the upsert of one alert, run as a prepared statement on the connection
   * (DatabaseHandle.sqlite) inside the transaction. Built with Kysely, even as raw SQL, compiling
   * the statements cost 13% of an ingest request's CPU for 50-alert batches in bench:ingest (a
   * frozen node per value); a prepared statement binds the values as they are.
   */
  sqlite: string;
  /** PostgreSQL: the statement around the rows' JSON (see upsertStatement). */
  postgres: { insert: string; from: string; conflict: string };
}

function alertUpsert(columns: ColumnList, constants: Record<string, string>): AlertUpsert {
  const keep = ['dedup_key', 'source', 'fingerprint', 'first_received_at'];
  const extra = Object.entries(constants);
  // Inserted: the bound columns, then those given as SQL constants.
  const names = [...columns.map(([c]) => c), ...extra.map(([c]) => c)].join(', ');
  const constantValues = extra.map(([, v]) => `, ${v}`).join('');
  const updates = columns
    .filter(([c]) => !keep.includes(c))
    .map(([c]) =>
      c === 'seen_count'
        ? 'seen_count = ops_alerts.seen_count + excluded.seen_count'
        : `${c} = excluded.${c}`,
    )
    .join(', ');
  const conflict = `on conflict (dedup_key) do update set ${updates}`;
  return {
    columns,
    sqlite: `insert into ops_alerts (${names})
  values (${columns.map(() => '?').join(', ')}${constantValues})
  ${conflict}`,
    postgres: {
      insert: `insert into ops_alerts (${names}) select ${columns.map(([c]) => c).join(', ')}${constantValues} from json_to_recordset(`,
      from: `::json) as r(${columns.map(([c, type]) => `${c} ${type}`).join(', ')})`,
      conflict,
    },
  };
}

/** Recording only: content and receipts (processor columns empty on insert, kept on update). */
const CONTENT_UPSERT = alertUpsert(RECORD_COLUMNS, { flapping: '0', changes: "'[]'" });
/** Recording and processing together: the row written once with its processor state. */
const FULL_UPSERT = alertUpsert([...RECORD_COLUMNS, ...TRACKED_COLUMNS], {});

const SQLITE_INBOX =
  'insert into ops_inbox (integration_id, received_at, batch, alert_count, body) values (?, ?, ?, ?, ?)';
const SQLITE_HASH = 'select content_hash from ops_alerts where dedup_key = ?';

/**
 * PostgreSQL: alert rows upserted in one statement with one parameter, the rows as a JSON array
 * (`json_to_recordset`), so its size never nears the 65,535-parameter limit. One array parameter
 * per column (`unnest`) was slower: pg writes an array parameter as an array literal, escaping
 * each element with regular expressions in JavaScript (the rows' JSON text is full of quotes),
 * 11% of the processor's time plus the garbage; JSON.stringify escapes natively.
 */
function upsertStatement(u: AlertUpsert, rows: readonly AlertRow[]): RawBuilder<unknown> {
  const { insert, from, conflict } = u.postgres;
  return sql`${sql.raw(POSTGRES_PREPARED + insert)}${JSON.stringify(rows)}${sql.raw(from)} ${sql.raw(conflict)}`;
}

/**
 * PostgreSQL: accepted requests appended to the inbox in one statement, in order, the rows as one
 * JSON parameter (see upsertStatement: the bodies are JSON text, which pg's array literals escape
 * slowly).
 */
function acceptStatement(rows: readonly ReturnType<typeof inboxRow>[]): RawBuilder<unknown> {
  const json = JSON.stringify(
    rows.map((x) => ({ i: x.integration_id, r: x.received_at, b: x.batch, n: x.alert_count, t: x.body })),
  );
  return sql`${sql.raw(POSTGRES_PREPARED)}insert into ops_inbox (integration_id, received_at, batch, alert_count, body)
    select i, r, b, n, t
    from rows from (json_to_recordset(${json}::json) as (i text, r text, b text, n integer, t text))
      with ordinality as u(i, r, b, n, t, position)
    order by position`;
}

export function createOpsStore(ctx: StoreContext): OpsStore {
  const { db } = ctx;
  const now = () => iso(ctx.clock.now());

  const toTracked = (r: OpsAlertsTable): TrackedRow => ({
    tracked: {
      dedupKey: r.dedup_key,
      groupKey: r.group_key ?? '',
      alert: alertOfRow(r),
      status: (r.tracked_status ?? r.status) as TrackedAlert['status'],
      firstSeen: r.first_seen ?? r.first_received_at,
      lastSeen: r.last_seen ?? r.last_received_at,
      changes: JSON.parse(r.changes) as string[],
      flapping: r.flapping === 1,
    },
    serviceId: r.service_id ?? '',
    silencedBy: r.silenced_by,
    incidentId: r.incident_id,
  });

  const integrations: OpsStore['integrations'] = {
    async create(input) {
      const key = newIngestKey();
      const row = {
        id: newId(),
        name: input.name,
        source: input.source,
        key_hash: hashSecret(key),
        key_prefix: key.slice(0, 6),
        created_by: input.createdBy,
        created_at: now(),
        disabled: 0,
        auth_failures: 0,
        resolve_timeout_minutes: input.resolveTimeoutMinutes ?? null,
        last_received_at: null,
        sns_subscription: null,
      };
      await db.insertInto('ops_integrations').values(row).execute();
      return { integration: toIntegration(row), key };
    },
    async get(id) {
      const r = await db.selectFrom('ops_integrations').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toIntegration(r) : undefined;
    },
    async getWithHash(id) {
      const r = await db.selectFrom('ops_integrations').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? { integration: toIntegration(r), keyHash: r.key_hash } : undefined;
    },
    async findByKey(key) {
      const r = await db
        .selectFrom('ops_integrations')
        .selectAll()
        .where('key_hash', '=', hashSecret(key))
        .executeTakeFirst();
      return r ? toIntegration(r) : undefined;
    },
    async list() {
      const rows = await db
        .selectFrom('ops_integrations')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toIntegration);
    },
    async update(id, patch) {
      const set: Record<string, unknown> = {};
      if (patch.name !== undefined) set['name'] = patch.name;
      if (patch.disabled !== undefined) set['disabled'] = patch.disabled ? 1 : 0;
      if (patch.resolveTimeoutMinutes !== undefined)
        set['resolve_timeout_minutes'] = patch.resolveTimeoutMinutes;
      if (Object.keys(set).length > 0) {
        await db.updateTable('ops_integrations').set(set).where('id', '=', id).execute();
      }
      const after = await integrations.get(id);
      if (!after) throw notFound('integration', id);
      return after;
    },
    async rotateKey(id) {
      const key = newIngestKey();
      const r = await db
        .updateTable('ops_integrations')
        .set({ key_hash: hashSecret(key), key_prefix: key.slice(0, 6), auth_failures: 0 })
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw notFound('integration', id);
      const integration = await integrations.get(id);
      if (!integration) throw notFound('integration', id);
      return { integration, key };
    },
    async delete(id) {
      return withTransaction(ctx, async (trx) => {
        await trx.deleteFrom('ops_dead_letters').where('integration_id', '=', id).execute();
        const r = await trx.deleteFrom('ops_integrations').where('id', '=', id).executeTakeFirst();
        return Number(r.numDeletedRows) > 0;
      });
    },
    async recordAuthFailure(id) {
      await db
        .updateTable('ops_integrations')
        .set((eb) => ({ auth_failures: eb('auth_failures', '+', 1) }))
        .where('id', '=', id)
        .execute();
    },
    async recordSnsSubscription(id, value) {
      await db
        .updateTable('ops_integrations')
        .set({ sns_subscription: JSON.stringify(value) })
        .where('id', '=', id)
        .execute();
    },
  };

  const deadLetters: OpsStore['deadLetters'] = {
    async add(input) {
      const row = {
        id: newId(),
        integration_id: input.integrationId,
        received_at: input.receivedAt,
        content_type: input.contentType,
        body: input.body,
        body_bytes: input.bodyBytes,
        truncated: input.truncated ? 1 : 0,
        error_code: input.errorCode,
        path: input.path,
        message: input.message,
      };
      await db.insertInto('ops_dead_letters').values(row).execute();
      return { id: row.id, ...input };
    },
    async list(integrationId, limit) {
      const rows = await db
        .selectFrom('ops_dead_letters')
        .select([
          'id',
          'integration_id',
          'received_at',
          'content_type',
          'body_bytes',
          'truncated',
          'error_code',
          'path',
          'message',
        ])
        .where('integration_id', '=', integrationId)
        .orderBy('received_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        integrationId: r.integration_id,
        receivedAt: r.received_at,
        contentType: r.content_type,
        bodyBytes: Number(r.body_bytes),
        truncated: r.truncated === 1,
        errorCode: r.error_code,
        path: r.path,
        message: r.message,
      }));
    },
    async get(id) {
      const r = await db.selectFrom('ops_dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) return undefined;
      return {
        id: r.id,
        integrationId: r.integration_id,
        receivedAt: r.received_at,
        contentType: r.content_type,
        body: r.body,
        bodyBytes: Number(r.body_bytes),
        truncated: r.truncated === 1,
        errorCode: r.error_code,
        path: r.path,
        message: r.message,
      };
    },
  };

  /** SQLite: the connection's prepared statements (use them inside a transaction only). */
  const sqliteStatements = (): NonNullable<StoreContext['sqlite']> => {
    if (!ctx.sqlite) throw new Error('A SQLite store needs its connection (open it with openDatabase)');
    return ctx.sqlite;
  };

  /** Stored content hashes of `keys` (the executor: a transaction on SQLite, the pool on PostgreSQL). */
  const storedHashes = async (executor: typeof db, keys: readonly string[]): Promise<Map<string, string>> => {
    const existing = new Map<string, string>();
    for (const part of chunks(keys, 500)) {
      const rows = await executor
        .selectFrom('ops_alerts')
        .select(['dedup_key', 'content_hash'])
        .where('dedup_key', 'in', part)
        .execute();
      for (const r of rows) existing.set(r.dedup_key, r.content_hash);
    }
    return existing;
  };

  /** At most one write a minute per integration (and process): most requests skip the statement. */
  const touchIntegrations = async (
    executor: typeof db,
    lastAt: ReadonlyMap<string, string>,
  ): Promise<void> => {
    for (const [integrationId, at] of lastAt) {
      const minuteAgo = new Date(Date.parse(at) - 60_000).toISOString();
      const written = lastReceivedWritten.get(integrationId);
      if (written !== undefined && written >= minuteAgo) continue;
      lastReceivedWritten.set(integrationId, at);
      try {
        await executor
          .updateTable('ops_integrations')
          .set({ last_received_at: at })
          .where('id', '=', integrationId)
          .where((eb) => eb.or([eb('last_received_at', 'is', null), eb('last_received_at', '<', minuteAgo)]))
          .execute();
      } catch (e) {
        // Not written: the next request tries again.
        if (lastReceivedWritten.get(integrationId) === at) lastReceivedWritten.delete(integrationId);
        throw e;
      }
    }
  };

  /** The latest receipt of each integration among the requests. */
  const lastReceived = (inputs: readonly AcceptInput[]): Map<string, string> => {
    const lastAt = new Map<string, string>();
    for (const r of inputs) {
      const seen = lastAt.get(r.integrationId);
      if (seen === undefined || seen < r.receivedAt) lastAt.set(r.integrationId, r.receivedAt);
    }
    return lastAt;
  };

  const noteReceived: OpsStore['noteReceived'] = (inputs) => touchIntegrations(db, lastReceived(inputs));

  const accept: OpsStore['accept'] = async (inputs, options = {}) => {
    if (inputs.length === 0) return;
    const rows = inputs.map(inboxRow);
    const note = options.noteReceived ?? true;
    if (ctx.dialect === 'postgres') {
      // One round trip for the group (a single statement is atomic), plus at most one a minute
      // per integration for last_received_at.
      await sql`${acceptStatement(rows)}`.execute(db);
      if (note) await noteReceived(inputs);
      return;
    }
    const file = ctx.inboxFile;
    if (file) {
      // The inbox file: no wait for the database's write lock (the processor's transactions).
      const processed = file.sequenceChecked ? 0 : await processedSeq(db);
      const started = Date.now();
      for (let pause = 1; ; pause = Math.min(pause * 2, 20)) {
        try {
          if (!file.sequenceChecked) file.raiseSequence(processed);
          file.append(rows);
          if (pause > 1) file.countWait((Date.now() - started) / 1000);
          break;
        } catch (e) {
          // The processor prunes the file now and then (a few ms): wait without blocking the loop.
          if (!isSqliteBusy(e) || Date.now() - started > INBOX_FILE_WAIT_MS) throw e;
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
      }
      if (note) await noteReceived(inputs);
      return;
    }
    await withTransaction(ctx, async (trx) => {
      // In request order: the processor takes the inbox by seq.
      const insert = sqliteStatements().prepare(SQLITE_INBOX);
      for (const r of rows) insert.run(r.integration_id, r.received_at, r.batch, r.alert_count, r.body);
      if (note) await touchIntegrations(trx, lastReceived(inputs));
    });
  };

  /** What recording finds, read with `executor` (SQLite: inside a transaction, which holds the connection). */
  const planOn = async (executor: typeof db, requests: readonly RecordRequest[]): Promise<RecordPlan> => {
    const keys = [...new Set(requests.flatMap((r) => r.alerts.map((a) => a.dedupKey)))];
    if (keys.length === 0) return planFrom(requests, new Map());
    if (ctx.dialect === 'postgres') return planFrom(requests, await storedHashes(executor, keys));
    // better-sqlite3 is synchronous: the prepared statement runs inside the Kysely transaction.
    const hash = sqliteStatements().prepare(SQLITE_HASH);
    const existing = new Map<string, string>();
    for (const key of keys) {
      const row = hash.get(key) as { content_hash: string } | undefined;
      if (row) existing.set(key, row.content_hash);
    }
    return planFrom(requests, existing);
  };

  /**
   * The processor columns of alerts not recorded in this unit of work (group members, timed out
   * alerts): one UPDATE ... FROM (VALUES ...) per chunk instead of one statement per alert.
   * VALUES columns are column1..column10 on both dialects; the casts type PostgreSQL's
   * otherwise-text parameters.
   */
  const saveTracked = async (executor: typeof db, rows: readonly TrackedRow[]): Promise<void> => {
    for (const part of chunks(rows)) {
      const values = sql.join(
        part.map(({ tracked: t, serviceId, incidentId, silencedBy }) => {
          const cells = [t.dedupKey, t.status, t.groupKey, serviceId, incidentId, silencedBy];
          return sql`(${sql.join(cells.map((c) => sql`cast(${c} as text)`))}, cast(${t.flapping ? 1 : 0} as integer), cast(${t.firstSeen} as text), cast(${t.lastSeen} as text), cast(${JSON.stringify(t.changes)} as text))`;
        }),
      );
      await sql`update ops_alerts set tracked_status = v.column2, group_key = v.column3, service_id = v.column4,
          incident_id = v.column5, silenced_by = v.column6, flapping = v.column7, first_seen = v.column8,
          last_seen = v.column9, changes = v.column10
        from (values ${values}) as v where ops_alerts.dedup_key = v.column1`.execute(executor);
    }
  };

  /** Writes alert rows with `executor`, inside a transaction (see `processor.writeAlerts`). */
  const writeOn = async (
    executor: typeof db,
    planned: readonly PlannedAlert[],
    tracked: readonly TrackedRow[],
  ): Promise<void> => {
    const state = new Map(tracked.map((r) => [r.tracked.dedupKey, r]));
    const full: AlertRow[] = [];
    const content: AlertRow[] = [];
    for (const a of planned) {
      const t = state.get(a.alert.dedupKey);
      if (t === undefined) content.push(alertRow(a));
      else {
        full.push(alertRow(a, t));
        state.delete(a.alert.dedupKey);
      }
    }
    for (const [u, rows] of [
      [FULL_UPSERT, full],
      [CONTENT_UPSERT, content],
    ] as const) {
      if (rows.length === 0) continue;
      if (ctx.dialect === 'postgres') await sql`${upsertStatement(u, rows)}`.execute(executor);
      else {
        const upsert = sqliteStatements().prepare(u.sqlite);
        for (const row of rows) upsert.run(u.columns.map(([c]) => row[c]));
      }
    }
    await saveTracked(executor, [...state.values()]);
  };

  const planRecord: OpsStore['processor']['planRecord'] = (requests) =>
    ctx.dialect === 'postgres' ? planOn(db, requests) : withTransaction(ctx, (trx) => planOn(trx, requests));

  const writeAlerts: OpsStore['processor']['writeAlerts'] = (planned, tracked) =>
    withTransaction(ctx, (trx) => writeOn(trx, planned, tracked));

  const record: OpsStore['processor']['record'] = (requests) =>
    withTransaction(ctx, async (trx) => {
      const plan = await planOn(trx, requests);
      await writeOn(trx, plan.alerts, []);
      return { changed: plan.changed, outcomes: plan.outcomes };
    });

  /** The oldest requests of the ops_inbox table (see `inbox.take`). */
  const takeFromTable = async (limit: number, maxAlerts: number): Promise<InboxItem[]> => {
    // Sizes first (the batches themselves are large and read only for the rows taken).
    const sizes = await db
      .selectFrom('ops_inbox')
      .select(['seq', 'alert_count'])
      .orderBy('seq')
      .limit(limit)
      .execute();
    const last = lastTaken(sizes, maxAlerts);
    if (last === undefined) return [];
    const rows = await db
      .selectFrom('ops_inbox')
      .selectAll()
      .where('seq', '<=', last)
      .orderBy('seq')
      .execute();
    return rows.map(inboxItem);
  };

  const inbox: OpsStore['inbox'] = {
    async take(limit, maxAlerts = Number.POSITIVE_INFINITY) {
      // The ops_inbox table first (PostgreSQL; SQLite: requests accepted before the inbox file).
      const fromTable = await takeFromTable(limit, maxAlerts);
      const file = ctx.inboxFile;
      if (fromTable.length > 0 || !file) return fromTable;
      const processed = await processedSeq(db);
      const first = file.firstSeq();
      // Processed requests are deleted in bulk, not one transaction at a time.
      if (first !== undefined && first <= processed - INBOX_FILE_PRUNE_EVERY) file.prune(processed);
      const last = lastTaken(file.sizes(processed, limit), maxAlerts);
      if (last === undefined) {
        if (first !== undefined && first <= processed) file.prune(processed);
        return [];
      }
      return file.rows(processed, last).map((r) => ({ ...inboxItem(r), inFile: true }));
    },
    async remove(items) {
      const inTable = items.filter((i) => i.inFile !== true).map((i) => i.seq);
      for (const part of chunks(inTable, 500))
        await db.deleteFrom('ops_inbox').where('seq', 'in', part).execute();
      const inFile = items.filter((i) => i.inFile === true).map((i) => i.seq);
      if (inFile.length > 0)
        await db
          .updateTable('ops_inbox_progress')
          .set({ processed_seq: Math.max(...inFile) })
          .where('id', '=', 1)
          .execute();
    },
    async count() {
      const r = await db
        .selectFrom('ops_inbox')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirst();
      const inTable = Number(r?.n ?? 0);
      return ctx.inboxFile ? inTable + ctx.inboxFile.count(await processedSeq(db)) : inTable;
    },
  };

  const processor: OpsStore['processor'] = {
    record,
    planRecord,
    writeAlerts,
    async tryLock() {
      if (ctx.dialect !== 'postgres') return true;
      const r = await sql<{
        ok: boolean;
      }>`select pg_try_advisory_xact_lock(${sql.lit(PROCESSOR_LOCK)}) as ok`.execute(db);
      return r.rows[0]?.ok === true;
    },
    async tracked(dedupKeys) {
      const out: TrackedRow[] = [];
      for (const part of chunks([...new Set(dedupKeys)], 500)) {
        const rows = await db
          .selectFrom('ops_alerts')
          .selectAll()
          .where('dedup_key', 'in', part)
          .where('tracked_status', 'is not', null)
          .execute();
        out.push(...rows.map(toTracked));
      }
      return out;
    },
    async trackedInGroups(groupKeys) {
      const out: TrackedRow[] = [];
      for (const part of chunks([...new Set(groupKeys)], 500)) {
        const rows = await db
          .selectFrom('ops_group_members')
          .innerJoin('ops_alerts', 'ops_alerts.dedup_key', 'ops_group_members.dedup_key')
          .selectAll('ops_alerts')
          .where('ops_group_members.group_key', 'in', part)
          .where('ops_alerts.tracked_status', 'is not', null)
          .execute();
        out.push(...rows.map(toTracked));
      }
      return out;
    },
    async members(groupKeys) {
      const out = new Map<string, string[]>();
      for (const part of chunks([...new Set(groupKeys)], 500)) {
        const rows = await db
          .selectFrom('ops_group_members')
          .select(['group_key', 'dedup_key'])
          .where('group_key', 'in', part)
          .execute();
        for (const r of rows) {
          const list = out.get(r.group_key);
          if (list) list.push(r.dedup_key);
          else out.set(r.group_key, [r.dedup_key]);
        }
      }
      return out;
    },
    async expirable() {
      const rows = await db
        .selectFrom('ops_alerts')
        .innerJoin('ops_integrations', 'ops_integrations.id', 'ops_alerts.integration_id')
        .selectAll('ops_alerts')
        .select('ops_integrations.resolve_timeout_minutes as timeout')
        .where('ops_alerts.tracked_status', '=', 'firing')
        .where('ops_integrations.resolve_timeout_minutes', 'is not', null)
        .execute();
      return rows.map((r) => ({ ...toTracked(r), resolveTimeoutMinutes: Number(r.timeout) }));
    },
    saveTracked: (rows) => saveTracked(db, rows),
    async groups(keys) {
      const out: GroupRow[] = [];
      for (const part of chunks([...new Set(keys)], 500)) {
        const rows = await db.selectFrom('ops_groups').selectAll().where('group_key', 'in', part).execute();
        for (const r of rows) {
          out.push({
            group: {
              key: r.group_key,
              episode: Number(r.episode),
              status: r.status as AlertGroup['status'],
              openedAt: r.opened_at,
              ...(r.resolved_at !== null && { resolvedAt: r.resolved_at }),
              alertKeys: [],
            },
            serviceId: r.service_id,
            incidentId: r.incident_id,
            stored: { episode: Number(r.episode), members: new Set() },
          });
        }
      }
      return out;
    },
    async saveGroups(rows) {
      for (const part of chunks(rows)) {
        await db
          .insertInto('ops_groups')
          .values(
            part.map((r) => ({
              group_key: r.group.key,
              service_id: r.serviceId,
              episode: r.group.episode,
              status: r.group.status,
              opened_at: r.group.openedAt,
              resolved_at: r.group.resolvedAt ?? null,
              alert_keys: '[]',
              incident_id: r.incidentId,
            })),
          )
          .onConflict((oc) =>
            oc.column('group_key').doUpdateSet((eb) => ({
              service_id: eb.ref('excluded.service_id'),
              episode: eb.ref('excluded.episode'),
              status: eb.ref('excluded.status'),
              opened_at: eb.ref('excluded.opened_at'),
              resolved_at: eb.ref('excluded.resolved_at'),
              incident_id: eb.ref('excluded.incident_id'),
            })),
          )
          .execute();
      }
      // A new episode starts with no members: the stored ones of the previous episode go.
      const restarted = rows.filter((r) => r.stored !== undefined && r.stored.episode !== r.group.episode);
      for (const part of chunks(
        restarted.map((r) => r.group.key),
        500,
      ))
        await db.deleteFrom('ops_group_members').where('group_key', 'in', part).execute();
      const added: { group_key: string; dedup_key: string }[] = [];
      for (const r of rows) {
        const known = r.stored?.episode === r.group.episode ? r.stored.members : undefined;
        for (const key of new Set(r.group.alertKeys))
          if (!known?.has(key)) added.push({ group_key: r.group.key, dedup_key: key });
      }
      for (const part of chunks(added))
        await db
          .insertInto('ops_group_members')
          .values(part)
          .onConflict((oc) => oc.columns(['group_key', 'dedup_key']).doNothing())
          .execute();
    },
    async setIncidentGroupOpen(incidentId, open, at) {
      await db
        .updateTable('ops_groups')
        .set(open ? { status: 'open', resolved_at: null } : { status: 'resolved', resolved_at: at })
        .where('incident_id', '=', incidentId)
        .where('status', '=', open ? 'resolved' : 'open')
        .execute();
    },
    async markTimedOut(dedupKey, at) {
      const r = await db
        .selectFrom('ops_alerts')
        .select(['starts_at', 'labels'])
        .where('dedup_key', '=', dedupKey)
        .executeTakeFirst();
      if (!r) return;
      const labels = JSON.parse(r.labels) as Record<string, string>;
      await db
        .updateTable('ops_alerts')
        .set({
          status: 'resolved',
          ends_at: at,
          content_hash: contentHash({ status: 'resolved', startsAt: r.starts_at, endsAt: at, labels }),
        })
        .where('dedup_key', '=', dedupKey)
        .execute();
    },
  };

  const alerts: OpsStore['alerts'] = {
    async list(filter) {
      let q = db.selectFrom('ops_alerts').selectAll();
      if (filter.status) q = q.where('status', '=', filter.status);
      if (filter.serviceId) q = q.where('service_id', '=', filter.serviceId);
      if (filter.q) {
        const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where((eb) =>
          eb.or([
            eb(sql`lower(summary)`, 'like', sql`lower(${like}) escape '\\'`),
            eb(sql`lower(dedup_key)`, 'like', sql`lower(${like}) escape '\\'`),
            eb(sql`lower(labels)`, 'like', sql`lower(${like}) escape '\\'`),
          ]),
        );
      }
      const rows = await q
        .orderBy('last_received_at', 'desc')
        .orderBy('dedup_key')
        .limit(filter.limit)
        .execute();
      return rows.map(toStoredAlert);
    },
    async get(dedupKey) {
      const r = await db
        .selectFrom('ops_alerts')
        .selectAll()
        .where('dedup_key', '=', dedupKey)
        .executeTakeFirst();
      return r ? toStoredAlert(r) : undefined;
    },
  };

  const getIncident = async (id: string, forUpdate = false): Promise<IncidentRecord | undefined> => {
    let q = db.selectFrom('ops_incidents').selectAll().where('id', '=', id);
    if (forUpdate && ctx.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r ? toIncident(r) : undefined;
  };

  const incidents: OpsStore['incidents'] = {
    get: (id) => getIncident(id),
    getForUpdate: (id) => getIncident(id, true),
    async silencedAmong(ids) {
      const out: IncidentRecord[] = [];
      for (const part of chunks([...ids], 500)) {
        const rows = await db
          .selectFrom('ops_incidents')
          .selectAll()
          .where('id', 'in', part)
          .where('silenced', '=', 1)
          .where('status', '!=', 'resolved')
          .execute();
        out.push(...rows.map(toIncident));
      }
      return out;
    },
    async list(filter) {
      let q = db.selectFrom('ops_incidents').selectAll();
      if (filter.status && filter.status.length > 0) q = q.where('status', 'in', filter.status);
      if (filter.severity && filter.severity.length > 0) q = q.where('severity', 'in', filter.severity);
      if (filter.serviceId) q = q.where('service_id', '=', filter.serviceId);
      if (filter.beforeNumber !== undefined) q = q.where('number', '<', filter.beforeNumber);
      if (filter.createdSince !== undefined) q = q.where('created_at', '>=', filter.createdSince);
      const rows = await q.orderBy('number', 'desc').limit(filter.limit).execute();
      return rows.map(toIncident);
    },
    async create(input) {
      const max = await db
        .selectFrom('ops_incidents')
        .select((eb) => eb.fn.max('number').as('n'))
        .executeTakeFirst();
      const row: OpsIncidentsTable = {
        id: newId(),
        number: Number(max?.n ?? 0) + 1,
        service_id: input.serviceId,
        title: input.title,
        severity: input.severity,
        status: 'triggered',
        assignee_id: null,
        group_key: input.groupKey,
        episode: input.episode,
        created_at: input.createdAt,
        acknowledged_at: null,
        resolved_at: null,
        silenced: input.silenced ? 1 : 0,
        alert_count: 0,
        firing_count: 0,
        labels: '{}',
        updated_at: input.createdAt,
      };
      await db.insertInto('ops_incidents').values(row).execute();
      return toIncident(row);
    },
    async update(id, patch) {
      const set: Partial<OpsIncidentsTable> = { updated_at: now() };
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.severity !== undefined) set.severity = patch.severity;
      if (patch.title !== undefined) set.title = patch.title;
      if (patch.assigneeId !== undefined) set.assignee_id = patch.assigneeId;
      if (patch.acknowledgedAt !== undefined) set.acknowledged_at = patch.acknowledgedAt;
      if (patch.resolvedAt !== undefined) set.resolved_at = patch.resolvedAt;
      if (patch.clearAcknowledgedAt) set.acknowledged_at = null;
      if (patch.clearResolvedAt) set.resolved_at = null;
      if (patch.silenced !== undefined) set.silenced = patch.silenced ? 1 : 0;
      await db.updateTable('ops_incidents').set(set).where('id', '=', id).execute();
      const after = await getIncident(id);
      if (!after) throw notFound('incident', id);
      return after;
    },
    async attachAlert(incidentId, dedupKey, at) {
      await db
        .insertInto('ops_incident_alerts')
        .values({ incident_id: incidentId, dedup_key: dedupKey, attached_at: at })
        .onConflict((oc) => oc.columns(['incident_id', 'dedup_key']).doNothing())
        .execute();
    },
    async attachAlerts(rows) {
      for (const part of chunks(rows)) {
        await db
          .insertInto('ops_incident_alerts')
          .values(part.map((r) => ({ incident_id: r.incidentId, dedup_key: r.dedupKey, attached_at: r.at })))
          .onConflict((oc) => oc.columns(['incident_id', 'dedup_key']).doNothing())
          .execute();
      }
    },
    async refreshAlertFigures(incidentId, added) {
      if (!added) {
        const list = await alertsOf(incidentId);
        await db
          .updateTable('ops_incidents')
          .set({
            alert_count: list.length,
            firing_count: list.filter((a) => a.status === 'firing').length,
            labels: JSON.stringify(commonLabels(list.map((a) => a.labels))),
          })
          .where('id', '=', incidentId)
          .execute();
        return;
      }
      const before = await db
        .selectFrom('ops_incidents')
        .select(['alert_count', 'firing_count', 'labels'])
        .where('id', '=', incidentId)
        .executeTakeFirst();
      if (!before || added.length === 0) return;
      const count = Number(before.alert_count);
      const previous = count > 0 ? [JSON.parse(before.labels) as Record<string, string>] : [];
      await db
        .updateTable('ops_incidents')
        .set({
          alert_count: count + added.length,
          firing_count: Number(before.firing_count) + added.filter((a) => a.firing).length,
          labels: JSON.stringify(commonLabels([...previous, ...added.map((a) => a.labels)])),
        })
        .where('id', '=', incidentId)
        .execute();
    },
    async refreshAlertFiguresMany(items) {
      const incremental = new Map<string, readonly { labels: Record<string, string>; firing: boolean }[]>();
      for (const item of items) {
        if (item.added === undefined) await incidents.refreshAlertFigures(item.incidentId);
        else if (item.added.length > 0) incremental.set(item.incidentId, item.added);
      }
      for (const part of chunks([...incremental.keys()], 500)) {
        const rows = await db
          .selectFrom('ops_incidents')
          .select(['id', 'alert_count', 'firing_count', 'labels'])
          .where('id', 'in', part)
          .execute();
        if (rows.length === 0) continue;
        const values = sql.join(
          rows.map((before) => {
            const added = incremental.get(before.id) ?? [];
            const count = Number(before.alert_count);
            const previous = count > 0 ? [JSON.parse(before.labels) as Record<string, string>] : [];
            const labels = JSON.stringify(commonLabels([...previous, ...added.map((a) => a.labels)]));
            const firing = Number(before.firing_count) + added.filter((a) => a.firing).length;
            return sql`(cast(${before.id} as text), cast(${count + added.length} as integer), cast(${firing} as integer), cast(${labels} as text))`;
          }),
        );
        await sql`update ops_incidents set alert_count = v.column2, firing_count = v.column3, labels = v.column4
          from (values ${values}) as v where ops_incidents.id = v.column1`.execute(db);
      }
    },
  };

  const timeline: OpsStore['timeline'] = {
    async append(incidentId, entry) {
      await db
        .insertInto('ops_timeline')
        .values({ incident_id: incidentId, at: entry.at, kind: entry.kind, entry: JSON.stringify(entry) })
        .execute();
    },
    async appendMany(entries) {
      for (const part of chunks(entries)) {
        await db
          .insertInto('ops_timeline')
          .values(
            part.map((e) => ({
              incident_id: e.incidentId,
              at: e.entry.at,
              kind: e.entry.kind,
              entry: JSON.stringify(e.entry),
            })),
          )
          .execute();
      }
    },
    async list(incidentId) {
      const rows = await db
        .selectFrom('ops_timeline')
        .select('entry')
        .where('incident_id', '=', incidentId)
        .orderBy('id')
        .execute();
      return rows.map((r) => JSON.parse(r.entry) as TimelineEntry);
    },
    async listMany(incidentIds) {
      const out = new Map<string, TimelineEntry[]>();
      for (const part of chunks([...new Set(incidentIds)], 500)) {
        const rows = await db
          .selectFrom('ops_timeline')
          .select(['incident_id', 'entry'])
          .where('incident_id', 'in', part)
          .orderBy('id')
          .execute();
        for (const r of rows) {
          const list = out.get(r.incident_id) ?? [];
          list.push(JSON.parse(r.entry) as TimelineEntry);
          out.set(r.incident_id, list);
        }
      }
      return out;
    },
  };

  const alertsOf = async (incidentId: string): Promise<StoredAlert[]> => {
    const rows = await db
      .selectFrom('ops_incident_alerts')
      .innerJoin('ops_alerts', 'ops_alerts.dedup_key', 'ops_incident_alerts.dedup_key')
      .selectAll('ops_alerts')
      .where('ops_incident_alerts.incident_id', '=', incidentId)
      .orderBy('ops_incident_alerts.attached_at')
      .orderBy('ops_alerts.dedup_key')
      .execute();
    return rows.map(toStoredAlert);
  };

  return {
    integrations,
    deadLetters,
    accept,
    noteReceived,
    inbox,
    processor,
    alerts,
    incidents,
    timeline,
    alertsOf,
  };
}
