import type { StoreContext } from '../context.js';

/** The ops store: alerts, ingest inbox, dead letters, integrations, incidents and their timelines. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OpsStore {}

export function createOpsStore(_ctx: StoreContext): OpsStore {
  return {};
}
