import type { CertLevel } from '../../estate/certificates.js';
import { isInvalid, type TlsCheckResult } from '../../estate/tls/probe.js';
import { OpsdeckError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { iso, withTransaction, type StoreContext } from '../context.js';
import { isUniqueViolation } from '../dialect.js';
import type { CertsResultsTable, CertsTargetsTable } from './schema.js';

/** A TLS endpoint the server checks on a schedule. */
export interface CertTarget {
  id: string;
  /** Name or address connected to. */
  host: string;
  port: number;
  /** SNI name checked against the certificate when it differs from `host`. */
  servername: string | null;
  /** `user:<username>` of whoever added it. */
  addedBy: string;
  createdAt: string;
}

export interface NewCertTarget {
  host: string;
  port: number;
  servername?: string | null;
  addedBy: string;
}

/** ok: valid; invalid: hostname mismatch, untrusted chain or weak key; error: could not be checked. */
export type CertCheckStatus = 'ok' | 'invalid' | 'error';

export interface CertResult {
  id: string;
  targetId: string;
  checkedAt: string;
  level: CertLevel | null;
  daysToExpiry: number | null;
  notAfter: string | null;
  status: CertCheckStatus;
  result: TlsCheckResult;
}

/** The certs store: TLS endpoints to check and their results. */
export interface CertsStore {
  targets: {
    /** @throws OpsdeckError OPSDECK_E_CONFLICT when the same host, port and servername exist. */
    create(input: NewCertTarget): Promise<CertTarget>;
    get(id: string): Promise<CertTarget | undefined>;
    /** Oldest first. */
    list(): Promise<CertTarget[]>;
    /** Deletes the target and its results. @throws OpsdeckError OPSDECK_E_NOT_FOUND */
    delete(id: string): Promise<CertTarget>;
  };
  results: {
    /** Stores a check of `targetId` and makes it the target's latest (one transaction). */
    add(targetId: string, result: TlsCheckResult): Promise<CertResult>;
    /** The latest result of every target that has one, by target id. */
    latest(): Promise<Map<string, CertResult>>;
    /** Results of one target, newest first. */
    history(targetId: string, limit: number): Promise<CertResult[]>;
    /** Deletes results checked before `before` except each target's latest; returns how many. */
    prune(before: Date): Promise<number>;
  };
}

export function statusOf(result: TlsCheckResult): CertCheckStatus {
  if (result.error) return 'error';
  return isInvalid(result) ? 'invalid' : 'ok';
}

function toTarget(row: CertsTargetsTable): CertTarget {
  return {
    id: row.id,
    host: row.host,
    port: row.port,
    servername: row.servername === '' ? null : row.servername,
    addedBy: row.added_by,
    createdAt: row.created_at,
  };
}

function toResult(row: CertsResultsTable): CertResult {
  return {
    id: row.id,
    targetId: row.target_id,
    checkedAt: row.checked_at,
    level: row.level as CertLevel | null,
    daysToExpiry: row.days_to_expiry,
    notAfter: row.not_after,
    status: row.status as CertCheckStatus,
    result: JSON.parse(row.result) as TlsCheckResult,
  };
}

export function createCertsStore(ctx: StoreContext): CertsStore {
  const { db } = ctx;
  const getTarget = async (id: string): Promise<CertTarget | undefined> => {
    const row = await db.selectFrom('certs_targets').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toTarget(row) : undefined;
  };
  return {
    targets: {
      async create(input) {
        const row: CertsTargetsTable = {
          id: newId(),
          host: input.host,
          port: input.port,
          servername: input.servername && input.servername !== input.host ? input.servername : '',
          added_by: input.addedBy,
          created_at: iso(ctx.clock.now()),
          last_result_id: null,
        };
        try {
          await db.insertInto('certs_targets').values(row).execute();
        } catch (e) {
          if (isUniqueViolation(e)) {
            throw new OpsdeckError(
              'OPSDECK_E_CONFLICT',
              `A certificate target for ${row.servername ? `${row.servername} via ` : ''}${row.host}:${row.port} already exists`,
              [{ path: '/body/host', message: 'already a target' }],
            );
          }
          throw e;
        }
        return toTarget(row);
      },
      get: getTarget,
      async list() {
        const rows = await db
          .selectFrom('certs_targets')
          .selectAll()
          .orderBy('created_at', 'asc')
          .orderBy('id', 'asc')
          .execute();
        return rows.map(toTarget);
      },
      async delete(id) {
        return withTransaction(ctx, async (trx) => {
          const row = await trx
            .selectFrom('certs_targets')
            .selectAll()
            .where('id', '=', id)
            .executeTakeFirst();
          if (!row) {
            throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No certificate target with id ${id}`, [
              { path: '/params/id', message: 'no such target' },
            ]);
          }
          // Explicit, so the results go on SQLite connections without foreign_keys too.
          await trx.deleteFrom('certs_results').where('target_id', '=', id).execute();
          await trx.deleteFrom('certs_targets').where('id', '=', id).execute();
          return toTarget(row);
        });
      },
    },
    results: {
      async add(targetId, result) {
        const row: CertsResultsTable = {
          id: newId(),
          target_id: targetId,
          checked_at: result.checkedAt,
          level: result.level,
          days_to_expiry: result.daysToExpiry,
          not_after: result.notAfter,
          status: statusOf(result),
          result: JSON.stringify(result),
        };
        await withTransaction(ctx, async (trx) => {
          const updated = await trx
            .updateTable('certs_targets')
            .set({ last_result_id: row.id })
            .where('id', '=', targetId)
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) === 0) {
            throw new OpsdeckError('OPSDECK_E_NOT_FOUND', `No certificate target with id ${targetId}`, [
              { path: '/targetId', message: 'no such target' },
            ]);
          }
          await trx.insertInto('certs_results').values(row).execute();
        });
        return toResult(row);
      },
      async latest() {
        const rows = await db
          .selectFrom('certs_results')
          .innerJoin('certs_targets', 'certs_targets.last_result_id', 'certs_results.id')
          .selectAll('certs_results')
          .execute();
        return new Map(rows.map((r) => [r.target_id, toResult(r)]));
      },
      async history(targetId, limit) {
        const rows = await db
          .selectFrom('certs_results')
          .selectAll()
          .where('target_id', '=', targetId)
          .orderBy('checked_at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit)
          .execute();
        return rows.map(toResult);
      },
      async prune(before) {
        const res = await db
          .deleteFrom('certs_results')
          .where('checked_at', '<', iso(before))
          .where('id', 'not in', (eb) =>
            eb
              .selectFrom('certs_targets')
              .select('last_result_id')
              .where('last_result_id', 'is not', null)
              .$narrowType<{ last_result_id: string }>(),
          )
          .executeTakeFirst();
        return Number(res.numDeletedRows);
      },
    },
  };
}
