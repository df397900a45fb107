import type { Kysely } from 'kysely';

/**
 * Identity tokens (Workstation-style delegation): a session trades itself for a short-lived token that
 * another connection redeems for a session of its own. Only the token's hash is kept; a token goes with
 * its user (cascade), and `redeemed_at` tells a reused token from an unknown one until it expires.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('identity_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('redeemed_at', 'bigint')
    .execute();
  await db.schema.createIndex('identity_tokens_expires_idx').on('identity_tokens').column('expires_at').execute();
  await db.schema.createIndex('identity_tokens_user_idx').on('identity_tokens').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('identity_tokens').execute();
}
