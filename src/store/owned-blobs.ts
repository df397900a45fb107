import type { Kysely } from 'kysely';
import type { Database } from './db/schema.js';

export interface OwnedBlob {
  key: string;
  writtenAt: number;
}

/**
 * The keys this environment wrote to its storage. A key is recorded before its bytes are written
 * and forgotten after they are deleted, so a crash in between leaves a row, never an unknown blob:
 * recovery deletes only keys listed here, and so never touches another environment's files.
 */
export class OwnedBlobRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(key: string, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('owned_blobs')
      .values({ key, written_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ written_at: now }))
      .execute();
  }

  async forget(key: string): Promise<void> {
    await this.db.deleteFrom('owned_blobs').where('key', '=', key).execute();
  }

  /** Forgets a key only if nobody wrote it again since `writtenAt`; true when it did. */
  async forgetIfUnchanged(blob: OwnedBlob): Promise<boolean> {
    const result = await this.db.deleteFrom('owned_blobs').where('key', '=', blob.key).where('written_at', '=', blob.writtenAt).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async all(): Promise<OwnedBlob[]> {
    const rows = await this.db.selectFrom('owned_blobs').select(['key', 'written_at']).execute();
    return rows.map((r) => ({ key: r.key, writtenAt: Number(r.written_at) }));
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('owned_blobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
