import type { Kysely } from 'kysely';

// Migrations take Kysely<unknown>: they must not depend on today's table types.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('projects')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(250)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_modified', 'bigint', (c) => c.notNull())
    .addColumn('owner_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('owner_name', 'varchar(250)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('objects')
    .addColumn('project_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('id', 'varchar(32)', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('subtype', 'integer', (c) => c.notNull())
    // text, not varchar(250): imported packages may carry longer names than the API lets a client set.
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('folder_id', 'varchar(32)')
    .addColumn('version', 'varchar(32)', (c) => c.notNull())
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_modified', 'bigint', (c) => c.notNull())
    .addColumn('owner_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('owner_name', 'text', (c) => c.notNull())
    .addColumn('acl', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('uses', 'text', (c) => c.notNull())
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('objects_pk', ['project_id', 'id'])
    .execute();
  await db.schema.createIndex('objects_folder_idx').on('objects').columns(['project_id', 'folder_id']).execute();
  await db.schema.createIndex('objects_name_idx').on('objects').columns(['project_id', 'name']).execute();
  await db.schema
    .createTable('object_uses')
    .addColumn('project_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('object_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('used_id', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('object_uses_pk', ['project_id', 'object_id', 'used_id'])
    .execute();
  await db.schema.createIndex('object_uses_used_idx').on('object_uses').columns(['project_id', 'used_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['object_uses', 'objects', 'projects']) {
    await db.schema.dropTable(table).execute();
  }
}
