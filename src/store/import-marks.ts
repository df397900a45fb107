import { setImmediate as nextTurn } from 'node:timers/promises';
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Database } from './db/schema.js';

/** Rows per INSERT: three parameters a row, well under either dialect's limit on bound parameters. */
const ROWS_PER_INSERT = 500;

/** Marks looked at by one statement: one over a million marks would hold the event loop for seconds on SQLite. */
const MARKS_PER_STATEMENT = 5_000;

/** A written object whose dependency (or folder) is not in the project once everything is written. */
export interface MissingDependency {
  by: { id: string; name: string };
  usedId: string;
}

/** A deleted object that objects of the project still use. */
export interface BlockedDelete {
  id: string;
  /** The first few users, by id. */
  users: string[];
}

/**
 * What one import's transaction wrote and deleted, in a temporary table of that transaction's connection
 * instead of in memory (a million ids and their requirements weighed hundreds of MB). The database then finds
 * missing dependencies and blocked deletes from these marks and the dependency edges written with the objects
 * (`object_uses`, `objects.folder_id`). Created inside the transaction and dropped with it: a rollback
 * undoes the creation on both dialects, and `close` drops it before commit.
 * Marks are numbered in package order; the checks go through them a slice at a time, with a turn of the event
 * loop before each, and answer the first finding in package order.
 */
export class ImportMarks {
  private marked = 0;

  private constructor(
    private readonly trx: Kysely<Database>,
    private readonly table: ReturnType<typeof sql.table>,
  ) {}

  /** Starts the marks of one import; call it inside the import's transaction. */
  static async open(trx: Kysely<Database>): Promise<ImportMarks> {
    const postgres = trx.getExecutor().adapter instanceof PostgresAdapter;
    const table = sql.table(postgres ? 'pg_temp.import_marks' : 'temp.import_marks');
    // A connection whose earlier import ended without commit or rollback (it cannot, but a leftover must not fail this one).
    await sql`DROP TABLE IF EXISTS ${table}`.execute(trx);
    await sql`CREATE TEMP TABLE import_marks (seq integer PRIMARY KEY, id varchar(32) NOT NULL UNIQUE, deleted smallint NOT NULL)`.execute(trx);
    return new ImportMarks(trx, table);
  }

  /** How many objects were marked so far: the marks are numbered 0 to count - 1. */
  get count(): number {
    return this.marked;
  }

  async written(ids: readonly string[]): Promise<void> {
    await this.mark(ids, 0);
  }

  async deleted(ids: readonly string[]): Promise<void> {
    await this.mark(ids, 1);
  }

  /**
   * The first written object in package order (among the marks numbered from..to - 1) that uses an object, or
   * lives in a folder, the project does not hold now; its uses by id before its folder.
   */
  firstMissing(projectId: string, from = 0, to = this.marked): Promise<MissingDependency | undefined> {
    return this.inSlices(from, to, (start, end) => this.missingIn(projectId, start, end));
  }

  /** The first deleted object in package order (among the marks numbered from..to - 1) that objects of the project still use. */
  firstBlockedDelete(projectId: string, from = 0, to = this.marked): Promise<BlockedDelete | undefined> {
    return this.inSlices(from, to, (start, end) => this.blockedIn(projectId, start, end));
  }

  /** Drops the marks; call it before commit (a rollback drops them by itself). */
  async close(): Promise<void> {
    await sql`DROP TABLE IF EXISTS ${this.table}`.execute(this.trx);
  }

  private async inSlices<T>(from: number, to: number, check: (start: number, end: number) => Promise<T | undefined>): Promise<T | undefined> {
    for (let start = from; start < to; start += MARKS_PER_STATEMENT) {
      await nextTurn();
      const found = await check(start, Math.min(to, start + MARKS_PER_STATEMENT));
      if (found) return found;
    }
    return undefined;
  }

  private async missingIn(projectId: string, from: number, to: number): Promise<MissingDependency | undefined> {
    const { rows } = await sql<{ seq: number; kind: number; by_id: string; by_name: string; used_id: string }>`
      SELECT seq, kind, by_id, by_name, used_id FROM (
        SELECT m.seq AS seq, 0 AS kind, m.id AS by_id, o.name AS by_name, u.used_id AS used_id
        FROM ${this.table} m
        JOIN objects o ON o.project_id = ${projectId} AND o.id = m.id
        JOIN object_uses u ON u.project_id = ${projectId} AND u.object_id = m.id
        WHERE m.deleted = 0 AND m.seq >= ${from} AND m.seq < ${to}
          AND NOT EXISTS (SELECT 1 FROM objects x WHERE x.project_id = ${projectId} AND x.id = u.used_id)
        UNION ALL
        SELECT m.seq, 1, m.id, o.name, o.folder_id
        FROM ${this.table} m
        JOIN objects o ON o.project_id = ${projectId} AND o.id = m.id
        WHERE m.deleted = 0 AND m.seq >= ${from} AND m.seq < ${to} AND o.folder_id IS NOT NULL AND o.folder_id <> ''
          AND NOT EXISTS (SELECT 1 FROM objects x WHERE x.project_id = ${projectId} AND x.id = o.folder_id)
      ) found
      ORDER BY seq, kind, used_id
      LIMIT 1`.execute(this.trx);
    const row = rows[0];
    return row ? { by: { id: row.by_id, name: row.by_name }, usedId: row.used_id } : undefined;
  }

  private async blockedIn(projectId: string, from: number, to: number): Promise<BlockedDelete | undefined> {
    const { rows } = await sql<{ id: string }>`
      SELECT m.id AS id FROM ${this.table} m
      WHERE m.deleted = 1 AND m.seq >= ${from} AND m.seq < ${to}
        AND EXISTS (SELECT 1 FROM object_uses u WHERE u.project_id = ${projectId} AND u.used_id = m.id)
      ORDER BY m.seq
      LIMIT 1`.execute(this.trx);
    const id = rows[0]?.id;
    if (id === undefined) return undefined;
    const users = await this.trx
      .selectFrom('object_uses')
      .select('object_id')
      .where('project_id', '=', projectId)
      .where('used_id', '=', id)
      .orderBy('object_id')
      .limit(3)
      .execute();
    return { id, users: users.map((u) => u.object_id) };
  }

  private async mark(ids: readonly string[], deleted: 0 | 1): Promise<void> {
    for (let at = 0; at < ids.length; at += ROWS_PER_INSERT) {
      const rows = ids.slice(at, at + ROWS_PER_INSERT).map((id) => sql`(${this.marked++}, ${id}, ${deleted})`);
      await sql`INSERT INTO ${this.table} (seq, id, deleted) VALUES ${sql.join(rows)}
        ON CONFLICT (id) DO UPDATE SET deleted = excluded.deleted`.execute(this.trx);
    }
  }
}
