import { ServiceUnavailableError } from '../domain/errors.js';
import type { PackstoreConfig } from '../config/load.js';
import type { BlobStore } from './blob/blob-store.js';
import type { FileRepository } from './files.js';
import type { MigrationRepository } from './migrations.js';
import type { StorageService } from './storage-settings.js';

export interface RecoveryReport {
  claimsCleared: number;
  temporaryRemoved: number;
  markedMissing: number;
  orphansRemoved: number;
}

export interface RecoveryDeps {
  files: FileRepository;
  migrations: MigrationRepository;
  storage: StorageService;
}

/** Every blob Packstore writes lives under this prefix. */
const BLOB_PREFIX = 'mstr/shared/migrations/';

/**
 * How long an upload or job must have shown no sign of life before another node may take what it
 * left behind. Several nodes share the storage, so "left behind" cannot mean "there at start":
 * a live upload renews its claim every half lease and writes its temporary file all the time,
 * and may legitimately sit idle for up to the HTTP idle timeout.
 */
export function staleAfterMs(config: Pick<PackstoreConfig, 'leaseSeconds' | 'httpIdleTimeout'>): number {
  return (2 * config.leaseSeconds + config.httpIdleTimeout) * 1000;
}

async function configuredStore(storage: StorageService): Promise<BlobStore | undefined> {
  try {
    return await storage.blobs();
  } catch (error) {
    if (error instanceof ServiceUnavailableError) return undefined;
    throw error;
  }
}

/**
 * Brings the shared storage back to a truthful state after a stop or a crash of any node: stale
 * upload claims are released, abandoned temporary uploads removed, a file whose binary is gone is
 * no longer `existing`, and blobs that no record points at (a crash between writing a blob and
 * its record, or between deleting a record and its blob) are deleted. Only what has been stale
 * for `staleMs` is touched, so the in-flight work of other live nodes is safe.
 */
export async function recoverSharedFiles(deps: RecoveryDeps, staleMs: number, now = Date.now()): Promise<RecoveryReport> {
  const staleBefore = now - staleMs;
  const claimsCleared = await deps.files.clearStaleClaims(staleBefore);
  const store = await configuredStore(deps.storage);
  if (!store) return { claimsCleared, temporaryRemoved: 0, markedMissing: 0, orphansRemoved: 0 };
  const temporaryRemoved = await store.cleanupTemporary(new Date(staleBefore));
  let markedMissing = 0;
  for (const file of await deps.files.listStored()) {
    const found = await store.head(file.path);
    if (found?.size === file.size) continue;
    await deps.files.markMissing(file.guid, new Date(now));
    markedMissing++;
  }
  return { claimsCleared, temporaryRemoved, markedMissing, orphansRemoved: await removeOrphans(deps, store, staleBefore) };
}

async function removeOrphans(deps: RecoveryDeps, store: BlobStore, staleBefore: number): Promise<number> {
  const inUse = new Set([...(await deps.files.pathsInUse()), ...(await deps.migrations.blobPathsInUse())]);
  let removed = 0;
  for await (const blob of store.list(BLOB_PREFIX)) {
    if (inUse.has(blob.key) || blob.modifiedAt >= staleBefore) continue;
    // Written again since the listing (a new upload to the same key)? Then it is not an orphan.
    const current = await store.head(blob.key);
    if (!current || current.modifiedAt >= staleBefore) continue;
    await store.delete(blob.key);
    removed++;
  }
  return removed;
}
