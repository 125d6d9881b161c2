/** Tables of the oncall context: services, routing rules, silences, teams, schedules, escalation policies, runbooks. Conventions as in ../schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OncallTables {}
