import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('packages')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(250)', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('purpose', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('progress', 'real', (c) => c.notNull().defaultTo(0))
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('replicated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('creator_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('creator_name', 'varchar(250)', (c) => c.notNull())
    .addColumn('env_id', 'varchar(2000)', (c) => c.notNull())
    .addColumn('env_name', 'varchar(2000)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(32)')
    .addColumn('project_name', 'varchar(250)')
    .addColumn('storage_path', 'varchar(512)')
    .addColumn('storage_size', 'bigint')
    .addColumn('sha256', 'varchar(64)')
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('toc', 'text')
    .addColumn('certification', 'text')
    .addColumn('file_guid', 'varchar(32)')
    .addColumn('format_version', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('packages_created_idx').on('packages').column('created_at').execute();
  await db.schema
    .createTable('imports')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('package_id', 'varchar(32)', (c) => c.notNull().references('packages.id').onDelete('cascade'))
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('import_request_status', 'varchar(32)', (c) => c.notNull())
    .addColumn('undo_request_status', 'varchar(32)', (c) => c.notNull())
    .addColumn('progress', 'real', (c) => c.notNull().defaultTo(0))
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('creator_id', 'varchar(32)')
    .addColumn('creator_name', 'varchar(250)')
    .addColumn('env_id', 'varchar(2000)', (c) => c.notNull())
    .addColumn('env_name', 'varchar(2000)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(32)')
    .addColumn('project_name', 'varchar(250)')
    .addColumn('generate_undo', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('undo_path', 'varchar(512)')
    .addColumn('undo_size', 'bigint')
    .addColumn('report', 'text')
    .addColumn('validation', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('imports_package_idx').on('imports').column('package_id').execute();
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('package_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('import_id', 'varchar(32)')
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('owner', 'varchar(64)')
    .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_state_idx').on('jobs').columns(['state', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['jobs', 'imports', 'packages']) await db.schema.dropTable(table).execute();
}
