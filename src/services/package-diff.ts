import type { ServiceDeps } from './deps.js';
import { projectRef } from './deps.js';
import type { JobSystem } from '../jobs/index.js';
import type { JobHandler, JobLease } from '../jobs/runner.js';
import { SupersededError } from './apply-package.js';
import type { Job } from '../jobs/queue.js';
import type { FileRepository } from '../store/files.js';
import { DiffRepository, FIRST_UNLISTED_SEQ, type DiffFilter, type DiffHeader, type DiffSource } from '../store/diffs.js';
import type { PackageReader } from '../domain/mmp/index.js';
import { openStoredPackage } from './stored-package.js';
import type { PackageEntry } from '../domain/mmp/types.js';
import { PackageFormatError } from '../domain/mmp/errors.js';
import { assertPackageKind } from '../domain/migrations/package-kinds.js';
import { countRows, emptySummary, importDiffRows, undoDiffRows, type DiffRow, type DiffSummary, type TargetObject } from '../domain/diff/rows.js';
import { TargetFingerprint, targetFingerprint } from '../domain/diff/fingerprint.js';
import { readAhead } from './read-ahead.js';
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
      await this.diffs.finish(header.id, built.summary, built.fingerprint, built.revision);
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
    const [page, currentFingerprint] = await Promise.all([this.diffs.page(id, filter, knownTotal(header.summary, filter)), this.currentFingerprint(header)]);
    return { header, page, currentFingerprint, stale: currentFingerprint !== header.fingerprint };
  }

  /**
   * The target's fingerprint now. While the project's revision is the one it was last taken at, that
   * one still holds (a read costs one look-up); after a write to the project, it is taken again over
   * every object the diff read, once per revision, and kept for the next reads (on every node).
   */
  private async currentFingerprint(header: DiffHeader): Promise<string> {
    const revision = await this.deps.metadata.revision(header.projectId);
    if (header.checked?.revision === revision) return header.checked.fingerprint;
    const fingerprint = await targetFingerprint(this.diffs.currentVersions(header.id, header.projectId));
    await this.diffs.checked(header.id, revision, fingerprint);
    return fingerprint;
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

/** How many rows match a filter, when the summary says (no name search, not both an action and a type). */
function knownTotal(summary: DiffSummary | undefined, filter: DiffFilter): number | undefined {
  if (!summary || filter.q || (filter.actions?.length && filter.types?.length)) return undefined;
  const sum = (counts: Record<string, number>, keys: readonly (string | number)[]) => keys.reduce<number>((n, k) => n + (counts[String(k)] ?? 0), 0);
  if (filter.actions?.length) return sum(summary.byAction, filter.actions);
  if (filter.types?.length) return sum(summary.byType, filter.types);
  return summary.total;
}

interface BuiltDiff {
  summary: DiffSummary;
  fingerprint: string;
  /** The project's revision before the target was read. */
  revision: number;
}

/** A slice of a package page with what the target holds of it: its objects and (import) their destination folders. */
interface ReadSlice {
  slice: PackageEntry[];
  /** Destination folders outside the package page, read for the fingerprint. */
  folders: string[];
  targets: Map<string, TargetObject>;
}

/**
 * Objects a slice takes through look-up, diff and write. Pages of a package hold up to 2,000; at that
 * size each stage's objects (the page's, the target's rows, the diff rows) outlived the young generation
 * of V8's heap and were copied and promoted before they died: slices of 500 took about a quarter off the
 * time of its scavenges, varying from run to run (one look-up query a slice on SQLite, two while a slice
 * has destination folders not read yet).
 */
const SLICE = 500;

/**
 * Destination folders kept from slice to slice (or absent from the target: null). Objects of a page
 * sit in many folders, each shared by objects of many pages: looked up again on every page, they
 * were nearly half the diff's look-ups. Past the bound, further folders are looked up per slice.
 */
const KEPT_FOLDERS = 20_000;

/**
 * Reads each page, and looks the objects of each slice of it up in the target with their destination
 * folders (and those folders' paths): the stage that runs ahead. A folder the page itself holds is
 * named from it when the target lacks it, as for a page read whole.
 */
async function* withTargets(deps: ServiceDeps, header: DiffHeader, reader: PackageReader, paths: FolderPaths): AsyncGenerator<ReadSlice> {
  const keptFolders = new Map<string, TargetObject | null>();
  for await (const page of reader.entries()) {
    assertPackageKind(
      reader.header.packageType,
      page.map((e) => e.object),
    );
    const own = new Map(page.map((e) => [e.object.id, e.object]));
    for (let at = 0; at < page.length; at += SLICE) {
      const slice = page.slice(at, at + SLICE);
      const ids = new Set(slice.map((e) => e.object.id));
      const destinations = header.source.undo ? [] : slice.flatMap((e) => (e.object.folderId && !ids.has(e.object.folderId) ? [e.object.folderId] : []));
      const unread = [...new Set(destinations)].filter((f) => !keptFolders.has(f));
      const targets: Map<string, TargetObject> = await deps.metadata.getStoredObjects(header.projectId, [...ids, ...unread]);
      for (const f of unread) if (keptFolders.size < KEPT_FOLDERS) keptFolders.set(f, targets.get(f) ?? null);
      for (const f of destinations) {
        const kept = keptFolders.get(f);
        if (kept) targets.set(f, kept);
      }
      await paths.load([...slice.map((e) => e.object), ...targets.values()], own);
      yield { slice, folders: destinations.filter((f) => !own.has(f)), targets };
    }
  }
}

const readVersions = (rows: readonly DiffRow[], listed: boolean) => rows.map((r) => ({ id: r.id, version: r.targetVersion, listed }));

/**
 * Streams the package slice by slice: each slice is planned and diffed while the previous one is
 * written and the next one read and looked up in the target (at most one of each in flight), and
 * the fingerprint is taken as the rows go by. Returns what finishes the diff.
 */
async function buildDiff(deps: ServiceDeps, diffs: DiffRepository, header: DiffHeader): Promise<BuiltDiff> {
  const id = header.id;
  // Read first: a write that commits while the diff reads the target moves the revision past this one.
  const revision = await deps.metadata.revision(header.projectId);
  const reader = await openStoredPackage(await (await deps.storage.blobs()).get(header.packagePath));
  const paths = new FolderPaths(deps.metadata, header.projectId);
  const summary = emptySummary();
  const fingerprint = new TargetFingerprint();
  const foldersRead = new Set<string>();
  let seq = 0;
  let unlistedSeq = FIRST_UNLISTED_SEQ;
  let writing: Promise<void> = Promise.resolve();
  try {
    if (header.source.undo && reader.header.purpose !== 'undo') throw new PackageFormatError('The stored undo package is not an undo package.');
    for await (const { slice, folders, targets } of readAhead(withTargets(deps, header, reader, paths))) {
      const rows = header.source.undo
        ? undoDiffRows(slice, targets, paths.pathOf)
        : importDiffRows(slice, targets, reader.header.settings, newGuid, paths.pathOf);
      countRows(summary, rows);
      // Destination folders decide the ACL of new objects: a change to them makes the diff stale too.
      const read = [...new Set(folders)].filter((f) => !foldersRead.has(f));
      for (const f of read) foldersRead.add(f);
      const folderRows = read.map(
        (f): DiffRow => ({ id: f, type: OBJECT_TYPE.FOLDER, name: '', action: 'keep', changes: [], targetVersion: targets.get(f)?.version ?? null }),
      );
      fingerprint.add(readVersions(rows, true));
      fingerprint.add(readVersions(folderRows, false));
      await writing;
      writing = diffs.insertPage(id, { seq, unlistedSeq, rows, folders: folderRows });
      writing.catch(() => undefined); // awaited before the next write, or below
      seq += rows.length;
      unlistedSeq += folderRows.length;
    }
    await writing;
    reader.manifest(); // the package's manifest checked out: a tampered package fails here
  } catch (error) {
    reader.close();
    await writing.catch(() => undefined); // no row lands after the caller clears them
    throw error;
  }
  return { summary, fingerprint: fingerprint.digest(), revision };
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
        await new DiffRepository(trx).finish(header.id, built.summary, built.fingerprint, built.revision);
      });
    },
    async fail(job: Job, message: string) {
      await diffs.fail(job.packageId, message);
    },
  };
}
