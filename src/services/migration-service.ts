import { projectRef, type ServiceDeps } from './deps.js';
import type { JobSystem } from '../jobs/index.js';
import type { FileRepository } from '../store/files.js';
import type { MigrationListOptions } from '../store/migrations.js';
import { OutcomeRepository } from '../store/outcomes.js';
import type { ReportQuery, ReportSummary } from '../domain/migrations/report.js';
import {
  newImportRecord,
  type ImportRecord,
  type MigrationRecord,
  type NamedRef,
  type ObjectOutcome,
  type PackageRecord,
  type PackageRequest,
} from '../domain/migrations/records.js';
import { formatLibraryDate } from '../domain/dates.js';
import { replicaStatusPath } from '../domain/storage-keys.js';
import type { CertificationInput, CreatePackageInput, ImportFromFileInput, MigrationPatch } from '../domain/migrations/requests.js';
import { assertImportRequestTransition, assertUndoRequestTransition } from '../domain/migrations/states.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../domain/errors.js';
import { guidFromFileId, newGuid } from '../domain/ids.js';
import { CONFIGURATION_PROJECT_ID } from '../domain/objects.js';
import { normaliseEnvironmentId } from '../domain/input.js';
import { assertMayDiscardUndo } from '../domain/migrations/undo-loss.js';
import type { Privilege } from '../domain/privileges.js';
import { blobDownload, type Download } from './download.js';

export interface Caller {
  id: string;
  name: string;
}

function defaultPackageName(now: Date): string {
  return `New Migration Package ${now.toISOString().slice(0, 19).replace('T', ' ')}`;
}

/** The state-changing use cases of the Migrations API; routes translate HTTP to these. */
export class MigrationService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly jobs: JobSystem,
    private readonly files: FileRepository,
    private readonly environment: NamedRef,
  ) {}

  private async project(id: string | undefined, field: string): Promise<NamedRef> {
    if (!id) throw new InvalidInputError(`${field} is required for this package type.`);
    return projectRef(this.deps.metadata, id);
  }

  /** M1: a package from a tocView, created asynchronously in this (source) environment. */
  async createPackage(input: CreatePackageInput, caller: Caller, projectHeader: string | undefined): Promise<MigrationRecord> {
    const now = Date.now();
    // Configuration packages hold environment objects: a project header means nothing to them and is ignored.
    const project = input.type === 'configuration' ? undefined : await this.project(projectHeader, 'The X-MSTR-ProjectID header');
    const pkg: PackageRecord = {
      id: newGuid(),
      name: input.name || defaultPackageName(new Date(now)),
      type: input.type,
      purpose: input.purpose,
      status: 'creating',
      progress: 0,
      message: '',
      replicated: false,
      creator: caller,
      environment: this.environment,
      project,
      request: input.request,
      createdAt: now,
      updatedAt: now,
    };
    const imp = newImportRecord(pkg.id, input.importEnvironment ?? this.environment, now);
    await this.jobs.submit({ kind: 'create_package', packageId: pkg.id, importId: null }, (migrations) =>
      migrations.insert({ package: pkg, import: imp }).then(() => true),
    );
    return { package: pkg, import: imp };
  }

  /** M1': the seed's import of an uploaded shared file; starts at once. */
  async importFromFile(input: ImportFromFileInput, caller: Caller, projectHeader: string | undefined): Promise<MigrationRecord> {
    const guid = guidFromFileId(input.fileId);
    const file = guid ? await this.files.get(guid) : undefined;
    if (!file) throw new NotFoundError(`Shared file ${input.fileId} does not exist.`);
    if (!file.existing) throw new InvalidInputError(`Shared file ${input.fileId} has no uploaded binary yet: upload it first.`);
    const { source } = file;
    // Files uploaded before headers were read at upload (issue 17) have only what their client declared.
    const type = source?.packageType ?? file.packageType ?? 'project';
    const from = source?.environment ?? file.environment ?? { id: '', name: '' };
    await this.deps.signing.refuseEarly(file.signature, from);
    const project =
      type === 'configuration'
        ? undefined
        : await this.project(projectHeader ?? input.project?.id, 'The target project (X-MSTR-ProjectID or importInfo.project.id)');
    const now = Date.now();
    let pkg = await this.deps.migrations.getPackage(file.packageId);
    if (pkg && pkg.fileGuid !== file.guid) throw new ConflictError(`Package ${file.packageId} already exists and was not uploaded as this file.`);
    if (!pkg) {
      pkg = {
        id: file.packageId,
        name: file.name,
        type,
        purpose: 'migration_from_shared_file_store',
        status: 'locked',
        progress: 100,
        message: '',
        replicated: true,
        creator: file.creator,
        // The environment the package says it came from, not the one the uploading client declared.
        environment: { id: normaliseEnvironmentId(from.id), name: from.name },
        storage: { path: file.path, size: file.size, sha256: file.sha256 },
        request: {
          settings: { defaultAction: 'use_existing', aclOnReplacingObjects: 'use_existing', aclOnNewObjects: ['keep_acl_as_source_object'] },
          content: [],
        },
        fileGuid: file.guid,
        ...(source ? { source } : {}),
        ...(file.signature ? { signature: file.signature } : {}),
        createdAt: file.createdAt.getTime(),
        updatedAt: now,
      };
      const record = {
        package: pkg,
        import: newImportRecord(pkg.id, this.environment, now, {
          status: 'importing',
          importRequestStatus: 'approved',
          creator: caller,
          project,
          environment: input.environment ?? this.environment,
        }),
      };
      await this.jobs.submit({ kind: 'import', packageId: pkg.id, importId: record.import.id }, (migrations) => migrations.insert(record).then(() => true));
      return record;
    }
    const imp = newImportRecord(pkg.id, this.environment, now, {
      status: 'importing',
      importRequestStatus: 'approved',
      creator: caller,
      project,
      environment: input.environment ?? this.environment,
    });
    await this.jobs.submit({ kind: 'import', packageId: pkg.id, importId: imp.id }, (migrations) => migrations.insertImport(imp).then(() => true));
    return { package: pkg, import: imp };
  }

  /** M4: the whitelist merge of PATCH /api/migrations/{id}, with its state machines. */
  async patch(record: MigrationRecord, patch: MigrationPatch, projectHeader: string | undefined): Promise<MigrationRecord> {
    let { package: pkg, import: imp } = record;
    const { migrations } = this.deps;
    if (patch.packageName !== undefined) pkg = await migrations.updatePackage(pkg, { name: patch.packageName });
    if (patch.environment || patch.project) {
      if (imp.status !== 'pending') throw new ConflictError(`The import target cannot change: the import is ${imp.status}.`);
      // The project named here is the target's, in another environment: it cannot be checked from the source.
      imp = await migrations.updateImport(imp, {
        ...(patch.environment ? { environment: patch.environment } : {}),
        ...(patch.project ? { project: patch.project } : {}),
      });
    }
    if (patch.importRequestStatus !== undefined) {
      assertImportRequestTransition(imp.importRequestStatus, patch.importRequestStatus);
      if (patch.importRequestStatus === 'approved') {
        if (pkg.status !== 'created' && pkg.status !== 'locked') throw new ConflictError(`The package cannot be approved for import: it is ${pkg.status}.`);
        pkg = await migrations.updatePackage(pkg, { status: 'locked' });
      }
      imp = await migrations.updateImport(imp, { importRequestStatus: patch.importRequestStatus });
    }
    if (patch.undoRequestStatus !== undefined) imp = await this.changeUndoRequest(pkg, imp, patch.undoRequestStatus, projectHeader);
    if (patch.validationStatus === 'validating') {
      if (pkg.status !== 'created') throw new ConflictError(`A package can be validated only while it is created; it is ${pkg.status}.`);
      const now = Date.now();
      imp = await migrations.updateImport(imp, {
        validation: { status: 'validating', progress: 0, message: '', createdAt: imp.validation?.createdAt ?? now, updatedAt: now },
      });
    }
    return { package: pkg, import: imp };
  }

  private async changeUndoRequest(
    pkg: PackageRecord,
    imp: ImportRecord,
    to: ImportRecord['undoRequestStatus'],
    projectHeader: string | undefined,
  ): Promise<ImportRecord> {
    assertUndoRequestTransition(imp.undoRequestStatus, to);
    if (to !== 'approved') return this.deps.migrations.updateImport(imp, { undoRequestStatus: to });
    if (imp.status !== 'imported') throw new ConflictError(`Only an imported migration can be undone; this one is ${imp.status}.`);
    if (!imp.undoStorage) throw new ConflictError('This import has no undo package: keep_both was used, or undo was not generated.');
    const target = pkg.type === 'configuration' ? CONFIGURATION_PROJECT_ID : imp.project?.id;
    if (projectHeader && pkg.type !== 'configuration' && projectHeader !== target) {
      throw new InvalidInputError(`X-MSTR-ProjectID ${projectHeader} is not the project this package was imported into (${target}).`);
    }
    const started = await this.jobs.submit({ kind: 'undo', packageId: pkg.id, importId: imp.id }, (migrations) =>
      migrations.updateImport(imp, { undoRequestStatus: 'approved', status: 'undoing', progress: 0, message: '' }, ['imported']),
    );
    if (!started) throw new ConflictError('The undo was started already.');
    return started;
  }

  /** M1'': a new import of an existing package (a new import id, the same package id). */
  async reuse(packageId: string, input: { environment?: NamedRef; project?: NamedRef }, caller: Caller): Promise<MigrationRecord> {
    const pkg = await this.deps.migrations.getPackage(packageId);
    if (!pkg) throw new NotFoundError(`Package ${packageId} does not exist.`);
    if (pkg.status !== 'created' && pkg.status !== 'locked') throw new ConflictError(`Package ${packageId} cannot be reused: it is ${pkg.status}.`);
    const project = input.project && pkg.type !== 'configuration' ? input.project : undefined;
    const imp = newImportRecord(pkg.id, input.environment ?? this.environment, Date.now(), { creator: caller, project });
    await this.deps.migrations.insertImport(imp);
    return { package: pkg, import: imp };
  }

  /** M7: certification, as mstrio sends it (flat) or the docs do (wrapped); autoSync keeps what is stored. */
  async certify(record: MigrationRecord, input: CertificationInput | undefined): Promise<void> {
    if (!input) return;
    const lastUpdatedDate = input.lastUpdatedDate ?? formatLibraryDate(new Date());
    await this.deps.migrations.updatePackage(record.package, { certification: { status: input.status, operator: input.operator, lastUpdatedDate } });
  }

  /** M6: new content for a package, created again; only before anything was imported from it. */
  async edit(record: MigrationRecord, edit: { name?: string; request: PackageRequest }): Promise<MigrationRecord> {
    const { package: pkg, import: imp } = record;
    if (pkg.status !== 'created' && pkg.status !== 'create_failed') throw new ConflictError(`The package cannot be edited: it is ${pkg.status}.`);
    if (imp.status !== 'pending' || (imp.importRequestStatus !== 'pending' && imp.importRequestStatus !== 'rejected')) {
      throw new ConflictError(`The package cannot be edited: its import is ${imp.status} (request ${imp.importRequestStatus}).`);
    }
    if (pkg.fileGuid || pkg.replicated) throw new ConflictError('An uploaded or replicated package cannot be edited.');
    const oldPath = pkg.storage?.path;
    const updated = await this.jobs.submit({ kind: 'create_package', packageId: pkg.id, importId: null }, (migrations) =>
      migrations.updatePackage(pkg, {
        ...(edit.name ? { name: edit.name } : {}),
        request: edit.request,
        status: 'creating',
        progress: 0,
        message: '',
        storage: undefined,
        toc: undefined,
      }),
    );
    if (oldPath) await (await this.deps.storage.blobs()).delete(oldPath);
    return { package: updated, import: imp };
  }

  /** One record (a package with one of its imports), or 404. */
  require(packageId: string, importId: string): Promise<MigrationRecord> {
    return this.deps.migrations.require(packageId, importId);
  }

  /** The record with its package's table of contents, for the views that list the package's objects. */
  async withContent(record: MigrationRecord): Promise<MigrationRecord> {
    return { ...record, package: await this.deps.migrations.withToc(record.package) };
  }

  /** The records, newest first, optionally of some purposes only. */
  list(options: MigrationListOptions): Promise<{ total: number; records: MigrationRecord[] }> {
    return this.deps.migrations.list(options);
  }

  /** One page of what the last import or validation did to each object, with the counts of the whole report. */
  async report(packageId: string, importId: string, query: ReportQuery): Promise<{ total: number; data: ObjectOutcome[]; summary: ReportSummary }> {
    await this.require(packageId, importId);
    const outcomes = new OutcomeRepository(this.deps.db);
    const summary = await outcomes.summary(importId);
    const page = await outcomes.page(importId, query, summary);
    return { total: page.total, data: page.outcomes, summary };
  }

  /** A created or uploaded package's binary, or 404 while it has none. */
  async download(packageId: string): Promise<Download> {
    const pkg = await this.deps.migrations.getPackage(packageId);
    if (!pkg) throw new NotFoundError(`Package ${packageId} does not exist.`);
    const storage = pkg.storage;
    if (!storage) throw new NotFoundError(`Package ${packageId} has no binary: it is ${pkg.status}.`);
    return blobDownload(await this.deps.storage.blobs(), storage.path, { size: storage.size, sha256: storage.sha256, fileName: pkg.name });
  }

  /** M10: deletes the package record, its imports, its created binary and its undo packages (`held`: the caller's privileges). */
  async deletePackage(packageId: string, held: ReadonlySet<Privilege>): Promise<void> {
    const pkg = await this.deps.migrations.getPackage(packageId);
    if (!pkg) throw new NotFoundError(`Package ${packageId} does not exist.`);
    const imports = await this.deps.migrations.importsOf(packageId);
    assertMayDiscardUndo(pkg, imports, held);
    // A job ends in the transaction that writes its record's final state: a client that saw that state finds no job.
    if (await this.jobs.queue.activeFor(packageId))
      throw new ConflictError(`Package ${packageId} is busy (being created, imported or undone); delete it when that has finished.`);
    await this.deps.migrations.deletePackage(packageId);
    const blobs = await this.deps.storage.blobs();
    const paths = imports.flatMap((i) => (i.undoStorage ? [i.undoStorage.path] : []));
    // An uploaded package's binary belongs to its shared file (deleted through the file store), and a
    // replicated record's binary to the source environment that shares the storage: only the source's own goes.
    if (pkg.storage && !pkg.fileGuid && !pkg.replicated) {
      paths.push(pkg.storage.path, ...imports.map((i) => replicaStatusPath(pkg.id, i.id)));
    }
    for (const path of paths) await blobs.delete(path);
  }
}
