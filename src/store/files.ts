import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, FilesTable } from './db/schema.js';
import type { SignatureRecord } from '../domain/signature-states.js';
import { PACKAGE_PURPOSES, PACKAGE_TYPES, type PackagePurpose, type PackageType, type SharedFile } from '../domain/shared-files.js';
import type { PackageSource } from '../domain/package-source.js';
import { sortOrder, type FileSort, type ListFilters } from '../domain/list-filters.js';
import { contains } from './sql-like.js';

export interface FileListFilters extends ListFilters {
  purposes: string[];
  sort: FileSort;
}

const NO_FILE_FILTERS: FileListFilters = { types: [], purposes: [], sort: '-created' };
const FILE_SORT_COLUMNS = { created: 'created_at', name: 'name', size: 'size' } as const;

function pick<T extends string>(value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new Error(`Unexpected stored value ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}.`);
  return found;
}

function toFile(row: Selectable<FilesTable>): SharedFile {
  return {
    guid: row.guid,
    name: row.name,
    size: Number(row.size),
    sha256: row.sha256,
    existing: row.existing === 1,
    creator: { id: row.creator_id, name: row.creator_name },
    // '' marks what the client left to the package's header.
    environment: row.env_id === '' ? undefined : { id: row.env_id, name: row.env_name },
    packageId: row.package_id,
    packageType: row.package_type === '' ? undefined : pick<PackageType>(row.package_type, PACKAGE_TYPES),
    packagePurpose: pick<PackagePurpose>(row.package_purpose, PACKAGE_PURPOSES),
    path: row.path,
    ...(row.signature ? { signature: JSON.parse(row.signature) as SignatureRecord } : {}),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    ...(row.source ? { source: JSON.parse(row.source) as PackageSource } : {}),
  };
}

function toRow(file: SharedFile): FilesTable {
  return {
    guid: file.guid,
    name: file.name,
    size: file.size,
    sha256: file.sha256,
    existing: file.existing ? 1 : 0,
    creator_id: file.creator.id,
    creator_name: file.creator.name,
    env_id: file.environment?.id ?? '',
    env_name: file.environment?.name ?? '',
    package_id: file.packageId,
    package_type: file.packageType ?? '',
    package_purpose: file.packagePurpose,
    path: file.path,
    created_at: file.createdAt.getTime(),
    updated_at: file.updatedAt.getTime(),
    upload_claim: null,
    upload_claimed_at: null,
    source: file.source ? JSON.stringify(file.source) : null,
    signature: file.signature ? JSON.stringify(file.signature) : null,
  };
}

/** Shared-file metadata. The blob of a file is stored under the key `file.path`. */
export class FileRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts the file unless the store already holds `max` files; false when it does. The count and
   * the insert run under one lock (the storage settings row, taken by a no-op update), so
   * concurrent creates on several nodes cannot pass the limit together.
   */
  async insertWithinLimit(file: SharedFile, max: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('storage_config')
        .set((eb) => ({ id: eb.ref('id') }))
        .where('id', '=', 1)
        .execute();
      const row = await trx
        .selectFrom('files')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(row.n) >= max) return false;
      await trx.insertInto('files').values(toRow(file)).execute();
      return true;
    });
  }

  async get(guid: string): Promise<SharedFile | undefined> {
    const row = await this.db.selectFrom('files').selectAll().where('guid', '=', guid).executeTakeFirst();
    return row && toFile(row);
  }

  async findByPackageId(packageId: string): Promise<SharedFile | undefined> {
    const row = await this.db.selectFrom('files').selectAll().where('package_id', '=', packageId).executeTakeFirst();
    return row && toFile(row);
  }

  /** Another file whose stored bytes have this sha256 (the oldest), if any. */
  async findStoredBySha256(sha256: string, exceptGuid?: string): Promise<SharedFile | undefined> {
    let query = this.db.selectFrom('files').selectAll().where('sha256', '=', sha256).where('existing', '=', 1);
    if (exceptGuid) query = query.where('guid', '!=', exceptGuid);
    const row = await query.orderBy('created_at').orderBy('guid').limit(1).executeTakeFirst();
    return row && toFile(row);
  }

  /** A page of files matching the filters, in the order asked (newest first by default). */
  async list(offset: number, limit: number, filters: FileListFilters = NO_FILE_FILTERS): Promise<{ total: number; files: SharedFile[] }> {
    let base = this.db.selectFrom('files');
    const { q, types, creator, from, to } = filters;
    if (q) base = base.where((eb) => eb.or([contains(sql.ref('name'), q), contains(sql.ref('guid'), q), contains(sql.ref('package_id'), q)]));
    if (types.length > 0) base = base.where('package_type', 'in', types);
    if (filters.purposes.length > 0) base = base.where('package_purpose', 'in', filters.purposes);
    if (creator) base = base.where((eb) => eb.or([contains(sql.ref('creator_name'), creator), contains(sql.ref('creator_id'), creator)]));
    if (from !== undefined) base = base.where('created_at', '>=', from);
    if (to !== undefined) base = base.where('created_at', '<=', to);
    const { key, direction } = sortOrder(filters.sort);
    const column = FILE_SORT_COLUMNS[key];
    const [count, rows] = await Promise.all([
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      base.selectAll().orderBy(column, direction).orderBy('guid', direction).offset(offset).limit(limit).execute(),
    ]);
    return { total: Number(count.n), files: rows.map(toFile) };
  }

  /**
   * Takes the right to upload the binary of a file that has none yet. The conditional update is
   * atomic on both dialects, so of two concurrent uploads exactly one gets true.
   */
  async claimUpload(guid: string, claim: string, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable('files')
      .set({ upload_claim: claim, upload_claimed_at: now })
      .where('guid', '=', guid)
      .where('existing', '=', 0)
      .where('upload_claim', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Shows that the upload holding `claim` is still alive. */
  async renewClaim(guid: string, claim: string, now = Date.now()): Promise<void> {
    await this.db.updateTable('files').set({ upload_claimed_at: now }).where('guid', '=', guid).where('upload_claim', '=', claim).execute();
  }

  /**
   * Marks the binary as stored, with the lineage its header gave and its signature's state; undefined when the
   * claim was lost (the file was deleted meanwhile).
   */
  async completeUpload(guid: string, claim: string, now: Date, source: PackageSource, signature?: SignatureRecord): Promise<SharedFile | undefined> {
    const result = await this.db
      .updateTable('files')
      .set({
        existing: 1,
        upload_claim: null,
        upload_claimed_at: null,
        updated_at: now.getTime(),
        source: JSON.stringify(source),
        signature: signature ? JSON.stringify(signature) : null,
      })
      .where('guid', '=', guid)
      .where('upload_claim', '=', claim)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? this.get(guid) : undefined;
  }

  async releaseClaim(guid: string, claim: string): Promise<void> {
    await this.db
      .updateTable('files')
      .set({ upload_claim: null, upload_claimed_at: null })
      .where('guid', '=', guid)
      .where('upload_claim', '=', claim)
      .execute();
  }

  async delete(guid: string): Promise<boolean> {
    const result = await this.db.deleteFrom('files').where('guid', '=', guid).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Claims left by uploads that a stop or crash interrupted: not renewed since `staleBefore`. */
  async clearStaleClaims(staleBefore: number): Promise<number> {
    const result = await this.db
      .updateTable('files')
      .set({ upload_claim: null, upload_claimed_at: null })
      .where('upload_claim', 'is not', null)
      .where((eb) => eb.or([eb('upload_claimed_at', 'is', null), eb('upload_claimed_at', '<', staleBefore)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Blob keys that a file owns: its binary is stored, or an upload is writing it. */
  async pathsInUse(): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('files')
      .select('path')
      .where((eb) => eb.or([eb('existing', '=', 1), eb('upload_claim', 'is not', null)]))
      .execute();
    return new Set(rows.map((r) => r.path));
  }

  async listStored(): Promise<Array<Pick<SharedFile, 'guid' | 'path' | 'size'>>> {
    const rows = await this.db.selectFrom('files').select(['guid', 'path', 'size']).where('existing', '=', 1).execute();
    return rows.map((r) => ({ guid: r.guid, path: r.path, size: Number(r.size) }));
  }

  async markMissing(guid: string, now: Date): Promise<void> {
    await this.db.updateTable('files').set({ existing: 0, updated_at: now.getTime() }).where('guid', '=', guid).execute();
  }
}
