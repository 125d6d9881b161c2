import type { Kysely, Migration } from 'kysely';

interface Db {
  ops_groups: { group_key: string; alert_keys: string };
  ops_group_members: { group_key: string; dedup_key: string };
}

const CHUNK = 400;

/**
 * Group membership moves out of `ops_groups.alert_keys` (a JSON array rewritten by every
 * transaction touching the group: O(group size) per alert, 2.3 ms a write for groups of a few
 * thousand alerts in bench:ingest) into one row per member of the current episode. The column
 * stays (SQLite cannot drop it cheaply everywhere) and holds '[]' from here on.
 *
 * ops_inbox gets `alert_count`, so the processor can size a transaction from it instead of reading
 * (and parsing) up to 200 batches of 50 alerts to take 4 of them.
 */
export const opsGroupMembersMigration: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as unknown as Kysely<Db>;
    await db.schema
      .createTable('ops_group_members')
      .addColumn('group_key', 'text', (c) => c.notNull())
      .addColumn('dedup_key', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ops_group_members_pk', ['group_key', 'dedup_key'])
      .execute();
    const groups = await db.selectFrom('ops_groups').select(['group_key', 'alert_keys']).execute();
    for (const g of groups) {
      const keys = [...new Set(JSON.parse(g.alert_keys) as string[])];
      for (let i = 0; i < keys.length; i += CHUNK) {
        await db
          .insertInto('ops_group_members')
          .values(keys.slice(i, i + CHUNK).map((k) => ({ group_key: g.group_key, dedup_key: k })))
          .execute();
      }
    }
    await db.updateTable('ops_groups').set({ alert_keys: '[]' }).execute();
    await db.schema
      .alterTable('ops_inbox')
      .addColumn('alert_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as unknown as Kysely<Db>;
    await db.schema.alterTable('ops_inbox').dropColumn('alert_count').execute();
    const members = await db.selectFrom('ops_group_members').select(['group_key', 'dedup_key']).execute();
    const byGroup = new Map<string, string[]>();
    for (const m of members) byGroup.set(m.group_key, [...(byGroup.get(m.group_key) ?? []), m.dedup_key]);
    for (const [key, keys] of byGroup)
      await db
        .updateTable('ops_groups')
        .set({ alert_keys: JSON.stringify(keys) })
        .where('group_key', '=', key)
        .execute();
    await db.schema.dropTable('ops_group_members').execute();
  },
};
