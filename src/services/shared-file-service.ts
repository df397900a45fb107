import { randomBytes } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import type { PackstoreConfig } from '../config/load.js';
import { CONFIG_KEYS } from '../config/keys.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../domain/errors.js';
import { fileIdFromGuid, guidFromFileId, newGuid } from '../domain/ids.js';
import { sourceOfHeader, type PackageSource } from '../domain/package-source.js';
import type { PackageSeal } from '../domain/mmp/index.js';
import { packagePath } from '../domain/storage-keys.js';
import {
  contradiction,
  defaultFileName,
  duplicateWarning,
  type DuplicateWarning,
  type Named,
  type SharedFile,
  type SharedFileInput,
} from '../domain/shared-files.js';
import { PackageInspector } from './package-inspection.js';
import type { BlobStore, ByteRange } from '../store/blob/blob-store.js';
import type { FileListFilters, FileRepository } from '../store/files.js';
import type { MigrationRepository } from '../store/migrations.js';
import type { ImportOfFile } from '../domain/migrations/records.js';
import type { StorageService } from '../store/storage-settings.js';
import type { PackageSigning } from './package-signing.js';

export interface SharedFileDeps {
  files: FileRepository;
  storage: StorageService;
  signing: PackageSigning;
  config: Pick<PackstoreConfig, 'maxPackages' | 'leaseSeconds' | 'refuseDuplicatePackages'>;
}

/** The GUID of a file id from a URL, or 404 naming the id. */
export function guidOf(fileId: string): string {
  const guid = guidFromFileId(fileId);
  if (!guid) throw new NotFoundError(`No shared file with id ${fileId}: it is not a migration package file id.`);
  return guid;
}

async function requireFile(files: FileRepository, guid: string): Promise<SharedFile> {
  const file = await files.get(guid);
  if (!file) throw new NotFoundError(`No shared file with id ${fileIdFromGuid(guid)}.`);
  return file;
}

/** A new file, and a warning when its bytes are already stored (or 409, when duplicates are refused). */
export async function createSharedFile(
  deps: SharedFileDeps,
  input: SharedFileInput,
  creator: Named,
  now = new Date(),
): Promise<{ file: SharedFile; warning?: DuplicateWarning }> {
  await deps.storage.blobs();
  const duplicate = await deps.files.findStoredBySha256(input.sha256);
  if (duplicate && deps.config.refuseDuplicatePackages) {
    throw new ConflictError(
      `${duplicateWarning(duplicate).message} Duplicates are refused here (${CONFIG_KEYS.refuseDuplicatePackages.key}); import that file instead.`,
    );
  }
  const max = deps.config.maxPackages;
  const guid = newGuid();
  const file: SharedFile = {
    guid,
    name: input.name ?? defaultFileName(guid),
    size: input.size,
    sha256: input.sha256,
    existing: false,
    creator,
    environment: input.environment,
    packageId: newGuid(),
    packageType: input.packageType,
    packagePurpose: input.packagePurpose,
    path: packagePath(guid, now),
    createdAt: now,
    updatedAt: now,
  };
  if (!(await deps.files.insertWithinLimit(file, max))) {
    throw new InvalidInputError(
      `The shared file store already holds the maximum of ${max} migration packages (${CONFIG_KEYS.maxPackages.key}). ` +
        'Delete packages that are no longer needed, or ask the administrator to raise the limit.',
    );
  }
  return duplicate ? { file, warning: duplicateWarning(duplicate) } : { file };
}

const alreadyStored = (guid: string) => `The shared file ${fileIdFromGuid(guid)} already has its binary; delete it and create a new file to upload again.`;

/** A file whose binary can still be uploaded: 404 when unknown, 409 when it has one. */
export async function fileAwaitingBinary(deps: SharedFileDeps, guid: string): Promise<SharedFile> {
  await deps.storage.blobs();
  const file = await requireFile(deps.files, guid);
  if (file.existing) throw new ConflictError(alreadyStored(guid));
  return file;
}

/** One upload of a file's binary, holding the file's upload claim until commit or abort. */
export interface BinaryUpload {
  readonly file: SharedFile;
  /**
   * Streams the body into the store, reading the package on the way (its header, then its seal): bytes that
   * are not a package, or whose header contradicts the declared type, are refused at once. It is kept only if
   * size and SHA-256 match the metadata.
   */
  receive(body: Readable, signal?: AbortSignal): Promise<void>;
  /** Judges the package's signature, checked as it streamed in (a tampered one is refused), then makes the binary visible with the header's lineage: the file becomes `existing`. */
  commit(): Promise<SharedFile>;
  /** Drops whatever was stored and releases the claim; safe to call after a failed receive. */
  abort(): Promise<void>;
}

export async function beginUpload(deps: SharedFileDeps, guid: string): Promise<BinaryUpload> {
  const blobs: BlobStore = await deps.storage.blobs();
  const file = await requireFile(deps.files, guid);
  const claim = `${Date.now()}:${randomBytes(8).toString('hex')}`;
  if (file.existing || !(await deps.files.claimUpload(guid, claim))) {
    const current = await requireFile(deps.files, guid);
    throw new ConflictError(current.existing ? alreadyStored(guid) : `Another upload to the shared file ${fileIdFromGuid(guid)} is in progress.`);
  }
  let stored = false;
  let checked: { source: PackageSource; seal: PackageSeal } | undefined;
  return {
    file,
    async receive(body, signal) {
      // Other nodes clear claims that stop being renewed (their node died): renew while receiving.
      const renew = setInterval(() => void deps.files.renewClaim(guid, claim).catch(() => undefined), (deps.config.leaseSeconds * 1000) / 2);
      const inspector = new PackageInspector((header) => {
        const refused = contradiction(file, sourceOfHeader(header));
        if (refused) throw new InvalidInputError(refused);
      });
      try {
        await blobs.put(
          file.path,
          pipeline(body, inspector, () => undefined),
          { signal, expected: { size: file.size, sha256: file.sha256 } },
        );
        checked = { source: sourceOfHeader(await inspector.header), seal: await inspector.seal };
      } catch (error) {
        // The store reports the stream's failure as its own; the inspector's reason is the one to give.
        throw await inspector.header.then(
          () => error,
          (refusal: unknown) => refusal,
        );
      } finally {
        clearInterval(renew);
      }
      stored = true;
    },
    async commit() {
      if (!checked) throw new Error('commit() before a successful receive()');
      // The seal was read from the very bytes the store kept (they matched the declared sha256), as they passed.
      const signature = await deps.signing.judgeUpload(checked.seal);
      const done = await deps.files.completeUpload(guid, claim, new Date(), checked.source, signature);
      if (done) return done;
      await blobs.delete(file.path);
      throw new NotFoundError(`The shared file ${fileIdFromGuid(guid)} was deleted while its binary was uploading.`);
    },
    async abort() {
      if (stored) await blobs.delete(file.path);
      await deps.files.releaseClaim(guid, claim);
    },
  };
}

/** The warning for a stored file whose bytes another file holds too. */
export async function duplicateOf(deps: SharedFileDeps, file: SharedFile): Promise<DuplicateWarning | undefined> {
  const other = await deps.files.findStoredBySha256(file.sha256, file.guid);
  return other && duplicateWarning(other);
}

/** A file whose binary can be downloaded, or 404 when it has none. */
export async function storedFile(deps: SharedFileDeps, guid: string): Promise<SharedFile> {
  await deps.storage.blobs();
  const file = await requireFile(deps.files, guid);
  if (!file.existing) throw new NotFoundError(`The shared file ${fileIdFromGuid(guid)} has no binary yet: upload it first.`);
  return file;
}

export async function openBinary(deps: SharedFileDeps, file: SharedFile, range?: ByteRange): Promise<Readable> {
  return (await deps.storage.blobs()).get(file.path, { range });
}

/** Metadata first, so the file disappears at once; then its binary. */
export async function deleteSharedFile(deps: SharedFileDeps, guid: string): Promise<void> {
  const blobs = await deps.storage.blobs();
  const file = await requireFile(deps.files, guid);
  if (!(await deps.files.delete(guid))) throw new NotFoundError(`No shared file with id ${fileIdFromGuid(guid)}.`);
  await blobs.delete(file.path);
}

/** A page of files, each with the imports made from it ("imported into …"): one more query for the page. */
export async function listSharedFiles(
  deps: SharedFileDeps & { migrations: MigrationRepository },
  offset: number,
  limit: number,
  filters: FileListFilters,
): Promise<{ total: number; files: SharedFile[]; imports: Map<string, ImportOfFile[]> }> {
  await deps.storage.blobs();
  const page = await deps.files.list(offset, limit, filters);
  return { ...page, imports: await deps.migrations.importsOfFiles(page.files.map((f) => f.guid)) };
}
