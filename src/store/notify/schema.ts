/** Tables of the notify context: durable jobs, notification channels and delivery attempts. Conventions as in ../schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NotifyTables {}
