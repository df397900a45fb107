import type { Readable } from 'node:stream';
import { projectRef, type ServiceDeps } from './deps.js';
import type { JobSystem } from '../jobs/index.js';
import type { Caller } from './migration-service.js';
import { packagePath } from '../domain/storage-keys.js';
import { readPackageHeader } from '../domain/mmp/index.js';
import { newImportRecord, type ImportRecord, type MigrationRecord, type NamedRef, type PackageRequest } from '../domain/migrations/records.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../domain/errors.js';
import { newGuid } from '../domain/ids.js';
import { CONFIGURATION_PROJECT_ID } from '../domain/objects.js';
import { DEFAULT_SETTINGS } from './package-content.js';
import { formatLibraryDate } from '../domain/dates.js';
import { assertMayDiscardUndo } from '../domain/migrations/undo-loss.js';
import type { Privilege } from '../domain/privileges.js';
import { holderStatus } from '../domain/migrations/holders.js';
import { blobDownload, type Download } from './download.js';

/** Holders of the older API are packages under this purpose, kept out of GET /api/migrations. */
export const HOLDER_PURPOSE = 'package_holder';

/** The older /api/packages API, over the same records, jobs and engine as /api/migrations. */
export class PackageHolders {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly jobs: JobSystem,
    private readonly environment: NamedRef,
  ) {}

  private async project(projectId: string): Promise<NamedRef | undefined> {
    if (projectId === CONFIGURATION_PROJECT_ID) return undefined;
    return projectRef(this.deps.metadata, projectId);
  }

  async require(id: string): Promise<MigrationRecord> {
    const pkg = await this.deps.migrations.getPackage(id);
    const imp = pkg ? (await this.deps.migrations.importsOf(id))[0] : undefined;
    if (!pkg || !imp || pkg.purpose !== HOLDER_PURPOSE) throw new NotFoundError(`Package ${id} does not exist.`);
    return { package: pkg, import: imp };
  }

  async requireImport(id: string): Promise<ImportRecord> {
    const imp = await this.deps.migrations.getImport(id);
    if (!imp) throw new NotFoundError(`Import ${id} does not exist.`);
    return imp;
  }

  /** The holder's package binary, or 404 while it has none. */
  async download(id: string): Promise<Download> {
    const { package: pkg } = await this.require(id);
    const storage = pkg.storage;
    if (!storage) throw new NotFoundError(`The package is ${holderStatus(pkg)}: it has no binary.`);
    return blobDownload(await this.deps.storage.blobs(), storage.path, { size: storage.size, sha256: storage.sha256, fileName: pkg.name });
  }

  /** An import's undo package, or 404 when it made none. */
  async undoDownload(importId: string): Promise<Download> {
    const imp = await this.requireImport(importId);
    const undo = imp.undoStorage;
    if (!undo) throw new NotFoundError('This import has no undo package.');
    return blobDownload(await this.deps.storage.blobs(), undo.path, { size: undo.size, fileName: `undo-${imp.id}` });
  }

  async createEmpty(projectId: string, caller: Caller): Promise<MigrationRecord> {
    const now = Date.now();
    const id = newGuid();
    const project = await this.project(projectId);
    const record: MigrationRecord = {
      package: {
        id,
        name: `Package ${id}`,
        type: project ? 'project' : 'configuration',
        purpose: HOLDER_PURPOSE,
        status: 'empty',
        progress: 0,
        message: '',
        replicated: false,
        creator: caller,
        environment: this.environment,
        project,
        request: { settings: DEFAULT_SETTINGS, content: [] },
        createdAt: now,
        updatedAt: now,
      },
      // The holder's own import record carries nothing; imports of the holder get records of their own.
      import: newImportRecord(id, this.environment, now, { generateUndo: false }),
    };
    await this.deps.migrations.insert(record);
    return record;
  }

  async fill(id: string, projectId: string, type: string, request: PackageRequest): Promise<MigrationRecord> {
    const record = await this.require(id);
    if (record.package.status === 'creating') throw new ConflictError('The package is being built already.');
    if ((type === 'configuration') !== (projectId === CONFIGURATION_PROJECT_ID))
      throw new InvalidInputError(`A ${type} package ${type === 'configuration' ? 'must not' : 'needs to'} name a project.`);
    const project = await this.project(projectId);
    const pkg = await this.jobs.submit({ kind: 'create_package', packageId: id, importId: null }, (migrations) =>
      migrations.updatePackage(record.package, { type, request, status: 'creating', progress: 0, message: '', storage: undefined, toc: undefined, project }),
    );
    return { package: pkg, import: record.import };
  }

  /** The content rows of GET /api/packages/{id}?showContent=True, enriched from the source objects. */
  async content(record: MigrationRecord, projectId: string): Promise<unknown[]> {
    const toc = (await this.deps.migrations.withToc(record.package)).toc ?? [];
    const objects = await this.deps.metadata.getObjects(
      projectId,
      toc.map((r) => r.id),
    );
    const requested = new Map(record.package.request.content.map((r) => [r.id, r]));
    return toc.map((row) => {
      const o = objects.get(row.id);
      return {
        id: row.id,
        name: row.name,
        version: row.version,
        type: row.type,
        action: row.action,
        includeDependents: requested.get(row.id)?.includeDependents ?? false,
        explicitIncluded: row.explicitIncluded,
        level: row.level,
        ...(o
          ? { owner: { id: o.ownerId }, dateCreated: formatLibraryDate(new Date(o.dateCreated)), dateModified: formatLibraryDate(new Date(o.dateModified)) }
          : {}),
      };
    });
  }

  /** PUT /api/packages/{id}/binary: a package file into the holder; it must be a readable .mmp. */
  async upload(record: MigrationRecord, file: Readable): Promise<MigrationRecord> {
    const blobs = await this.deps.storage.blobs();
    const path = packagePath(record.package.id, new Date());
    const stored = await blobs.put(path, file, { maxBytes: Number.MAX_SAFE_INTEGER });
    try {
      const header = await readPackageHeader(await blobs.get(path));
      const pkg = await this.deps.migrations.updatePackage(record.package, {
        status: 'created',
        progress: 100,
        type: header.packageType,
        name: header.name,
        storage: { path, size: stored.size, sha256: stored.sha256 },
        // The toc of what the holder held before (a creation, an earlier upload) is not this package's: its import
        // writes the new one.
        toc: undefined,
        request: { ...record.package.request, settings: header.settings },
        formatVersion: header.formatVersion,
      });
      return { package: pkg, import: record.import };
    } catch (error) {
      await blobs.delete(path);
      throw error;
    }
  }

  async startImport(id: string, projectId: string, generateUndo: boolean, caller: Caller): Promise<ImportRecord> {
    const record = await this.require(id);
    if (record.package.status !== 'created') throw new ConflictError(`The package is ${record.package.status}: only a ready package can be imported.`);
    const now = Date.now();
    const imp: ImportRecord = {
      id: newGuid(),
      packageId: id,
      status: 'importing',
      importRequestStatus: 'approved',
      undoRequestStatus: 'pending',
      progress: 0,
      message: '',
      creator: caller,
      environment: this.environment,
      project: await this.project(projectId),
      generateUndo,
      createdAt: now,
      updatedAt: now,
    };
    await this.jobs.submit({ kind: 'import', packageId: id, importId: imp.id }, (migrations) => migrations.insertImport(imp).then(() => true));
    return imp;
  }

  /** `held`: the caller's privileges (deleting an import that can still be undone needs more). */
  async deleteImport(id: string, held: ReadonlySet<Privilege>): Promise<void> {
    const imp = await this.requireImport(id);
    if (imp.status === 'importing' || imp.status === 'undoing') throw new ConflictError(`The import is ${imp.status}; delete it when it has finished.`);
    const pkg = await this.deps.migrations.getPackage(imp.packageId);
    if (pkg) assertMayDiscardUndo(pkg, [imp], held);
    if (imp.undoStorage) await (await this.deps.storage.blobs()).delete(imp.undoStorage.path);
    await this.deps.migrations.deleteImport(id);
  }
}
