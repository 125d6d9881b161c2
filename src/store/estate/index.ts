import type { StoreContext } from '../context.js';

/** The estate store: estate snapshots, resources, findings, history and decommission plans. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EstateStore {}

export function createEstateStore(_ctx: StoreContext): EstateStore {
  return {};
}
