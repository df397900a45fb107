import type { Insertable, Kysely } from 'kysely';
import type { ConflictAction, ContentLevel, TocRow } from '../domain/mmp/types.js';
import type { Database } from './db/schema.js';
import type { PackageTocTable } from './db/migration-tables.js';
import { insertRows, type ColumnTypes } from './db/insert-rows.js';

/** Rows per INSERT: well under either dialect's limit on bound parameters (10 a row). */
const ROWS_PER_INSERT = 500;
const TOC_TYPES: ColumnTypes<Insertable<PackageTocTable>> = {
  package_id: 'varchar',
  seq: 'integer',
  object_id: 'varchar',
  type: 'integer',
  subtype: 'integer',
  name: 'text',
  version: 'varchar',
  action: 'varchar',
  explicit_included: 'integer',
  level: 'varchar',
};
/** Rows per read of a whole toc. */
const ROWS_PER_READ = 5_000;

/**
 * A package's table of contents, one row per object in package order (package_toc), written page by page as the
 * package is created or imported: clear it, append each page, then close it with the number of rows. Until it is
 * closed the record shows no toc. Records written by older versions keep theirs as JSON in `packages.toc`.
 */
export class PackageTocRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Removes the package's toc, rows and old JSON alike. */
  async clear(packageId: string): Promise<void> {
    await this.db.deleteFrom('package_toc').where('package_id', '=', packageId).execute();
    await this.db.updateTable('packages').set({ toc: null, toc_rows: null }).where('id', '=', packageId).execute();
  }

  /** One page of the toc; `firstSeq` is the package position of its first row. */
  async append(packageId: string, firstSeq: number, rows: readonly TocRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const values = rows.slice(i, i + ROWS_PER_INSERT).map((row, j) => ({
        package_id: packageId,
        seq: firstSeq + i + j,
        object_id: row.id,
        type: row.type,
        subtype: row.subtype,
        name: row.name,
        version: row.version,
        action: row.action,
        explicit_included: row.explicitIncluded ? 1 : 0,
        level: row.level,
      }));
      // Two imports of one package may write its rows at once (a package imported again, nodes in parallel): the
      // rows of one package's bytes are the same, so a row already there stays.
      await insertRows(this.db, 'package_toc', TOC_TYPES, values)
        .onConflict((oc) => oc.columns(['package_id', 'seq']).doNothing())
        .execute();
    }
  }

  /** Whether the package's toc is complete as rows (closed), as its creation or an earlier import left it. */
  async complete(packageId: string): Promise<boolean> {
    const row = await this.db.selectFrom('packages').select('toc_rows').where('id', '=', packageId).executeTakeFirst();
    return row?.toc_rows != null;
  }

  /** The toc is complete with `rows` rows: the record shows it from now on. */
  async close(packageId: string, rows: number): Promise<void> {
    await this.db.updateTable('packages').set({ toc: null, toc_rows: rows }).where('id', '=', packageId).execute();
  }

  /** Up to `limit` rows from package position `fromSeq` on, in package order. */
  async page(packageId: string, fromSeq: number, limit: number): Promise<TocRow[]> {
    const rows = await this.db
      .selectFrom('package_toc')
      .select(['object_id', 'type', 'subtype', 'name', 'version', 'action', 'explicit_included', 'level'])
      .where('package_id', '=', packageId)
      .where('seq', '>=', fromSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.object_id,
      type: row.type,
      subtype: row.subtype,
      name: row.name,
      version: row.version,
      action: row.action as ConflictAction,
      explicitIncluded: row.explicit_included === 1,
      level: row.level as ContentLevel,
    }));
  }

  /** The whole toc, read a page at a time. */
  async *pages(packageId: string): AsyncGenerator<TocRow[]> {
    for (let seq = 0; ; ) {
      const rows = await this.page(packageId, seq, ROWS_PER_READ);
      if (rows.length === 0) return;
      yield rows;
      seq += rows.length;
    }
  }
}
