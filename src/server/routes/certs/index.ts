import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import { OpsdeckError } from '../../../core/errors.js';
import { splitPem } from '../../../estate/tls/probe.js';
import { CERTS_CHECK_JOB, certsCheckHandler, scheduleCertChecks } from './check-job.js';
import { certsRoutes } from './certs-routes.js';

/** `certs.ca_file`, checked once: a bad file fails start-up rather than every check. */
async function loadCaFile(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  try {
    const text = await readFile(file, 'utf8');
    splitPem(text);
    return text;
  } catch (e) {
    throw new OpsdeckError('OPSDECK_E_CONFIG_INVALID', `certs.ca_file ${file} cannot be used`, [
      { path: 'certs.ca_file', message: e instanceof Error ? e.message : String(e) },
    ]);
  }
}

/** Certificates: TLS endpoint checks and their schedule. */
export const certsContext: FastifyPluginAsync = async (app) => {
  const ctx = app.opsdeck;
  const ca = await loadCaFile(ctx.config.certs.caFile);
  ctx.jobHandlers.set(CERTS_CHECK_JOB, certsCheckHandler(ca));
  // The first scheduled run, once the server listens (the database is migrated by then); a run
  // already pending from an earlier start, or from another replica, makes this a no-op.
  ctx.background.add({
    name: 'certs.schedule',
    start: () => {
      scheduleCertChecks(ctx, ctx.clock.now()).catch((e: unknown) => {
        app.log.error({ err: e }, 'could not schedule the certs.check job');
      });
      return () => Promise.resolve();
    },
  });
  await app.register(certsRoutes, { ca });
};
