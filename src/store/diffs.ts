import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from './db/schema.js';
import type { DiffObjectsTable, DiffsTable } from './db/diff-tables.js';
import type { DiffRow, DiffSummary } from '../domain/diff/rows.js';
import type { FieldChange } from '../domain/diff/json-diff.js';
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

/** Bind parameters per multi-row INSERT, below SQLite's 32,766. */
const ROWS_PER_INSERT = Math.floor(30_000 / 12);
const VERSIONS_PER_READ = 5000;

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

  /** `listed` false: objects the engine read but the package does not hold (destination folders). */
  async insertRows(diffId: string, firstSeq: number, rows: readonly DiffRow[], listed = true): Promise<void> {
    const values = rows.map((r, i) => ({
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
    for (let i = 0; i < values.length; i += ROWS_PER_INSERT)
      await this.db
        .insertInto('diff_objects')
        .values(values.slice(i, i + ROWS_PER_INSERT))
        .execute();
  }

  async finish(id: string, summary: DiffSummary, fingerprint: string): Promise<void> {
    await this.db
      .updateTable('diffs')
      .set({ status: 'done', summary: JSON.stringify(summary), fingerprint, updated_at: Date.now() })
      .where('id', '=', id)
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

  /** One page of a diff's objects in package order, and how many match the filter. */
  async page(id: string, filter: DiffFilter): Promise<{ total: number; rows: DiffRow[] }> {
    let query = this.db.selectFrom('diff_objects').where('diff_id', '=', id).where('listed', '=', 1);
    if (filter.actions?.length) query = query.where('action', 'in', filter.actions);
    if (filter.types?.length) query = query.where('type', 'in', filter.types);
    if (filter.q) query = query.where(contains(sql`name`, filter.q));
    const rows = filter.limit === 0 ? [] : await query.selectAll().orderBy('seq').offset(filter.offset).limit(filter.limit).execute();
    const counted = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { total: Number(counted.n), rows: rows.map(toRow) };
  }

  /** The target versions the diff saw, in id order (for its fingerprint). */
  storedVersions(id: string): AsyncGenerator<Array<{ id: string; version: string | null }>> {
    return this.versions(id, undefined);
  }

  /** The versions the target holds now of the same objects, in the same order. */
  currentVersions(id: string, projectId: string): AsyncGenerator<Array<{ id: string; version: string | null }>> {
    return this.versions(id, projectId);
  }

  /** Keyset pages over (object_id, seq); `projectId` undefined: the stored versions, else the target's now. */
  private async *versions(id: string, projectId: string | undefined): AsyncGenerator<Array<{ id: string; version: string | null }>> {
    let after: { id: string; seq: number } | undefined;
    for (;;) {
      let query = this.db
        .selectFrom('diff_objects as d')
        .leftJoin('objects as o', (join) => join.on('o.project_id', '=', projectId ?? '').onRef('o.id', '=', 'd.object_id'))
        .select(['d.object_id', 'd.seq', 'd.target_version', 'o.version'])
        .where('d.diff_id', '=', id);
      const from = after;
      if (from) query = query.where((eb) => eb.or([eb('d.object_id', '>', from.id), eb.and([eb('d.object_id', '=', from.id), eb('d.seq', '>', from.seq)])]));
      const rows = await query.orderBy('d.object_id').orderBy('d.seq').limit(VERSIONS_PER_READ).execute();
      if (rows.length === 0) return;
      yield rows.map((r) => ({ id: r.object_id, version: projectId === undefined ? r.target_version : r.version }));
      const last = rows[rows.length - 1];
      if (!last) return;
      after = { id: last.object_id, seq: Number(last.seq) };
      if (rows.length < VERSIONS_PER_READ) return;
    }
  }
}
