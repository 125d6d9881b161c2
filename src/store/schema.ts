import type { CertsTables } from './certs/schema.js';
import type { EstateTables } from './estate/schema.js';
import type { NotifyTables } from './notify/schema.js';
import type { OncallTables } from './oncall/schema.js';
import type { OpsTables } from './ops/schema.js';

/**
 * Table types. Conventions, identical on SQLite and PostgreSQL:
 * - timestamps are ISO 8601 UTC strings with milliseconds (`2026-01-31T12:00:00.000Z`, TEXT),
 *   so lexical order is time order and both drivers return the same value;
 * - booleans are INTEGER 0/1; JSON is TEXT; ids are UUID strings (TEXT).
 */
export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  disabled: number;
  created_at: string;
  last_login_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 hex of the cookie secret; the secret itself is never stored. */
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 hex of the `odk_...` secret. */
  token_hash: string;
  /** First characters of the secret, for display. */
  prefix: string;
  /** JSON array of permission names. */
  scopes: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  summary: string;
  /** JSON or NULL. */
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}

export interface LoginAttemptsTable {
  id: string;
  /** What is limited, e.g. `<ip>|<username>`. */
  key: string;
  at: string;
}

export interface Database extends OpsTables, OncallTables, NotifyTables, EstateTables, CertsTables {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  login_attempts: LoginAttemptsTable;
}
