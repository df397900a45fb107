import type { Kysely } from 'kysely';

/**
 * A package's table of contents as rows (issue 16, flat memory): one row per object in package_toc,
 * written page by page while the package is created or imported, and read a page at a time, instead
 * of one JSON column holding a million rows. `packages.toc_rows` counts the rows once the toc is
 * complete (null: the toc, if any, is still the JSON column `packages.toc` of a record written by an
 * older version, which is still read).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('package_toc')
    .addColumn('package_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('object_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('subtype', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'varchar(32)', (c) => c.notNull())
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('explicit_included', 'integer', (c) => c.notNull())
    .addColumn('level', 'varchar(64)', (c) => c.notNull())
    .addPrimaryKeyConstraint('package_toc_pk', ['package_id', 'seq'])
    .execute();
  await db.schema.alterTable('packages').addColumn('toc_rows', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('packages').dropColumn('toc_rows').execute();
  await db.schema.dropTable('package_toc').execute();
}
