import { createHash } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely } from 'kysely';

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
 * - indexes for the filters a search combines with its name: type, modification date; on
 *   PostgreSQL a trigram index serves "name contains" (pg_trgm ships with the server package).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .alterTable('objects')
    .addColumn('acl_key', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createTable('acl_sets')
    .addColumn('acl_key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('acl', 'text', (c) => c.notNull())
    .execute();
  await backfillAclKeys(db);
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

/** Distinct ACLs per UPDATE: each statement is one pass over the objects. */
const ACLS_PER_UPDATE = 200;

/** Existing objects get their ACL key: one UPDATE per group of distinct ACLs, not one per object. */
async function backfillAclKeys(db: Kysely<unknown>): Promise<void> {
  const distinct = await sql<{ acl: string }>`SELECT DISTINCT acl FROM objects`.execute(db);
  const acls = distinct.rows.map((r) => r.acl);
  for (let i = 0; i < acls.length; i += ACLS_PER_UPDATE) {
    const group = acls.slice(i, i + ACLS_PER_UPDATE).map((acl) => ({ acl, key: aclKey(acl) }));
    await sql`INSERT INTO acl_sets (acl_key, acl) VALUES ${sql.join(group.map((g) => sql`(${g.key}, ${g.acl})`))}`.execute(db);
    const cases = sql.join(
      group.map((g) => sql`WHEN ${g.acl} THEN ${g.key}`),
      sql` `,
    );
    await sql`UPDATE objects SET acl_key = CASE acl ${cases} END WHERE acl IN (${sql.join(group.map((g) => g.acl))})`.execute(db);
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
