import { ServiceUnavailableError } from '../domain/errors.js';
import type { PackstoreConfig } from '../config/load.js';
import type { OwnedBlobStore } from './blob/owned-blob-store.js';
import type { FileRepository } from './files.js';
import { discardResumableUpload, type ResumableUploadRepository } from './resumable-uploads.js';
import { uploadIdOfPart } from '../domain/storage-keys.js';
import type { MigrationRepository } from './migrations.js';
import type { StorageService } from './storage-settings.js';

export interface RecoveryReport {
  claimsCleared: number;
  temporaryRemoved: number;
  markedMissing: number;
  orphansRemoved: number;
  /** Resumable uploads removed, with their parts, because they expired. */
  uploadsExpired: number;
  /** Why the storage was left alone, when it was. */
  skipped?: string;
}

export interface RecoveryDeps {
  files: FileRepository;
  migrations: MigrationRepository;
  storage: StorageService;
  uploads: ResumableUploadRepository;
}

export interface RecoveryTimes {
  /** Blobs and temporary uploads untouched this long are abandoned. */
  staleMs: number;
  /** Upload claims not renewed this long are a dead node's (0: every claim, as at the start of the only node). */
  claimStaleMs: number;
}

/**
 * How long an upload or job must have shown no sign of life before another node may take what it
 * left behind. Several nodes share the storage, so "left behind" cannot mean "there at start":
 * a live upload writes its temporary file all the time, and may legitimately sit idle for up to
 * the HTTP idle timeout.
 */
export function staleAfterMs(config: Pick<PackstoreConfig, 'leaseSeconds' | 'httpIdleTimeout'>): number {
  return (2 * config.leaseSeconds + config.httpIdleTimeout) * 1000;
}

/**
 * A live upload renews its claim every half lease, whatever its client does: a claim not renewed
 * for two leases belongs to a node that died (one lease would take a busy node, whose renewal
 * waits for a database connection, for a dead one). On SQLite there is one node, so at its start
 * every claim is a dead one.
 */
export function recoveryTimes(config: Pick<PackstoreConfig, 'leaseSeconds' | 'httpIdleTimeout'>, singleNodeStart: boolean): RecoveryTimes {
  return { staleMs: staleAfterMs(config), claimStaleMs: singleNodeStart ? 0 : 2 * config.leaseSeconds * 1000 };
}

async function configuredStore(storage: StorageService): Promise<OwnedBlobStore | undefined> {
  try {
    return await storage.blobs();
  } catch (error) {
    if (error instanceof ServiceUnavailableError) return undefined;
    throw error;
  }
}

/**
 * Brings this environment's part of the shared storage back to a truthful state after a stop or
 * a crash of any of its nodes: stale upload claims are released, its abandoned temporary uploads
 * removed, a file whose binary is gone is no longer `existing`, and blobs it wrote that no record
 * points at (a crash between writing a blob and its record, or between deleting a record and its
 * blob) are deleted, and so are resumable uploads that expired, with their parts. It acts only on keys this environment recorded writing (owned_blobs), only
 * on what has been stale for `staleMs`, and only in a store that holds the environment's marker.
 */
export async function recoverSharedFiles(deps: RecoveryDeps, times: RecoveryTimes, now = Date.now()): Promise<RecoveryReport> {
  const claimsCleared = await deps.files.clearStaleClaims(now - times.claimStaleMs);
  const nothing = { claimsCleared, temporaryRemoved: 0, markedMissing: 0, orphansRemoved: 0, uploadsExpired: 0 };
  const store = await configuredStore(deps.storage);
  if (!store) return nothing;
  const owned = await deps.storage.owned.all();
  if (owned.length === 0) return nothing;
  if (!(await store.holdsMarker())) {
    // An unmounted share or another bucket under the same name: the records describe other storage.
    return { ...nothing, skipped: "the storage does not hold this environment's marker; nothing was changed" };
  }
  const staleBefore = now - times.staleMs;
  const expired = await deps.uploads.expired(now);
  for (const upload of expired) await discardResumableUpload(store, deps.uploads, upload);
  const temporaryRemoved = await store.cleanupTemporary(new Date(staleBefore), new Set(owned.map((b) => b.key)));
  let markedMissing = 0;
  for (const file of await deps.files.listStored()) {
    const found = await store.head(file.path);
    if (found?.size === file.size) continue;
    await deps.files.markMissing(file.guid, new Date(now));
    markedMissing++;
  }
  const inUse = new Set([...(await deps.files.pathsInUse()), ...(await deps.migrations.blobPathsInUse())]);
  // A resumable upload may wait for its client for a day: its parts are not orphans until it expires.
  const liveUploads = await deps.uploads.liveIds(now);
  let orphansRemoved = 0;
  for (const blob of owned) {
    if (inUse.has(blob.key) || liveUploads.has(uploadIdOfPart(blob.key) ?? '') || blob.writtenAt >= staleBefore) continue;
    // Forget first, and only if nobody recorded writing the key again since the listing.
    if (!(await deps.storage.owned.forgetIfUnchanged(blob))) continue;
    const current = await store.head(blob.key);
    if (current && current.modifiedAt >= staleBefore) {
      await deps.storage.owned.record(blob.key); // written again meanwhile: still ours, still wanted
      continue;
    }
    await store.inner.delete(blob.key);
    if (current) orphansRemoved++;
  }
  return { claimsCleared, temporaryRemoved, markedMissing, orphansRemoved, uploadsExpired: expired.length };
}
