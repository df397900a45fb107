import type { ServiceDeps } from './deps.js';
import { projectRef } from './deps.js';
import type { JobSystem } from '../jobs/index.js';
import type { JobHandler, JobLease } from '../jobs/runner.js';
import { SupersededError } from './apply-package.js';
import type { Job } from '../jobs/queue.js';
import type { FileRepository } from '../store/files.js';
import { DiffRepository, type DiffFilter, type DiffHeader, type DiffSource } from '../store/diffs.js';
import { openPackage } from '../domain/mmp/index.js';
import { PackageFormatError } from '../domain/mmp/errors.js';
import { assertPackageKind } from '../domain/migrations/package-kinds.js';
import { countRows, emptySummary, importDiffRows, undoDiffRows, type DiffRow, type DiffSummary } from '../domain/diff/rows.js';
import { targetFingerprint } from '../domain/diff/fingerprint.js';
import { FolderPaths } from './folder-paths.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../domain/errors.js';
import { guidFromFileId, newGuid, parseMigrationId } from '../domain/ids.js';
import { CONFIGURATION_PROJECT_ID, OBJECT_TYPE } from '../domain/objects.js';
import { targetProjectOf } from './import-package.js';

/** What to diff, as the API reads it. `projectId` may be absent for an undo (its import's project) or a configuration package. */
export interface DiffRequest {
  source: DiffSource;
  projectId?: string;
  userId: string;
}

/** A diff as its reader sees it: the header, and when done, one page and whether the target changed since. */
export interface DiffView {
  header: DiffHeader;
  page?: { total: number; rows: DiffRow[] };
  currentFingerprint?: string;
  stale?: boolean;
}

/** Stored diffs are kept this long, then dropped when the next diff starts. */
const KEEP_MS = 24 * 3600 * 1000;

interface Resolved {
  path: string;
  size: number;
  projectId: string;
}

/**
 * The diff preview (issue 18): what an import (or an undo) would do to each object of its target,
 * field by field. It reads the package and the target and writes only its own rows; the actions
 * come from the import engine's planBatch, so they are the ones validation reports.
 */
export class PackageDiffs {
  private readonly diffs: DiffRepository;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly jobs: JobSystem,
    private readonly files: FileRepository,
    private readonly syncMaxBytes: number,
  ) {
    this.diffs = new DiffRepository(deps.db);
  }

  /** Runs a small diff at once (its header comes back done); a larger one is queued as a job (running). */
  async start(request: DiffRequest): Promise<DiffHeader> {
    const resolved = await this.resolve(request);
    await this.diffs.prune(Date.now() - KEEP_MS);
    const now = Date.now();
    const header: DiffHeader = {
      id: newGuid(),
      projectId: resolved.projectId,
      source: request.source,
      packagePath: resolved.path,
      status: 'running',
      message: '',
      userId: request.userId,
      createdAt: now,
      updatedAt: now,
    };
    if (resolved.size > this.syncMaxBytes) {
      await this.jobs.submit({ kind: 'diff', packageId: header.id, importId: null }, (_migrations, trx) =>
        new DiffRepository(trx).create(header).then(() => true),
      );
      return header;
    }
    await this.diffs.create(header);
    try {
      const built = await buildDiff(this.deps, this.diffs, header);
      await this.diffs.finish(header.id, built.summary, built.fingerprint);
    } catch (error) {
      await this.diffs.fail(header.id, error instanceof Error ? error.message : String(error));
      throw error;
    }
    return this.require(header.id);
  }

  async require(id: string): Promise<DiffHeader> {
    const header = await this.diffs.get(id);
    if (!header) throw new NotFoundError(`Diff ${id} does not exist.`);
    return header;
  }

  /** A page of a diff; once done, with the target's fingerprint now, to tell whether it changed since. */
  async read(id: string, filter: DiffFilter): Promise<DiffView> {
    const header = await this.require(id);
    if (header.status !== 'done') return { header };
    const [page, currentFingerprint] = await Promise.all([this.diffs.page(id, filter), targetFingerprint(this.diffs.currentVersions(id, header.projectId))]);
    return { header, page, currentFingerprint, stale: currentFingerprint !== header.fingerprint };
  }

  /** Where the package is, and the project it is diffed against; 404 or 400 before anything is written. */
  private async resolve(request: DiffRequest): Promise<Resolved> {
    const { source } = request;
    if (source.kind === 'file') {
      if (source.undo) throw new InvalidInputError('undo needs a migration id: an uploaded file has no undo package.');
      const guid = guidFromFileId(source.id);
      const file = guid ? await this.files.get(guid) : undefined;
      if (!file) throw new NotFoundError(`Shared file ${source.id} does not exist.`);
      if (!file.existing) throw new InvalidInputError(`Shared file ${source.id} has no uploaded binary yet: upload it first.`);
      return { path: file.path, size: file.size, projectId: await this.project(file.source?.packageType ?? file.packageType ?? 'project', request.projectId) };
    }
    const id = parseMigrationId(source.id);
    if (!id) throw new InvalidInputError(`packageInfo.id must be a file id or a migration id (<packageId>:<importId>); got ${JSON.stringify(source.id)}.`);
    const record = await this.deps.migrations.require(id.packageId, id.importId);
    if (source.undo) {
      const undo = record.import.undoStorage;
      if (!undo) throw new ConflictError(`Migration ${source.id} has no undo package: it was not imported with one.`);
      return { path: undo.path, size: undo.size, projectId: targetProjectOf(record) };
    }
    const storage = record.package.storage;
    if (!storage) throw new ConflictError(`The package of migration ${source.id} has no binary: it is ${record.package.status}.`);
    return { path: storage.path, size: storage.size, projectId: await this.project(record.package.type, request.projectId ?? record.import.project?.id) };
  }

  private async project(packageType: string, projectId: string | undefined): Promise<string> {
    if (packageType !== 'project') return CONFIGURATION_PROJECT_ID;
    if (!projectId) throw new InvalidInputError('importInfo.project.id (or X-MSTR-ProjectID) is required: the project to diff against.');
    return (await projectRef(this.deps.metadata, projectId)).id;
  }
}

/** Streams the package page by page: each page is planned, diffed and stored before the next is read. Returns what finishes the diff. */
async function buildDiff(deps: ServiceDeps, diffs: DiffRepository, header: DiffHeader): Promise<{ summary: DiffSummary; fingerprint: string }> {
  const id = header.id;
  const reader = await openPackage(await (await deps.storage.blobs()).get(header.packagePath));
  if (header.source.undo && reader.header.purpose !== 'undo') {
    reader.close();
    throw new PackageFormatError('The stored undo package is not an undo package.');
  }
  const paths = new FolderPaths(deps.metadata, header.projectId);
  const summary = emptySummary();
  const foldersRead = new Set<string>();
  let seq = 0;
  for await (const page of reader.entries()) {
    assertPackageKind(
      reader.header.packageType,
      page.map((e) => e.object),
    );
    const own = new Map(page.map((e) => [e.object.id, e.object]));
    const folders = header.source.undo ? [] : page.flatMap((e) => (e.object.folderId && !own.has(e.object.folderId) ? [e.object.folderId] : []));
    const targets = await deps.metadata.getObjects(header.projectId, [...own.keys(), ...folders]);
    await paths.load([...own.values(), ...targets.values()], own);
    const rows = header.source.undo ? undoDiffRows(page, targets, paths.pathOf) : importDiffRows(page, targets, reader.header.settings, newGuid, paths.pathOf);
    await diffs.insertRows(id, seq, rows);
    seq += rows.length;
    countRows(summary, rows);
    // Destination folders decide the ACL of new objects: a change to them makes the diff stale too.
    const read = [...new Set(folders)].filter((f) => !foldersRead.has(f));
    for (const f of read) foldersRead.add(f);
    const folderRows = read.map(
      (f): DiffRow => ({ id: f, type: OBJECT_TYPE.FOLDER, name: '', action: 'keep', changes: [], targetVersion: targets.get(f)?.version ?? null }),
    );
    await diffs.insertRows(id, seq, folderRows, false);
    seq += folderRows.length;
  }
  reader.manifest(); // the package's manifest checked out: a tampered package fails here
  return { summary, fingerprint: await targetFingerprint(diffs.storedVersions(id)) };
}

/** The job that computes a large diff. */
export function diffHandler(deps: ServiceDeps): JobHandler {
  const diffs = new DiffRepository(deps.db);
  return {
    async run(job: Job, lease: JobLease) {
      const header = await diffs.get(job.packageId);
      if (header?.status !== 'running') return;
      // A retry starts over: the rows of an interrupted attempt go first.
      await diffs.clearRows(header.id);
      const built = await buildDiff(deps, diffs, header);
      await deps.db.transaction().execute(async (trx) => {
        if (!(await lease.finishIn(trx))) throw new SupersededError('The diff was taken over by another node.');
        await new DiffRepository(trx).finish(header.id, built.summary, built.fingerprint);
      });
    },
    async fail(job: Job, message: string) {
      await diffs.fail(job.packageId, message);
    },
  };
}
