/** Tables of the estate context: estate snapshots, resources, findings, history and decommission plans. Conventions as in ../schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EstateTables {}
