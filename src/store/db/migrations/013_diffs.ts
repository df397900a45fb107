import type { Kysely } from 'kysely';

/** Diff previews (issue 18): a diff's header, and its objects, stored as they are computed and read back a page at a time. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('diffs')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('package_path', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('fingerprint', 'varchar(64)')
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('diff_objects')
    .addColumn('diff_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('object_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('action', 'varchar(16)', (c) => c.notNull())
    .addColumn('target_id', 'varchar(32)')
    .addColumn('blocked', 'text')
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('target_version', 'varchar(32)')
    .addColumn('listed', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('diff_objects_pk', ['diff_id', 'seq'])
    .execute();
  await db.schema.createIndex('diff_objects_id_idx').on('diff_objects').columns(['diff_id', 'object_id', 'seq']).execute();
  await db.schema.createIndex('diff_objects_action_idx').on('diff_objects').columns(['diff_id', 'action', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('diff_objects').execute();
  await db.schema.dropTable('diffs').execute();
}
