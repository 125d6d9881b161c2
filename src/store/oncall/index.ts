import type { StoreContext } from '../context.js';

/** The oncall store: services, routing rules, silences, teams, schedules, escalation policies, runbooks. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OncallStore {}

export function createOncallStore(_ctx: StoreContext): OncallStore {
  return {};
}
