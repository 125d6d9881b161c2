import type { StoreContext } from '../context.js';

/** The notify store: durable jobs, notification channels and delivery attempts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NotifyStore {}

export function createNotifyStore(_ctx: StoreContext): NotifyStore {
  return {};
}
