import { ServiceUnavailableError } from '../domain/errors.js';
import type { BlobStore } from './blob/blob-store.js';
import type { FileRepository } from './files.js';
import type { StorageService } from './storage-settings.js';

export interface RecoveryReport {
  claimsCleared: number;
  temporaryRemoved: number;
  markedMissing: number;
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
 * Brings the shared file store back to a truthful state after a stop or a crash: no upload can
 * be running while this server starts, so every claim is stale and every temporary file is an
 * abandoned upload; a file whose binary is gone (or has the wrong size) is no longer `existing`.
 */
export async function recoverSharedFiles(files: FileRepository, storage: StorageService, now = new Date()): Promise<RecoveryReport> {
  const claimsCleared = await files.clearAllClaims();
  const store = await configuredStore(storage);
  if (!store) return { claimsCleared, temporaryRemoved: 0, markedMissing: 0 };
  const temporaryRemoved = await store.cleanupTemporary();
  let markedMissing = 0;
  for (const file of await files.listStored()) {
    const found = await store.head(file.path);
    if (found?.size === file.size) continue;
    await files.markMissing(file.guid, now);
    markedMissing++;
  }
  return { claimsCleared, temporaryRemoved, markedMissing };
}
