import type { Kysely } from 'kysely';

// Migrations take Kysely<unknown>: they must not depend on today's table types.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('login', 'varchar(250)', (c) => c.notNull().unique())
    .addColumn('full_name', 'varchar(250)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(512)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('user_groups')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(250)', (c) => c.notNull().unique())
    .execute();
  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'varchar(32)', (c) => c.notNull().references('user_groups.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('grants')
    .addColumn('principal_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('privilege', 'varchar(64)', (c) => c.notNull())
    .addPrimaryKeyConstraint('grants_pk', ['principal_id', 'privilege'])
    .execute();
  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_active_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('files')
    .addColumn('guid', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(250)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('existing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('creator_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('creator_name', 'varchar(250)', (c) => c.notNull())
    .addColumn('env_id', 'varchar(2000)', (c) => c.notNull())
    .addColumn('env_name', 'varchar(2000)', (c) => c.notNull())
    .addColumn('package_id', 'varchar(32)', (c) => c.notNull().unique())
    .addColumn('package_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('package_purpose', 'varchar(64)', (c) => c.notNull())
    .addColumn('path', 'varchar(512)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('upload_claim', 'varchar(64)')
    .execute();
  await db.schema.createIndex('files_created_idx').on('files').column('created_at').execute();
  await db.schema
    .createTable('storage_config')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('settings', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['storage_config', 'files', 'sessions', 'grants', 'group_members', 'user_groups', 'users']) {
    await db.schema.dropTable(table).execute();
  }
}
