import type { Kysely } from 'kysely';

/** When an upload last showed it is alive: a claim that stops being renewed belongs to a dead node. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('files').addColumn('upload_claimed_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('files').dropColumn('upload_claimed_at').execute();
}
