import type { Kysely } from 'kysely';

/**
 * The sha256 of an import's undo package, recorded when the import commits: the undo checks the
 * stored bytes against it before it commits, so an undo package changed in storage (a shared folder,
 * a bucket others can write) is refused instead of written into the project. Imports recorded before
 * this have none, and their undo packages are read as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('imports').addColumn('undo_sha256', 'varchar(64)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('imports').dropColumn('undo_sha256').execute();
}
