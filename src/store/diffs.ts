import { PostgresAdapter, sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from './db/schema.js';
import type { DiffObjectsTable, DiffsTable } from './db/diff-tables.js';
import type { DiffRow, DiffSummary } from '../domain/diff/rows.js';
import type { FieldChange } from '../domain/diff/json-diff.js';
import type { ReadVersion } from '../domain/diff/fingerprint.js';
import { contains } from './sql-like.js';

export type DiffStatus = 'running' | 'done' | 'failed';

/** What a diff compares: an uploaded file or a migration's package, or (undo) a migration's undo package. */
export interface DiffSource {
  kind: 'file' | 'migration';
  id: string;
  undo: boolean;
}

export interface DiffHeader {
  id: string;
  projectId: string;
  source: DiffSource;
  /** The blob key of the package (or undo package) it reads. */
  packagePath: string;
  status: DiffStatus;
  message: string;
  summary?: DiffSummary;
  fingerprint?: string;
  /** The target's fingerprint as last taken, and the project revision it was taken at. */
  checked?: { revision: number; fingerprint: string };
  userId: string;
  createdAt: number;
  updatedAt: number;
}

export interface DiffFilter {
  offset: number;
  limit: number;
  actions?: string[];
  types?: number[];
  /** Part of the name, any case. */
  q?: string;
}

/** The columns of a stored row after diff_id, in the order insertPage's SQLite statement takes them. */
const STORED_COLUMNS = ['seq', 'object_id', 'type', 'name', 'action', 'target_id', 'blocked', 'changes', 'target_version', 'listed'] as const;
const VERSIONS_PER_READ = 5000;
/**
 * The seq of the first unlisted row (a destination folder). Listed rows are numbered 0, 1, 2… so that
 * an unfiltered page is a range of seq, and `seq >= 0` selects them from any index ending in seq.
 */
export const FIRST_UNLISTED_SEQ = -(2 ** 31);

/** One page of a diff as it is stored: the package's objects, and the destination folders first read on that page. */
export interface DiffPageRows {
  /** The seq of the first listed row, and of the first unlisted one. */
  seq: number;
  unlistedSeq: number;
  rows: readonly DiffRow[];
  folders: readonly DiffRow[];
}

function toHeader(row: Selectable<DiffsTable>): DiffHeader {
  return {
    id: row.id,
    projectId: row.project_id,
    source: JSON.parse(row.source) as DiffSource,
    packagePath: row.package_path,
    status: row.status as DiffStatus,
    message: row.message,
    ...(row.summary ? { summary: JSON.parse(row.summary) as DiffSummary } : {}),
    ...(row.fingerprint ? { fingerprint: row.fingerprint } : {}),
    ...(row.checked_revision !== null && row.checked_fingerprint
      ? { checked: { revision: Number(row.checked_revision), fingerprint: row.checked_fingerprint } }
      : {}),
    userId: row.user_id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toRow(row: Selectable<DiffObjectsTable>): DiffRow {
  return {
    id: row.object_id,
    type: Number(row.type),
    name: row.name,
    action: row.action as DiffRow['action'],
    ...(row.target_id ? { targetId: row.target_id } : {}),
    ...(row.blocked ? { blocked: row.blocked } : {}),
    changes: JSON.parse(row.changes) as FieldChange[],
    targetVersion: row.target_version,
  };
}

/** Stored diffs: written a page at a time while they are computed, read back a page at a time. */
export class DiffRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(header: DiffHeader): Promise<void> {
    await this.db
      .insertInto('diffs')
      .values({
        id: header.id,
        project_id: header.projectId,
        source: JSON.stringify(header.source),
        package_path: header.packagePath,
        status: header.status,
        message: header.message,
        summary: null,
        fingerprint: null,
        checked_revision: null,
        checked_fingerprint: null,
        user_id: header.userId,
        created_at: header.createdAt,
        updated_at: header.updatedAt,
      })
      .execute();
  }

  async get(id: string): Promise<DiffHeader | undefined> {
    const row = await this.db.selectFrom('diffs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toHeader(row);
  }

  /**
   * Stores one page in one transaction. The rows are a cache of what the package and the target say:
   * on PostgreSQL their commit does not wait for the disk (a crash fails the diff, which is taken again,
   * and the diff's header, committed durably after them, flushes them with it). They go as one
   * parameter per column on PostgreSQL (unnest) and as one JSON array on SQLite (json_each): a
   * multi-row VALUES of 1,000 rows is 11,000 parameters for the query builder to walk and the driver
   * to bind, a tenth of a diff's time.
   */
  async insertPage(diffId: string, page: DiffPageRows): Promise<void> {
    const values = [...storedRows(diffId, page.seq, page.rows, true), ...storedRows(diffId, page.unlistedSeq, page.folders, false)];
    if (values.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      if (trx.getExecutor().adapter instanceof PostgresAdapter) {
        await sql`SET LOCAL synchronous_commit TO OFF`.execute(trx);
        const column = <K extends keyof DiffObjectsTable>(key: K) => values.map((v) => v[key]);
        await sql`INSERT INTO diff_objects (diff_id, seq, object_id, type, name, action, target_id, blocked, changes, target_version, listed)
          SELECT ${diffId}, * FROM unnest(${column('seq')}::integer[], ${column('object_id')}::varchar[], ${column('type')}::integer[],
            ${column('name')}::text[], ${column('action')}::varchar[], ${column('target_id')}::varchar[], ${column('blocked')}::text[],
            ${column('changes')}::text[], ${column('target_version')}::varchar[], ${column('listed')}::integer[])`.execute(trx);
        return;
      }
      const rows = JSON.stringify(values.map((v) => STORED_COLUMNS.map((key) => v[key])));
      await sql`INSERT INTO diff_objects (diff_id, seq, object_id, type, name, action, target_id, blocked, changes, target_version, listed)
        SELECT ${diffId}, r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 6,
          r.value ->> 7, r.value ->> 8, r.value ->> 9 FROM json_each(${rows}) AS r`.execute(trx);
    });
  }

  /** `revision`: the project's revision read before the diff read its target. */
  async finish(id: string, summary: DiffSummary, fingerprint: string, revision: number): Promise<void> {
    await this.db
      .updateTable('diffs')
      .set({
        status: 'done',
        summary: JSON.stringify(summary),
        fingerprint,
        checked_revision: revision,
        checked_fingerprint: fingerprint,
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Records the target's fingerprint taken at `revision`, unless a check at a later revision got there first. */
  async checked(id: string, revision: number, fingerprint: string): Promise<void> {
    await this.db
      .updateTable('diffs')
      .set({ checked_revision: revision, checked_fingerprint: fingerprint })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('checked_revision', 'is', null), eb('checked_revision', '<', revision)]))
      .execute();
  }

  /** A failed diff keeps its header (with the reason) and drops whatever rows it had written. */
  async fail(id: string, message: string): Promise<void> {
    await this.clearRows(id);
    await this.db
      .updateTable('diffs')
      .set({ status: 'failed', message, updated_at: Date.now() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  async clearRows(id: string): Promise<void> {
    await this.db.deleteFrom('diff_objects').where('diff_id', '=', id).execute();
  }

  /** Drops diffs taken before `before` (epoch ms), rows first. */
  async prune(before: number): Promise<void> {
    const old = this.db.selectFrom('diffs').select('id').where('created_at', '<', before);
    await this.db.deleteFrom('diff_objects').where('diff_id', 'in', old).execute();
    await this.db.deleteFrom('diffs').where('created_at', '<', before).execute();
  }

  /**
   * One page of a diff's objects in package order, and how many match the filter. `total`, when the
   * caller knows it (from the summary), spares counting; with no filter the page is a range of seq.
   */
  async page(id: string, filter: DiffFilter, total?: number): Promise<{ total: number; rows: DiffRow[] }> {
    let query = this.db.selectFrom('diff_objects').where('diff_id', '=', id);
    const filtered = Boolean(filter.actions?.length || filter.types?.length || filter.q);
    if (filter.actions?.length) query = query.where('action', 'in', filter.actions);
    if (filter.types?.length) query = query.where('type', 'in', filter.types);
    if (filter.q) query = query.where(contains(sql`name`, filter.q));
    const listed = filtered ? query.where('seq', '>=', 0).offset(filter.offset) : query.where('seq', '>=', filter.offset);
    const rows = filter.limit === 0 ? [] : await listed.selectAll().orderBy('seq').limit(filter.limit).execute();
    if (total !== undefined) return { total, rows: rows.map(toRow) };
    const counted = await query
      .where('seq', '>=', 0)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { total: Number(counted.n), rows: rows.map(toRow) };
  }

  /** The versions the target holds now of the objects the diff read, in the order they were read (seq). */
  async *currentVersions(id: string, projectId: string): AsyncGenerator<ReadVersion[]> {
    let from = FIRST_UNLISTED_SEQ;
    for (;;) {
      const rows = await this.db
        .selectFrom('diff_objects as d')
        .select((eb) => [
          'd.object_id',
          'd.seq',
          // A look-up by key for each row: as a join, PostgreSQL hashed the whole project for every slice
          // (6 s for 100,000 objects in a project of 300,000).
          eb.selectFrom('objects as o').select('o.version').where('o.project_id', '=', projectId).whereRef('o.id', '=', 'd.object_id').as('version'),
        ])
        .where('d.diff_id', '=', id)
        .where('d.seq', '>=', from)
        .orderBy('d.seq')
        .limit(VERSIONS_PER_READ)
        .execute();
      const last = rows.at(-1);
      if (!last) return;
      yield rows.map((r) => ({ id: r.object_id, version: r.version, listed: Number(r.seq) >= 0 }));
      from = Number(last.seq) + 1;
      if (rows.length < VERSIONS_PER_READ) return;
    }
  }
}

function storedRows(diffId: string, firstSeq: number, rows: readonly DiffRow[], listed: boolean): DiffObjectsTable[] {
  return rows.map((r, i) => ({
    diff_id: diffId,
    seq: firstSeq + i,
    object_id: r.id,
    type: r.type,
    name: r.name,
    action: r.action,
    target_id: r.targetId ?? null,
    blocked: r.blocked ?? null,
    changes: JSON.stringify(r.changes),
    target_version: r.targetVersion,
    listed: listed ? 1 : 0,
  }));
}
