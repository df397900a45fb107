import type { Kysely } from 'kysely';

/**
 * Signed packages: this environment's Ed25519 keys (only the current one keeps its private key, sealed with the
 * secret keyring; retired ones keep their public key so older packages still verify), the source keys an
 * administrator trusts, and the signature state recorded on shared files and migration packages.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signing_keys')
    .addColumn('key_id', 'varchar(16)', (c) => c.primaryKey())
    .addColumn('public_key', 'varchar(200)', (c) => c.notNull())
    .addColumn('sealed_private_key', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();
  await db.schema
    .createTable('trusted_keys')
    .addColumn('key_id', 'varchar(16)', (c) => c.primaryKey())
    .addColumn('environment_id', 'varchar(2048)', (c) => c.notNull())
    .addColumn('environment_name', 'varchar(2000)', (c) => c.notNull())
    .addColumn('public_key', 'varchar(200)', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addColumn('added_by', 'varchar(2000)', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('files').addColumn('signature', 'text').execute();
  await db.schema.alterTable('packages').addColumn('signature', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('packages').dropColumn('signature').execute();
  await db.schema.alterTable('files').dropColumn('signature').execute();
  await db.schema.dropTable('trusted_keys').execute();
  await db.schema.dropTable('signing_keys').execute();
}
