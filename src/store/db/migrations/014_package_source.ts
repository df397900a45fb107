import type { Kysely } from 'kysely';

/**
 * Lineage (issue 17): where a package came from, read from its own header at upload (JSON: source environment,
 * project, package id, type, purpose, name, creator). Kept with the file and with the package record of the
 * import made from it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('files').addColumn('source', 'text').execute();
  await db.schema.alterTable('packages').addColumn('source', 'text').execute();
  await db.schema.createIndex('files_sha256_idx').on('files').column('sha256').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('files_sha256_idx').execute();
  await db.schema.alterTable('packages').dropColumn('source').execute();
  await db.schema.alterTable('files').dropColumn('source').execute();
}
