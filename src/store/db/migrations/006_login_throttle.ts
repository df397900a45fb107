import type { Kysely } from 'kysely';

/**
 * Login attempts per (login, client address), plus one row per login with address '*' for the
 * ceiling across all addresses. Counted in the database so that every node shares them, and
 * updated by single upserts so that concurrent attempts cannot read a stale count.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    .addColumn('login_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('address', 'varchar(64)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('last_success', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_throttle_pk', ['login_key', 'address'])
    .execute();
  await db.schema.createIndex('login_throttle_window_idx').on('login_throttle').column('window_start').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_throttle').execute();
}
