import { dayFolder } from './dates.js';

/**
 * The storage key layout: every blob Packstore writes lives under KEY_ROOT. Keys are the
 * Library's (clients see them), so several environments sharing one folder or bucket write
 * side by side in the same tree; what each one owns is kept in its own database (owned_blobs).
 */
export const KEY_ROOT = 'mstr/shared/migrations/';

/**
 * One per package and one per import, whatever the attempt. An uploaded file lies at the same place
 * under its own GUID (not the package id): packages/YYYY-MM-DD/<GUID>.mmp.
 */
export function packagePath(packageId: string, createdAt: Date): string {
  return `${KEY_ROOT}packages/${dayFolder(createdAt)}/${packageId}.mmp`;
}

export function undoPath(packageId: string, importId: string): string {
  return `${KEY_ROOT}undo/${packageId}/${importId}.mmp`;
}

/** What a target publishes for the source of a replicated record (see services/replica-status.ts). */
export function replicaStatusPath(packageId: string, importId: string): string {
  return `${KEY_ROOT}status/${packageId}/${importId}.json`;
}

/** A key no blob has: a HEAD of it proves the store answers (and, on S3, that bucket and credentials work). */
export const HEALTH_PROBE_KEY = `${KEY_ROOT}.health-probe`;

/**
 * Written beside an environment's first blob. Recovery acts only where it finds it: a store that
 * lacks it (an unmounted share, a bucket swapped underneath) is not the one the records describe.
 */
export function ownerMarkerPath(ownerId: string): string {
  return `${KEY_ROOT}owners/${ownerId}.json`;
}

/** Where the parts of resumable uploads wait until the upload is whole (see services/resumable-uploads.ts). */
export const UPLOADS_ROOT = `${KEY_ROOT}uploads/`;

/** One part of a resumable upload: one chunk, named by where it starts and by the request that wrote it. */
export function uploadPartPath(uploadId: string, offset: number, writer: string): string {
  return `${UPLOADS_ROOT}${uploadId}/${String(offset).padStart(16, '0')}.${writer}.part`;
}

/** The upload a part key belongs to, or undefined for any other key. */
export function uploadIdOfPart(key: string): string | undefined {
  if (!key.startsWith(UPLOADS_ROOT)) return undefined;
  return /^([0-9a-f]{32})\/\d{16}\.[0-9a-f]+\.part$/.exec(key.slice(UPLOADS_ROOT.length))?.[1];
}
