import type { StoreContext } from '../context.js';

/** The certs store: TLS endpoints to check and their results. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CertsStore {}

export function createCertsStore(_ctx: StoreContext): CertsStore {
  return {};
}
