import { sql, type Kysely } from 'kysely';

/**
 * Ownership of stored bytes and retried jobs.
 * - owned_blobs: every key this environment wrote (recorded before the write), so recovery deletes
 *   only its own abandoned blobs, never another environment's in the same folder or bucket.
 * - storage_config.owner_id: this environment's tag in the shared storage (its marker and temporary names).
 * - jobs.run_after: a job retried after a transient failure waits for its backoff.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('owned_blobs')
    .addColumn('key', 'varchar(1024)', (c) => c.primaryKey())
    .addColumn('written_at', 'bigint', (c) => c.notNull())
    .execute();
  // What this environment stored before the ledger existed: its uploads, its own packages, its undo packages.
  await sql`INSERT INTO owned_blobs (key, written_at) SELECT path, updated_at FROM files WHERE existing = 1`.execute(db);
  await sql`INSERT INTO owned_blobs (key, written_at) SELECT storage_path, updated_at FROM packages
    WHERE storage_path IS NOT NULL AND replicated = 0 AND file_guid IS NULL`.execute(db);
  await sql`INSERT INTO owned_blobs (key, written_at) SELECT undo_path, updated_at FROM imports WHERE undo_path IS NOT NULL`.execute(db);
  await db.schema.alterTable('storage_config').addColumn('owner_id', 'varchar(32)').execute();
  await db.schema
    .alterTable('jobs')
    .addColumn('run_after', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE jobs SET run_after = 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('run_after').execute();
  await db.schema.alterTable('storage_config').dropColumn('owner_id').execute();
  await db.schema.dropTable('owned_blobs').execute();
}
