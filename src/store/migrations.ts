import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database } from './db/schema.js';
import type { ImportsTable, PackagesTable } from './db/migration-tables.js';
import type { ImportOfFile, ImportRecord, MigrationRecord, PackageRecord } from '../domain/migrations/records.js';
import type { ImportStatus, PackageStatus, RequestStatus } from '../domain/migrations/states.js';
import { NotFoundError } from '../domain/errors.js';
import { replicaStatusPath } from '../domain/storage-keys.js';
import { sortOrder, type ListFilters, type MigrationOrigin, type MigrationSort } from '../domain/list-filters.js';
import { contains } from './sql-like.js';
import { LiveProgress } from './live-progress.js';
import { PackageTocRepository } from './package-toc.js';
import type { TocRow } from '../domain/mmp/types.js';

/** States whose progress may be newer on this node than in the database. */
const RUNNING: readonly string[] = ['importing', 'undoing'];

const ref = (id: string | null, name: string | null) => (id ? { id, name: name ?? '' } : undefined);

function parseJson<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}

/**
 * Every column of a package but its table of contents: one row per object as JSON (tens of MB at a million
 * objects), which only the content views need (`tocOf`). Parsed on every poll and list, it made the server's
 * memory grow by hundreds of MB while clients followed a large import or undo.
 */
const PACKAGE_FIELDS = [
  'id',
  'name',
  'type',
  'purpose',
  'status',
  'progress',
  'message',
  'replicated',
  'creator_id',
  'creator_name',
  'env_id',
  'env_name',
  'project_id',
  'project_name',
  'storage_path',
  'storage_size',
  'sha256',
  'request',
  'certification',
  'file_guid',
  'format_version',
  'source',
  'signature',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<Exclude<keyof PackagesTable, 'toc' | 'toc_rows'>>;

function toPackage(row: Omit<Selectable<PackagesTable>, 'toc' | 'toc_rows'>): PackageRecord {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    purpose: row.purpose,
    status: row.status as PackageStatus,
    progress: row.progress,
    message: row.message,
    replicated: row.replicated === 1,
    creator: { id: row.creator_id, name: row.creator_name },
    environment: { id: row.env_id, name: row.env_name },
    project: ref(row.project_id, row.project_name),
    storage: row.storage_path ? { path: row.storage_path, size: row.storage_size ?? 0, sha256: row.sha256 ?? '' } : undefined,
    request: JSON.parse(row.request) as PackageRecord['request'],
    certification: parseJson(row.certification),
    fileGuid: row.file_guid ?? undefined,
    source: parseJson(row.source),
    formatVersion: row.format_version ?? undefined,
    signature: parseJson(row.signature),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function fromPackage(pkg: PackageRecord): PackagesTable {
  return {
    id: pkg.id,
    name: pkg.name,
    type: pkg.type,
    purpose: pkg.purpose,
    status: pkg.status,
    progress: pkg.progress,
    message: pkg.message,
    replicated: pkg.replicated ? 1 : 0,
    creator_id: pkg.creator.id,
    creator_name: pkg.creator.name,
    env_id: pkg.environment.id,
    env_name: pkg.environment.name,
    project_id: pkg.project?.id ?? null,
    project_name: pkg.project?.name ?? null,
    storage_path: pkg.storage?.path ?? null,
    storage_size: pkg.storage?.size ?? null,
    sha256: pkg.storage?.sha256 ?? null,
    request: JSON.stringify(pkg.request),
    // Written as package_toc rows (PackageTocRepository); a change of `toc` (to none) clears both.
    toc: null,
    toc_rows: null,
    certification: pkg.certification ? JSON.stringify(pkg.certification) : null,
    file_guid: pkg.fileGuid ?? null,
    source: pkg.source ? JSON.stringify(pkg.source) : null,
    format_version: pkg.formatVersion ?? null,
    signature: pkg.signature ? JSON.stringify(pkg.signature) : null,
    created_at: pkg.createdAt,
    updated_at: pkg.updatedAt,
  };
}

function toImport(row: Selectable<ImportsTable>): ImportRecord {
  return {
    id: row.id,
    packageId: row.package_id,
    status: row.status as ImportStatus,
    importRequestStatus: row.import_request_status as RequestStatus,
    undoRequestStatus: row.undo_request_status as RequestStatus,
    progress: row.progress,
    message: row.message,
    creator: ref(row.creator_id, row.creator_name),
    environment: { id: row.env_id, name: row.env_name },
    project: ref(row.project_id, row.project_name),
    generateUndo: row.generate_undo === 1,
    undoStorage: row.undo_path ? { path: row.undo_path, size: row.undo_size ?? 0, ...(row.undo_sha256 ? { sha256: row.undo_sha256 } : {}) } : undefined,
    validation: parseJson(row.validation),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** An import row with its package, or nothing when the package is not among `packages` (deleted meanwhile). */
function withPackage(packages: ReadonlyMap<string, PackageRecord>, imp: ImportRecord): MigrationRecord[] {
  const pkg = packages.get(imp.packageId);
  return pkg ? [{ package: pkg, import: imp }] : [];
}

function fromImport(imp: ImportRecord): ImportsTable {
  return {
    id: imp.id,
    package_id: imp.packageId,
    status: imp.status,
    import_request_status: imp.importRequestStatus,
    undo_request_status: imp.undoRequestStatus,
    progress: imp.progress,
    message: imp.message,
    creator_id: imp.creator?.id ?? null,
    creator_name: imp.creator?.name ?? null,
    env_id: imp.environment.id,
    env_name: imp.environment.name,
    project_id: imp.project?.id ?? null,
    project_name: imp.project?.name ?? null,
    generate_undo: imp.generateUndo ? 1 : 0,
    undo_path: imp.undoStorage?.path ?? null,
    undo_size: imp.undoStorage?.size ?? null,
    undo_sha256: imp.undoStorage?.sha256 ?? null,
    validation: imp.validation ? JSON.stringify(imp.validation) : null,
    // Written with the outcomes, by OutcomeRepository.
    report_summary: null,
    created_at: imp.createdAt,
    updated_at: imp.updatedAt,
  };
}

/** `toc` can only be removed (set to undefined): a toc is written as rows by PackageTocRepository. */
export type PackageChanges = Partial<Omit<PackageRecord, 'id' | 'createdAt' | 'toc'>> & { toc?: undefined };
export type ImportChanges = Partial<Omit<ImportRecord, 'id' | 'packageId' | 'createdAt'>>;

/** Converts a partial record to the columns it touches, by rendering a whole row and keeping the keys asked for. */
function columnsOf<R, T>(changes: Partial<R>, base: R, render: (r: R) => T, keyMap: Record<string, Array<keyof T>>): Updateable<T> {
  const full = render({ ...base, ...changes });
  const out: Partial<T> = {};
  for (const key of Object.keys(changes)) for (const column of keyMap[key] ?? []) out[column] = full[column];
  return out as Updateable<T>;
}

const PACKAGE_COLUMNS: Record<string, Array<keyof PackagesTable>> = {
  name: ['name'],
  type: ['type'],
  purpose: ['purpose'],
  status: ['status'],
  progress: ['progress'],
  message: ['message'],
  replicated: ['replicated'],
  creator: ['creator_id', 'creator_name'],
  environment: ['env_id', 'env_name'],
  project: ['project_id', 'project_name'],
  storage: ['storage_path', 'storage_size', 'sha256'],
  request: ['request'],
  toc: ['toc', 'toc_rows'],
  certification: ['certification'],
  fileGuid: ['file_guid'],
  source: ['source'],
  formatVersion: ['format_version'],
  signature: ['signature'],
  updatedAt: ['updated_at'],
};

const IMPORT_COLUMNS: Record<string, Array<keyof ImportsTable>> = {
  status: ['status'],
  importRequestStatus: ['import_request_status'],
  undoRequestStatus: ['undo_request_status'],
  progress: ['progress'],
  message: ['message'],
  creator: ['creator_id', 'creator_name'],
  environment: ['env_id', 'env_name'],
  project: ['project_id', 'project_name'],
  generateUndo: ['generate_undo'],
  undoStorage: ['undo_path', 'undo_size', 'undo_sha256'],
  validation: ['validation'],
  updatedAt: ['updated_at'],
};

export interface MigrationListOptions extends Partial<ListFilters> {
  purposes: readonly string[];
  offset: number;
  limit: number;
  statuses?: string[];
  origin?: MigrationOrigin;
  sort?: MigrationSort;
}

const MIGRATION_SORT_COLUMNS = { created: 'imports.created_at', updated: 'imports.updated_at', name: 'packages.name', status: 'imports.status' } as const;

/** Packages and their imports: the two halves of a migration record. */
export class MigrationRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly live = new LiveProgress(),
  ) {}

  /** A running import's progress: shown at once on this node, and stored when the write goes through. */
  async showProgress(imp: ImportRecord, progress: number): Promise<void> {
    this.live.set(imp.id, progress);
    await this.updateImport(imp, { progress }, ['importing']);
  }

  /** The import stopped running here (done, failed or handed over): its stored state tells the rest. */
  progressEnded(importId: string): void {
    this.live.end(importId);
  }

  private toImport(row: Selectable<ImportsTable>): ImportRecord {
    const imp = toImport(row);
    const live = RUNNING.includes(imp.status) ? this.live.of(imp.id) : undefined;
    return live === undefined ? imp : { ...imp, progress: Math.max(imp.progress, live) };
  }

  async insert(record: MigrationRecord): Promise<void> {
    await this.db.insertInto('packages').values(fromPackage(record.package)).execute();
    await this.db.insertInto('imports').values(fromImport(record.import)).execute();
  }

  async insertImport(imp: ImportRecord): Promise<void> {
    await this.db.insertInto('imports').values(fromImport(imp)).execute();
  }

  /** The package without its table of contents (see `withToc`). */
  async getPackage(id: string): Promise<PackageRecord | undefined> {
    const row = await this.db.selectFrom('packages').select(PACKAGE_FIELDS).where('id', '=', id).executeTakeFirst();
    return row && toPackage(row);
  }

  /**
   * The package with its table of contents, for the views that list the package's objects: its package_toc rows,
   * read a page at a time, or the JSON column of a record written by an older version.
   */
  async withToc(pkg: PackageRecord): Promise<PackageRecord> {
    const row = await this.db.selectFrom('packages').select(['toc', 'toc_rows']).where('id', '=', pkg.id).executeTakeFirst();
    if (row?.toc_rows == null) return { ...pkg, toc: parseJson(row?.toc ?? null) };
    const toc: TocRow[] = [];
    for await (const page of new PackageTocRepository(this.db).pages(pkg.id)) for (const tocRow of page) toc.push(tocRow);
    return { ...pkg, toc };
  }

  async getImport(id: string): Promise<ImportRecord | undefined> {
    const row = await this.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.toImport(row);
  }

  async get(packageId: string, importId: string): Promise<MigrationRecord | undefined> {
    const [pkg, imp] = await Promise.all([this.getPackage(packageId), this.getImport(importId)]);
    if (!pkg || !imp || imp.packageId !== pkg.id) return undefined;
    return { package: pkg, import: imp };
  }

  async require(packageId: string, importId: string): Promise<MigrationRecord> {
    const record = await this.get(packageId, importId);
    if (!record) throw new NotFoundError(`Migration ${packageId}:${importId} does not exist.`);
    return record;
  }

  async importsOf(packageId: string): Promise<ImportRecord[]> {
    const rows = await this.db.selectFrom('imports').selectAll().where('package_id', '=', packageId).orderBy('created_at').execute();
    return rows.map((row) => this.toImport(row));
  }

  async updatePackage(pkg: PackageRecord, changes: PackageChanges): Promise<PackageRecord> {
    const stamped = { ...changes, updatedAt: changes.updatedAt ?? Date.now() };
    if (Object.hasOwn(changes, 'toc')) await this.db.deleteFrom('package_toc').where('package_id', '=', pkg.id).execute();
    await this.db
      .updateTable('packages')
      .set(columnsOf(stamped, pkg, fromPackage, PACKAGE_COLUMNS))
      .where('id', '=', pkg.id)
      .execute();
    return { ...pkg, ...stamped };
  }

  /** Updates a package only while its status is one of `onlyIf`; undefined when it was not. */
  async updatePackageIf(pkg: PackageRecord, changes: PackageChanges, onlyIf: readonly PackageRecord['status'][]): Promise<PackageRecord | undefined> {
    const stamped = { ...changes, updatedAt: changes.updatedAt ?? Date.now() };
    if (Object.hasOwn(changes, 'toc')) throw new Error('updatePackageIf does not change a toc: use PackageTocRepository');
    const result = await this.db
      .updateTable('packages')
      .set(columnsOf(stamped, pkg, fromPackage, PACKAGE_COLUMNS))
      .where('id', '=', pkg.id)
      .where('status', 'in', [...onlyIf])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? { ...pkg, ...stamped } : undefined;
  }

  /**
   * Updates an import; with `onlyIf`, only while its status is still one of those (returns
   * undefined otherwise), so that two nodes or a late progress write cannot overwrite a final state.
   */
  updateImport(imp: ImportRecord, changes: ImportChanges): Promise<ImportRecord>;
  updateImport(imp: ImportRecord, changes: ImportChanges, onlyIf: readonly ImportStatus[]): Promise<ImportRecord | undefined>;
  async updateImport(imp: ImportRecord, changes: ImportChanges, onlyIf?: readonly ImportStatus[]): Promise<ImportRecord | undefined> {
    const stamped = { ...changes, updatedAt: changes.updatedAt ?? Date.now() };
    let query = this.db
      .updateTable('imports')
      .set(columnsOf(stamped, imp, fromImport, IMPORT_COLUMNS))
      .where('id', '=', imp.id);
    if (onlyIf) query = query.where('status', 'in', [...onlyIf]);
    const result = await query.executeTakeFirst();
    if (onlyIf && Number(result.numUpdatedRows) === 0) return undefined;
    return { ...imp, ...stamped };
  }

  /** A page of records matching the filters (purposes filter on packageInfo.purpose), newest first unless asked otherwise. */
  async list(options: MigrationListOptions): Promise<{ total: number; records: MigrationRecord[] }> {
    let base = this.db
      .selectFrom('imports')
      .innerJoin('packages', 'packages.id', 'imports.package_id')
      .where('packages.purpose', 'in', [...options.purposes]);
    const { q, types, creator, from, to, statuses = [], origin } = options;
    if (q) base = base.where((eb) => eb.or([contains(sql.ref('packages.name'), q), contains(sql.ref('packages.id'), q), contains(sql.ref('imports.id'), q)]));
    if (types && types.length > 0) base = base.where('packages.type', 'in', types);
    if (statuses.length > 0) base = base.where((eb) => eb.or([eb('imports.status', 'in', statuses), eb('packages.status', 'in', statuses)]));
    if (creator) base = base.where((eb) => eb.or([contains(sql.ref('packages.creator_name'), creator), contains(sql.ref('packages.creator_id'), creator)]));
    if (from !== undefined) base = base.where('imports.created_at', '>=', from);
    if (to !== undefined) base = base.where('imports.created_at', '<=', to);
    if (origin === 'replicated') base = base.where('packages.replicated', '=', 1);
    if (origin === 'uploaded') base = base.where('packages.purpose', '=', 'migration_from_shared_file_store');
    if (origin === 'created') base = base.where('packages.replicated', '=', 0).where('packages.purpose', '!=', 'migration_from_shared_file_store');
    const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const { key, direction } = sortOrder(options.sort ?? '-created');
    const page = await base
      .selectAll('imports')
      .orderBy(MIGRATION_SORT_COLUMNS[key], direction)
      .orderBy('imports.id', direction)
      .offset(options.offset)
      .limit(options.limit)
      .execute();
    // Two queries for the page, not two per record.
    const packageIds = [...new Set(page.map((row) => row.package_id))];
    const packages = packageIds.length === 0 ? [] : await this.db.selectFrom('packages').select(PACKAGE_FIELDS).where('id', 'in', packageIds).execute();
    const byId = new Map(packages.map((row) => [row.id, toPackage(row)]));
    // A package deleted between the two queries leaves its imports out of the page.
    const records = page.flatMap((row) => withPackage(byId, this.toImport(row)));
    return { total: Number(count.n), records };
  }

  /**
   * Records in a working state, for recovery: packages being created, and imports being imported,
   * undone or validated (validation is a JSON column: its state is matched as text, then parsed).
   */
  async working(): Promise<MigrationRecord[]> {
    const imports = await this.db
      .selectFrom('imports')
      .selectAll()
      .where((eb) => eb.or([eb('status', 'in', ['importing', 'undoing']), eb('validation', 'like', '%"status":"validating"%')]))
      .execute();
    const creating = await this.db.selectFrom('packages').select('id').where('status', '=', 'creating').execute();
    const packageIds = [...new Set([...imports.map((row) => row.package_id), ...creating.map((row) => row.id)])];
    const packages = packageIds.length === 0 ? [] : await this.db.selectFrom('packages').select(PACKAGE_FIELDS).where('id', 'in', packageIds).execute();
    const byId = new Map(packages.map((row) => [row.id, toPackage(row)]));
    const records = imports.flatMap((row) => withPackage(byId, this.toImport(row)));
    // A package being created is named by its first import record.
    for (const { id } of creating) {
      const first = await this.importsOf(id);
      const pkg = byId.get(id);
      if (pkg && first[0] && !records.some((r) => r.package.id === id)) records.push({ package: pkg, import: first[0] });
    }
    return records;
  }

  /** Blob keys that records point at: created or uploaded packages, undo packages, and what a target publishes for its sources. */
  async blobPathsInUse(): Promise<Set<string>> {
    const packages = await this.db.selectFrom('packages').select('storage_path as path').where('storage_path', 'is not', null).execute();
    const undos = await this.db.selectFrom('imports').select('undo_path as path').where('undo_path', 'is not', null).execute();
    const replicas = await this.db
      .selectFrom('imports')
      .innerJoin('packages', 'packages.id', 'imports.package_id')
      .select(['imports.package_id', 'imports.id'])
      .where('packages.replicated', '=', 1)
      .execute();
    return new Set([...[...packages, ...undos].flatMap((r) => (r.path ? [r.path] : [])), ...replicas.map((r) => replicaStatusPath(r.package_id, r.id))]);
  }

  /** The imports made from each of these uploaded files, newest first: one query for a page of files. */
  async importsOfFiles(fileGuids: readonly string[]): Promise<Map<string, ImportOfFile[]>> {
    const byFile = new Map<string, ImportOfFile[]>();
    if (fileGuids.length === 0) return byFile;
    const rows = await this.db
      .selectFrom('imports')
      .innerJoin('packages', 'packages.id', 'imports.package_id')
      .select(['packages.file_guid', 'imports.package_id', 'imports.id', 'imports.status', 'imports.project_id', 'imports.project_name', 'imports.created_at'])
      .where('packages.file_guid', 'in', [...fileGuids])
      .orderBy('imports.created_at', 'desc')
      .execute();
    for (const row of rows) {
      // The query matched file_guid IN (…): it is never null here.
      const guid = row.file_guid ?? '';
      const list = byFile.get(guid) ?? [];
      list.push({
        packageId: row.package_id,
        importId: row.id,
        status: row.status as ImportStatus,
        project: ref(row.project_id, row.project_name),
        createdAt: Number(row.created_at),
      });
      byFile.set(guid, list);
    }
    return byFile;
  }

  async deleteImport(importId: string): Promise<void> {
    await this.db.deleteFrom('import_outcomes').where('import_id', '=', importId).execute();
    await this.db.deleteFrom('imports').where('id', '=', importId).execute();
  }

  async deletePackage(packageId: string): Promise<void> {
    await this.db
      .deleteFrom('import_outcomes')
      .where('import_id', 'in', this.db.selectFrom('imports').select('id').where('package_id', '=', packageId))
      .execute();
    await this.db.deleteFrom('imports').where('package_id', '=', packageId).execute();
    await this.db.deleteFrom('package_toc').where('package_id', '=', packageId).execute();
    await this.db.deleteFrom('packages').where('id', '=', packageId).execute();
  }
}
