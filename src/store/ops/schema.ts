/** Tables of the ops context: alerts, ingest inbox, dead letters, integrations, incidents and their timelines. Conventions as in ../schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OpsTables {}
