import type { Kysely, Selectable } from 'kysely';
import type { Database, ResumableUploadsTable } from './db/schema.js';
import type { ResumableUpload, UploadPart } from '../domain/resumable-uploads.js';
import type { BlobStore } from './blob/blob-store.js';

function toUpload(row: Selectable<ResumableUploadsTable>): ResumableUpload {
  return {
    id: row.id,
    fileGuid: row.file_guid,
    length: Number(row.length),
    received: Number(row.received),
    parts: JSON.parse(row.parts) as UploadPart[],
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

/**
 * Resumable uploads in the database, shared by every node. A chunk is appended under a lock taken
 * by one conditional update (at the offset the client named, and only if nobody holds it or its
 * holder stopped renewing it), so two requests at the same offset cannot both append.
 */
export class ResumableUploadRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(upload: ResumableUpload): Promise<void> {
    await this.db
      .insertInto('resumable_uploads')
      .values({
        id: upload.id,
        file_guid: upload.fileGuid,
        length: upload.length,
        received: upload.received,
        parts: JSON.stringify(upload.parts),
        lock: null,
        locked_at: null,
        created_at: upload.createdAt,
        expires_at: upload.expiresAt,
      })
      .execute();
  }

  async get(id: string): Promise<ResumableUpload | undefined> {
    const row = await this.db.selectFrom('resumable_uploads').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUpload(row);
  }

  /** Takes the right to append at `offset`; false when the upload is elsewhere or another live request holds it. */
  async lock(id: string, offset: number, lock: string, staleBefore: number, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable('resumable_uploads')
      .set({ lock, locked_at: now })
      .where('id', '=', id)
      .where('received', '=', offset)
      .where((eb) => eb.or([eb('lock', 'is', null), eb('locked_at', '<', staleBefore)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async renewLock(id: string, lock: string, now = Date.now()): Promise<void> {
    await this.db.updateTable('resumable_uploads').set({ locked_at: now }).where('id', '=', id).where('lock', '=', lock).execute();
  }

  /** Records what the lock holder received and releases the lock; false when the lock was lost meanwhile. */
  async append(id: string, lock: string, received: number, parts: UploadPart[], expiresAt: number): Promise<boolean> {
    const result = await this.db
      .updateTable('resumable_uploads')
      .set({ received, parts: JSON.stringify(parts), expires_at: expiresAt, lock: null, locked_at: null })
      .where('id', '=', id)
      .where('lock', '=', lock)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async unlock(id: string, lock: string): Promise<void> {
    await this.db.updateTable('resumable_uploads').set({ lock: null, locked_at: null }).where('id', '=', id).where('lock', '=', lock).execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('resumable_uploads').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Uploads past their expiry at `now`. */
  async expired(now: number): Promise<ResumableUpload[]> {
    const rows = await this.db.selectFrom('resumable_uploads').selectAll().where('expires_at', '<=', now).execute();
    return rows.map(toUpload);
  }

  /** Ids of the uploads still running at `now`: their parts are not orphans. */
  async liveIds(now: number): Promise<Set<string>> {
    const rows = await this.db.selectFrom('resumable_uploads').select('id').where('expires_at', '>', now).execute();
    return new Set(rows.map((r) => r.id));
  }
}

/** Removes an upload: its record first (it stops being resumable at once), then the parts it received. */
export async function discardResumableUpload(blobs: BlobStore, uploads: ResumableUploadRepository, upload: ResumableUpload): Promise<void> {
  await uploads.delete(upload.id);
  for (const part of upload.parts) await blobs.delete(part.key);
}
