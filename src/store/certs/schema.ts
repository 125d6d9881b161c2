/** Tables of the certs context: TLS endpoints to check and their results. Conventions as in ../schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CertsTables {}
