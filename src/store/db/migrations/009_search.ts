import { createHash } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const BACKFILL_BATCH = 2000;

/** The key of an ACL: equal ACLs (most objects share a few) share one key. Kept here: migrations never change. */
function aclKey(acl: string): string {
  return createHash('sha256').update(acl).digest('hex');
}

/**
 * Search (issue 14).
 * - objects.acl_key + acl_sets: who may browse is decided per distinct ACL, so a search filters the
 *   objects a caller may not see in SQL, before paging and counting.
 * - search_instances: stored metadata searches (POST …/metadataSearches/results), read back by id
 *   from any node.
 * - indexes for the filters a search combines with its name: type, modification date, owner; on
 *   PostgreSQL a trigram index serves "name contains" (pg_trgm ships with the server package).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable('objects').addColumn('acl_key', 'varchar(64)', (c) => c.notNull().defaultTo('')).execute();
  await db.schema
    .createTable('acl_sets')
    .addColumn('acl_key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('acl', 'text', (c) => c.notNull())
    .execute();
  await backfillAclKeys(db as Kysely<BackfillTables>);
  await db.schema
    .createTable('search_instances')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('criteria', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('search_instances_created_idx').on('search_instances').column('created_at').execute();
  await db.schema.createIndex('objects_type_name_idx').on('objects').columns(['project_id', 'type', 'name', 'id']).execute();
  await db.schema.createIndex('objects_modified_idx').on('objects').columns(['project_id', 'date_modified']).execute();
  if (postgres && (await trigramsAvailable(db))) {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
    await sql`CREATE INDEX objects_name_trgm_idx ON objects USING gin (lower(name) gin_trgm_ops)`.execute(db);
  }
}

interface BackfillTables {
  objects: { project_id: string; id: string; acl: string; acl_key: string };
  acl_sets: { acl_key: string; acl: string };
}

/** Existing objects get their ACL key, a batch at a time in key order. */
async function backfillAclKeys(db: Kysely<BackfillTables>): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    const rows = await db.selectFrom('objects').select(['project_id', 'id', 'acl']).where('acl_key', '=', '').limit(BACKFILL_BATCH).execute();
    if (rows.length === 0) return;
    for (const row of rows) {
      const key = aclKey(row.acl);
      if (!seen.has(key)) {
        seen.add(key);
        await db.insertInto('acl_sets').values({ acl_key: key, acl: row.acl }).onConflict((oc) => oc.column('acl_key').doNothing()).execute();
      }
      await db.updateTable('objects').set({ acl_key: key }).where('project_id', '=', row.project_id).where('id', '=', row.id).execute();
    }
  }
}

async function trigramsAvailable(db: Kysely<unknown>): Promise<boolean> {
  const found = await sql<{ name: string }>`SELECT name FROM pg_available_extensions WHERE name = 'pg_trgm'`.execute(db);
  return found.rows.length > 0;
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS objects_name_trgm_idx`.execute(db);
  await db.schema.dropIndex('objects_modified_idx').execute();
  await db.schema.dropIndex('objects_type_name_idx').execute();
  await db.schema.dropTable('search_instances').execute();
  await db.schema.dropTable('acl_sets').execute();
  await db.schema.alterTable('objects').dropColumn('acl_key').execute();
}
