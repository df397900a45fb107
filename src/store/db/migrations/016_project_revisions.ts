import { sql, type Kysely } from 'kysely';

/**
 * Cheap staleness for diffs (issue 18): a revision per project, bumped in the same transaction by
 * every write to its objects, so that a diff's page read compares two numbers instead of re-reading
 * the version of every object the diff holds. Each diff keeps the revision its fingerprint was last
 * checked at. The fingerprint is now taken in package order (seq), so the index by object id goes;
 * stored diffs are a 24-hour cache whose fingerprints were taken in id order, so they go too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('project_revisions')
    .addColumn('project_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
  await sql`DELETE FROM diff_objects`.execute(db);
  await sql`DELETE FROM diffs`.execute(db);
  await db.schema.dropIndex('diff_objects_id_idx').execute();
  await db.schema.alterTable('diffs').addColumn('checked_revision', 'bigint').execute();
  await db.schema.alterTable('diffs').addColumn('checked_fingerprint', 'varchar(64)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('diffs').dropColumn('checked_fingerprint').execute();
  await db.schema.alterTable('diffs').dropColumn('checked_revision').execute();
  await db.schema.createIndex('diff_objects_id_idx').on('diff_objects').columns(['diff_id', 'object_id', 'seq']).execute();
  await db.schema.dropTable('project_revisions').execute();
}
