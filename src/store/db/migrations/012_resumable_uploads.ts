import type { Kysely } from 'kysely';

/**
 * Resumable uploads (tus 1.0, issue 19): one row per upload of a shared file's binary. `parts` lists
 * the blobs its chunks were stored as (JSON, in order); `lock` is held by the request writing a
 * chunk, so that two requests at one offset cannot both append; `expires_at` is when recovery
 * removes an unfinished upload.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('resumable_uploads')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('file_guid', 'varchar(32)', (c) => c.notNull())
    .addColumn('length', 'bigint', (c) => c.notNull())
    .addColumn('received', 'bigint', (c) => c.notNull())
    .addColumn('parts', 'text', (c) => c.notNull())
    .addColumn('lock', 'varchar(64)')
    .addColumn('locked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('resumable_uploads_expires_idx').on('resumable_uploads').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('resumable_uploads').execute();
}
