import type { Migration, MigrationProvider } from 'kysely';
import { identityMigration } from './0001-identity.js';
import { auditLogMigration } from './0002-audit-log.js';
import { opsMigration } from './0003-ops.js';
import { oncallMigration } from './0004-oncall.js';
import { notifyMigration } from './0005-notify.js';
import { estateMigration } from './0006-estate.js';
import { certsMigration } from './0007-certs.js';
import { opsGroupMembersMigration } from './0008-ops-group-members.js';
import { opsAlertsIndexesMigration } from './0009-ops-alerts-indexes.js';
import { opsInboxBodyMigration } from './0010-ops-inbox-body.js';
import { opsInboxFileMigration } from './0011-ops-inbox-file.js';
import { opsGroupsIncidentMigration } from './0012-ops-groups-incident.js';

/** All migrations in order. Names are permanent: never rename or edit an applied migration. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-identity': identityMigration,
  '0002-audit-log': auditLogMigration,
  '0003-ops': opsMigration,
  '0004-oncall': oncallMigration,
  '0005-notify': notifyMigration,
  '0006-estate': estateMigration,
  '0007-certs': certsMigration,
  '0008-ops-group-members': opsGroupMembersMigration,
  '0009-ops-alerts-indexes': opsAlertsIndexesMigration,
  '0010-ops-inbox-body': opsInboxBodyMigration,
  '0011-ops-inbox-file': opsInboxFileMigration,
  '0012-ops-groups-incident': opsGroupsIncidentMigration,
};

/** A static provider (no folder scan), so bundled and compiled builds find every migration. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
