import { createHash } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ObjectsTable, ObjectUsesTable, ProjectsTable } from '../db/metadata-tables.js';
import { insertRows, type ColumnTypes } from '../db/insert-rows.js';
import type { AclEntry, MetadataObject, ProjectRecord } from '../../domain/objects.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import type { AclSet } from '../../domain/search/visibility.js';
import { searchQuery, type ObjectSearch } from './search-query.js';
import { StoredObject, toObject } from './object-rows.js';

/** Ids per IN (...) list: far below every dialect's bind-parameter limit. */
const ID_CHUNK = 500;
/** Ids per `= any(…)` array on PostgreSQL (`byIds`). */
const ID_ARRAY_CHUNK = 5000;
/** Bind parameters per multi-row INSERT: SQLite allows 32,766, PostgreSQL 65,535. */
const MAX_BIND_PARAMETERS = 30_000;
const USES_ROWS_PER_INSERT = Math.floor(MAX_BIND_PARAMETERS / 3);
/** Rows of each index SQLite's ANALYZE reads (PRAGMA analysis_limit): enough for its estimates. */
const SQLITE_ANALYSIS_ROWS = 1000;
/**
 * Every column of an object row, with its PostgreSQL type (a bulk insert's arrays are cast to it); a record, so
 * that none is forgotten. All but the key are what replacing an object may change.
 */
const OBJECT_TYPES: ColumnTypes<ObjectsTable> = {
  project_id: 'varchar',
  id: 'varchar',
  type: 'integer',
  subtype: 'integer',
  name: 'text',
  description: 'text',
  folder_id: 'varchar',
  version: 'varchar',
  date_created: 'bigint',
  date_modified: 'bigint',
  owner_id: 'varchar',
  owner_name: 'text',
  acl: 'text',
  definition: 'text',
  uses: 'text',
  hidden: 'integer',
  acl_key: 'varchar',
};
const OBJECT_COLUMN_NAMES = Object.keys(OBJECT_TYPES) as (keyof ObjectsTable)[];
const REPLACED_COLUMNS = OBJECT_COLUMN_NAMES.filter(
  (column): column is Exclude<keyof ObjectsTable, 'project_id' | 'id'> => column !== 'project_id' && column !== 'id',
);
const OBJECT_ROWS_PER_INSERT = Math.floor(MAX_BIND_PARAMETERS / OBJECT_COLUMN_NAMES.length);
const USES_TYPES: ColumnTypes<ObjectUsesTable> = { project_id: 'varchar', object_id: 'varchar', used_id: 'varchar' };

export interface ObjectSearchResult {
  total: number;
  objects: MetadataObject[];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The last keys computed: most objects share one of a few ACLs, so most rows need no hashing. Long ACLs are not kept. */
const recentAclKeys = new Map<string, string>();
const RECENT_ACL_KEYS = 256;
const RECENT_ACL_MAX_CHARS = 4096;

/** Equal ACLs share a key (most objects share one of a few ACLs). */
function aclKey(acl: string): string {
  let key = recentAclKeys.get(acl);
  if (key === undefined) {
    key = createHash('sha256').update(acl).digest('hex');
    if (recentAclKeys.size >= RECENT_ACL_KEYS) recentAclKeys.clear();
    if (acl.length <= RECENT_ACL_MAX_CHARS) recentAclKeys.set(acl, key);
  }
  return key;
}

function toRow(projectId: string, o: MetadataObject): ObjectsTable {
  const acl = JSON.stringify(o.acl);
  return {
    project_id: projectId,
    id: o.id,
    type: o.type,
    subtype: o.subtype,
    name: o.name,
    description: o.description,
    folder_id: o.folderId,
    version: o.version,
    date_created: o.dateCreated,
    date_modified: o.dateModified,
    owner_id: o.ownerId,
    owner_name: o.ownerName,
    acl,
    definition: JSON.stringify(o.definition),
    uses: JSON.stringify(normaliseUses(o)),
    hidden: o.hidden ? 1 : 0,
    acl_key: aclKey(acl),
  };
}

function normaliseUses(o: MetadataObject): string[] {
  return [...new Set(o.uses)].filter((id) => id !== o.id).sort();
}

function toProject(row: Selectable<ProjectsTable>): ProjectRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    dateCreated: Number(row.date_created),
    dateModified: Number(row.date_modified),
    ownerId: row.owner_id,
    ownerName: row.owner_name,
  };
}

/** Projects and their metadata objects. Configuration objects live under CONFIGURATION_PROJECT_ID. */
export class MetadataRepository {
  /**
   * @param deferred set for one long transaction (an import, an undo): the projects it writes, whose
   * revisions `bumpDeferredRevisions` moves just before commit, instead of each write moving them.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly deferred?: Set<string>,
  ) {}

  /**
   * A repository for a transaction that writes a whole package. On PostgreSQL the revision's row lock
   * is then held from the bump to the commit only, not while the package is read and written: other
   * writers of the project (an edit through the API) would otherwise wait for the whole import.
   */
  static forLongTransaction(trx: Kysely<Database>): MetadataRepository {
    return new MetadataRepository(trx, new Set());
  }

  /** Moves the revision of every project this long transaction wrote; call it last before commit. */
  async bumpDeferredRevisions(): Promise<void> {
    for (const projectId of this.deferred ?? []) await this.bumpRevision(projectId);
  }

  /**
   * Refreshes the planner's statistics after a bulk change: the queries that filter a project by more than
   * ids (searches, folder listings, a project merge's pages) are planned from them, and a project that just grew
   * by a million rows would otherwise look empty (the look-ups by id do not depend on them: `byIds`). PostgreSQL
   * samples; SQLite would read every row of every index (seconds on a million objects) unless told to sample
   * too, which is all its planner needs here.
   */
  async refreshStatistics(): Promise<void> {
    if (!this.postgres) await sql`PRAGMA analysis_limit = ${sql.raw(String(SQLITE_ANALYSIS_ROWS))}`.execute(this.db);
    await sql`ANALYZE objects`.execute(this.db);
    await sql`ANALYZE object_uses`.execute(this.db);
  }

  /**
   * `project_id = ? AND <column> IN (…)`, as every look-up and delete by id writes it. On PostgreSQL both go as
   * one-row subqueries, values the planner does not see, and the ids as one array (one parameter, one statement
   * shape: an IN list of 500 parameters was parsed and planned on every call). Planned for the values themselves,
   * a project the statistics have never seen (a new one, or one that was empty at the last ANALYZE: what an import
   * writes into) is estimated at one row, or the few thousand of a small table, against hundreds of ids: the
   * smallest index on `project_id` then looked cheaper than the key, and each look-up of an import walked every
   * row it had written so far (25 ms a look-up at 50,000 rows, growing with it: quadratic). For unknown values
   * the estimate is a project's share of the table against a few ids, and the key wins.
   */
  private byIds(projectId: string, column: 'id' | 'object_id' | 'used_id', ids: readonly string[]) {
    if (!this.postgres) return sql<boolean>`project_id = ${projectId} AND ${sql.ref(column)} IN (${sql.join(ids)})`;
    // The outer cast is needed: `= any((SELECT …))` alone is the subquery form, which compares each row with the array.
    return sql<boolean>`project_id = (SELECT ${projectId}::varchar) AND ${sql.ref(column)} = any((SELECT ${ids}::varchar[])::varchar[])`;
  }

  /** The distinct ids in chunks for `byIds`. */
  private idChunks(ids: readonly string[]): string[][] {
    return chunks([...new Set(ids)], this.postgres ? ID_ARRAY_CHUNK : ID_CHUNK);
  }

  private get postgres(): boolean {
    return this.db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /** Runs fn on one transaction (all-or-nothing); inside a transaction it simply joins it. */
  async transaction<T>(fn: (repo: MetadataRepository) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new MetadataRepository(trx)));
  }

  async listProjects(): Promise<ProjectRecord[]> {
    const rows = await this.db.selectFrom('projects').selectAll().orderBy('name').orderBy('id').execute();
    return rows.map(toProject);
  }

  async getProject(id: string): Promise<ProjectRecord | undefined> {
    const row = await this.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toProject(row);
  }

  async createProject(p: ProjectRecord): Promise<void> {
    await this.db
      .insertInto('projects')
      .values({
        id: p.id,
        name: p.name,
        description: p.description,
        date_created: p.dateCreated,
        date_modified: p.dateModified,
        owner_id: p.ownerId,
        owner_name: p.ownerName,
      })
      .execute();
  }

  async getObject(projectId: string, id: string): Promise<MetadataObject | undefined> {
    const row = await this.db.selectFrom('objects').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
    return row && toObject(row);
  }

  async getObjects(projectId: string, ids: readonly string[]): Promise<Map<string, MetadataObject>> {
    const found = new Map<string, MetadataObject>();
    for await (const rows of this.rowsById(projectId, ids, OBJECT_COLUMN_NAMES)) for (const row of rows) found.set(row.id, toObject(row));
    return found;
  }

  /** The objects with these ids, each parsed whole only when asked for (`StoredObject.object()`). */
  async getStoredObjects(projectId: string, ids: readonly string[]): Promise<Map<string, StoredObject>> {
    const found = new Map<string, StoredObject>();
    for await (const rows of this.rowsById(projectId, ids, OBJECT_COLUMN_NAMES)) for (const row of rows) found.set(row.id, new StoredObject(row));
    return found;
  }

  /** The names of the objects with these ids that the project holds (what the import's dependency check reports). */
  async getNames(projectId: string, ids: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for await (const rows of this.rowsById(projectId, ids, ['id', 'name'] as const)) for (const row of rows) found.set(row.id, row.name);
    return found;
  }

  /** For each given id that something uses: the ids of the objects using it, sorted. */
  async dependentsOf(projectId: string, ids: readonly string[]): Promise<Map<string, string[]>> {
    const dependents = new Map<string, string[]>();
    for (const chunk of this.idChunks(ids)) {
      const rows = await this.db
        .selectFrom('object_uses')
        .select(['object_id', 'used_id'])
        .where(this.byIds(projectId, 'used_id', chunk))
        .orderBy('used_id')
        .orderBy('object_id')
        .execute();
      for (const row of rows) {
        const list = dependents.get(row.used_id);
        if (list) list.push(row.object_id);
        else dependents.set(row.used_id, [row.object_id]);
      }
    }
    return dependents;
  }

  /** Inserts or replaces objects (and their dependency edges) with multi-row statements, atomically. */
  async upsertObjects(projectId: string, objects: readonly MetadataObject[]): Promise<void> {
    if (objects.length === 0) return;
    // One statement may not touch a row twice (PostgreSQL refuses): the last version of an id wins.
    const latest = new Map<string, MetadataObject>();
    for (const o of objects) latest.set(o.id, o);
    const rows = [...latest.values()].map((o) => toRow(projectId, o));
    await this.transaction(async (repo) => {
      await repo.noteWrite(projectId);
      for (const chunk of chunks(rows, OBJECT_ROWS_PER_INSERT)) await repo.upsertChunk(projectId, chunk);
    });
  }

  async deleteObjects(projectId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.transaction(async (repo) => {
      await repo.noteWrite(projectId);
      await repo.deleteUses(projectId, ids);
      for (const chunk of repo.idChunks(ids)) {
        await repo.db
          .deleteFrom('objects')
          .where(repo.byIds(projectId, 'id', chunk))
          .execute();
      }
    });
  }

  /**
   * The project's revision: it changes whenever its objects do, and only when they do (0: never written).
   * Read before reading objects, it tells a later reader whether anything it read may have changed since.
   */
  async revision(projectId: string): Promise<number> {
    const row = await this.db.selectFrom('project_revisions').select('revision').where('project_id', '=', projectId).executeTakeFirst();
    return Number(row?.revision ?? 0);
  }

  /** Every object of a project in id order, a batch at a time (keyset pagination: no OFFSET scans). */
  async *iterateObjects(projectId: string, batchSize = 1000): AsyncGenerator<MetadataObject[]> {
    let after: string | undefined;
    for (;;) {
      let query = this.db.selectFrom('objects').selectAll().where('project_id', '=', projectId);
      if (after !== undefined) query = query.where('id', '>', after);
      const rows = await query.orderBy('id').limit(batchSize).execute();
      const last = rows.at(-1);
      if (!last) return;
      yield rows.map(toObject);
      after = last.id;
      if (rows.length < batchSize) return;
    }
  }

  async countObjects(projectId: string): Promise<number> {
    const row = await this.db
      .selectFrom('objects')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** sha256 over the canonical JSON of every object in id order: equal content, equal fingerprint. */
  async fingerprint(projectId: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const batch of this.iterateObjects(projectId, 2000)) {
      for (const o of batch) hash.update(`${canonicalJson(o)}\n`);
    }
    return hash.digest('hex');
  }

  /**
   * One page of matches in a stable order (name, then id), and how many match in all. A first page
   * that is not full is the whole answer, so it needs no separate count.
   */
  async search(s: ObjectSearch): Promise<ObjectSearchResult> {
    if (s.none) return { total: 0, objects: [] };
    const filtered = searchQuery(this.db, s);
    const rows =
      s.limit === 0 ? [] : await filtered.selectAll('objects').orderBy('objects.name').orderBy('objects.id').offset(s.offset).limit(s.limit).execute();
    if (s.offset === 0 && rows.length < s.limit) return { total: rows.length, objects: rows.map(toObject) };
    const counted = await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { total: Number(counted.n), objects: rows.map(toObject) };
  }

  /** Every distinct ACL objects carry, with its key. */
  async aclSets(): Promise<AclSet[]> {
    const rows = await this.db.selectFrom('acl_sets').select(['acl_key', 'acl']).execute();
    return rows.map((r) => ({ aclKey: r.acl_key, acl: JSON.parse(r.acl) as AclEntry[] }));
  }

  /** The object with this exact name and type in a folder, to keep names unique per folder. */
  async findInFolder(projectId: string, folderId: string, type: number, name: string): Promise<MetadataObject | undefined> {
    const row = await this.db
      .selectFrom('objects')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('folder_id', '=', folderId)
      .where('type', '=', type)
      .where('name', '=', name)
      .executeTakeFirst();
    return row && toObject(row);
  }

  /** The rows of these ids (each once), a chunk of ids at a time. */
  private async *rowsById<C extends keyof ObjectsTable>(projectId: string, ids: readonly string[], columns: readonly C[]) {
    for (const chunk of this.idChunks(ids)) {
      yield await this.db
        .selectFrom('objects')
        .select(columns)
        .where(this.byIds(projectId, 'id', chunk))
        .execute();
    }
  }

  /**
   * Writes one chunk of rows. Edges are rewritten only for objects whose uses changed (or that are
   * new): replacing unchanged objects, the common case of a re-import, leaves object_uses alone.
   */
  private async upsertChunk(projectId: string, rows: ObjectsTable[]): Promise<void> {
    const previousUses = new Map<string, string>();
    const ids = rows.map((r) => r.id);
    for await (const previous of this.rowsById(projectId, ids, ['id', 'uses'] as const)) for (const p of previous) previousUses.set(p.id, p.uses);
    await this.insertAclSets(rows);
    await this.insertObjectRows(rows);
    const rewritten = rows.filter((r) => previousUses.get(r.id) !== r.uses);
    const replaced = rewritten.filter((r) => previousUses.has(r.id)).map((r) => r.id);
    if (replaced.length > 0) await this.deleteUses(projectId, replaced);
    const edges = rewritten.flatMap((r) => (JSON.parse(r.uses) as string[]).map((used) => ({ project_id: projectId, object_id: r.id, used_id: used })));
    for (const chunk of chunks(edges, USES_ROWS_PER_INSERT)) await insertRows(this.db, 'object_uses', USES_TYPES, chunk).execute();
  }

  private async insertAclSets(rows: ObjectsTable[]): Promise<void> {
    const sets = new Map(rows.map((r) => [r.acl_key, r.acl]));
    const values = [...sets].map(([key, acl]) => ({ acl_key: key, acl }));
    await this.db
      .insertInto('acl_sets')
      .values(values)
      .onConflict((oc) => oc.column('acl_key').doNothing())
      .execute();
  }

  /**
   * Inserts new rows and rewrites changed ones. A row equal to the stored one is left alone: rewriting it would
   * rewrite every index entry of the row too (SQLite rewrites the indexes of every column set; PostgreSQL writes
   * a new row version), which made replacing unchanged objects, the common case of a re-import, the import's
   * largest cost.
   */
  private async insertObjectRows(rows: ObjectsTable[]): Promise<void> {
    await insertRows(this.db, 'objects', OBJECT_TYPES, rows)
      .onConflict((oc) =>
        oc
          .columns(['project_id', 'id'])
          .doUpdateSet((eb) => Object.fromEntries(REPLACED_COLUMNS.map((column) => [column, eb.ref(`excluded.${column}`)])))
          .where((eb) => eb.or(REPLACED_COLUMNS.map((column) => eb(`objects.${column}`, 'is distinct from', eb.ref(`excluded.${column}`))))),
      )
      .execute();
  }

  /**
   * Called first by every write to a project's objects, in the write's transaction: the counter moves
   * when (and only when) the write commits, on every node. On PostgreSQL its row lock also orders the
   * writers of one project, taken before any object row so that short writers cannot deadlock.
   */
  private async noteWrite(projectId: string): Promise<void> {
    if (this.deferred) this.deferred.add(projectId);
    else await this.bumpRevision(projectId);
  }

  private async bumpRevision(projectId: string): Promise<void> {
    await this.db
      .insertInto('project_revisions')
      .values({ project_id: projectId, revision: 1 })
      .onConflict((oc) => oc.column('project_id').doUpdateSet({ revision: sql`project_revisions.revision + 1` }))
      .execute();
  }

  private async deleteUses(projectId: string, objectIds: readonly string[]): Promise<void> {
    for (const chunk of this.idChunks(objectIds)) {
      await this.db
        .deleteFrom('object_uses')
        .where(this.byIds(projectId, 'object_id', chunk))
        .execute();
    }
  }
}
