import { setImmediate as nextTurn } from 'node:timers/promises';
import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './db/schema.js';
import type { Requirement } from '../domain/engine/plan.js';
import { MetadataRepository } from './metadata/repository.js';
import { rowSource, type Column } from './db/insert-rows.js';

/** Rows per INSERT: three parameters a row, well under either dialect's limit on bound parameters. */
const ROWS_PER_INSERT = 500;

/** Rows checked at a time: a check over a million rows would hold the event loop for seconds on SQLite. */
const ROWS_PER_CHECK = 5_000;

/** A deleted object that objects of the project still use. */
export interface BlockedDelete {
  id: string;
  /** The first few users, by id. */
  users: string[];
}

/**
 * What one import's (or undo's) transaction needs and deletes, in temporary tables of that transaction's
 * connection instead of in memory: a million requirements and ids weighed hundreds of MB. Created inside the
 * transaction and dropped with it: a rollback undoes the creation on both dialects, and `close` drops them
 * before commit. Rows are numbered in package order; once everything is written, the checks read them back a
 * slice at a time, with a turn of the event loop before each, and answer the first finding in package order.
 * A slice's ids are looked up as the import's pages are (`MetadataRepository`), not joined in SQL: the
 * planners, without statistics on the temporary tables and with those of a target that was empty at its last
 * ANALYZE, read the whole project for every slice or row (17 s for 100,000 objects on SQLite; a check of
 * 200,000 on PostgreSQL unfinished after 8 minutes).
 */
export class ImportMarks {
  private needCount = 0;
  private deleteCount = 0;

  private readonly objects: MetadataRepository;

  private constructor(
    private readonly trx: Kysely<Database>,
    private readonly needs: RawBuilder<unknown>,
    private readonly deletes: RawBuilder<unknown>,
    private readonly postgres: boolean,
  ) {
    this.objects = new MetadataRepository(trx);
  }

  /** Starts the marks of one import; call it inside the import's transaction. */
  static async open(trx: Kysely<Database>): Promise<ImportMarks> {
    const postgres = trx.getExecutor().adapter instanceof PostgresAdapter;
    const schema = postgres ? 'pg_temp' : 'temp';
    const needs = sql.table(`${schema}.import_needs`);
    const deletes = sql.table(`${schema}.import_deletes`);
    // Neither can be left by an earlier transaction of the connection (commit or rollback drops them); this is cheap insurance.
    await sql`DROP TABLE IF EXISTS ${needs}`.execute(trx);
    await sql`DROP TABLE IF EXISTS ${deletes}`.execute(trx);
    await sql`CREATE TEMP TABLE import_needs (seq integer PRIMARY KEY, id text NOT NULL UNIQUE, by_id text NOT NULL)`.execute(trx);
    await sql`CREATE TEMP TABLE import_deletes (seq integer PRIMARY KEY, id text NOT NULL UNIQUE)`.execute(trx);
    return new ImportMarks(trx, needs, deletes, postgres);
  }

  /** Objects the import needs once it is done (used, or folders); the first object that needs an id is the one named. */
  async need(requirements: readonly Requirement[]): Promise<void> {
    // Objects of a page share their folders and much of what they use: each id goes to the database once a call.
    const byFirst = new Map<string, string>();
    for (const r of requirements) if (!byFirst.has(r.id)) byFirst.set(r.id, r.by.id);
    const firsts = [...byFirst];
    for (let at = 0; at < firsts.length; at += ROWS_PER_INSERT) {
      const slice = firsts.slice(at, at + ROWS_PER_INSERT);
      await this.insert(this.needs, {
        seq: { type: 'integer', values: slice.map(() => this.needCount++) },
        id: { type: 'text', values: slice.map(([id]) => id) },
        by_id: { type: 'text', values: slice.map(([, byId]) => byId) },
      });
    }
  }

  async deleted(ids: readonly string[]): Promise<void> {
    for (let at = 0; at < ids.length; at += ROWS_PER_INSERT) {
      const slice = ids.slice(at, at + ROWS_PER_INSERT);
      await this.insert(this.deletes, { seq: { type: 'integer', values: slice.map(() => this.deleteCount++) }, id: { type: 'text', values: slice } });
    }
  }

  /** Inserts marks given as named columns of equal length (unnested arrays on PostgreSQL, VALUES on SQLite); an id marked already keeps its first mark. */
  private async insert(table: RawBuilder<unknown>, columns: Record<string, Column>): Promise<void> {
    const names = sql.join(Object.keys(columns).map((name) => sql.ref(name)));
    await sql`INSERT INTO ${table} (${names}) ${rowSource(this.postgres, Object.values(columns))} ON CONFLICT (id) DO NOTHING`.execute(this.trx);
  }

  /** The first need, in package order, that the project does not hold now (never written, or deleted). */
  firstMissing(projectId: string): Promise<Requirement | undefined> {
    return this.inSlices(this.needCount, async (from, to) => {
      const { rows } = await sql<{ id: string; by_id: string }>`
        SELECT id, by_id FROM ${this.needs} WHERE seq >= ${from} AND seq < ${to} ORDER BY seq`.execute(this.trx);
      const present = await this.objects.getNames(
        projectId,
        rows.map((n) => n.id),
      );
      const missing = rows.find((n) => !present.has(n.id));
      if (!missing) return undefined;
      // The object that needs it was written by the import: its name is in the project.
      const by = await this.objects.getNames(projectId, [missing.by_id]);
      return { by: { id: missing.by_id, name: by.get(missing.by_id) ?? '' }, id: missing.id };
    });
  }

  /** The first deleted object, in package order, that objects of the project still use. */
  firstBlockedDelete(projectId: string): Promise<BlockedDelete | undefined> {
    return this.inSlices(this.deleteCount, async (from, to) => {
      const { rows } = await sql<{ id: string }>`SELECT id FROM ${this.deletes} WHERE seq >= ${from} AND seq < ${to} ORDER BY seq`.execute(this.trx);
      const dependents = await this.objects.dependentsOf(
        projectId,
        rows.map((d) => d.id),
      );
      const blocked = rows.find((d) => dependents.has(d.id));
      return blocked && { id: blocked.id, users: (dependents.get(blocked.id) ?? []).slice(0, 3) };
    });
  }

  /** Drops the marks; call it before commit (a rollback drops them by itself). */
  async close(): Promise<void> {
    await sql`DROP TABLE IF EXISTS ${this.needs}`.execute(this.trx);
    await sql`DROP TABLE IF EXISTS ${this.deletes}`.execute(this.trx);
  }

  private async inSlices<T>(count: number, check: (from: number, to: number) => Promise<T | undefined>): Promise<T | undefined> {
    for (let from = 0; from < count; from += ROWS_PER_CHECK) {
      await nextTurn();
      const found = await check(from, from + ROWS_PER_CHECK);
      if (found) return found;
    }
    return undefined;
  }
}
