/** Tables of the certs context: TLS endpoints to check and their results. Conventions as in ../schema.ts. */

export interface CertsTargetsTable {
  id: string;
  host: string;
  port: number;
  /** '' when none: the certificate is checked against `host`. */
  servername: string;
  /** `user:<username>` of whoever added it. */
  added_by: string;
  created_at: string;
  /** The newest certs_results row of this target. */
  last_result_id: string | null;
}

export interface CertsResultsTable {
  id: string;
  target_id: string;
  checked_at: string;
  level: string | null;
  days_to_expiry: number | null;
  not_after: string | null;
  status: string;
  /** The probe's TlsCheckResult as JSON. */
  result: string;
}

export interface CertsTables {
  certs_targets: CertsTargetsTable;
  certs_results: CertsResultsTable;
}
