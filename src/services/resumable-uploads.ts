import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PackstoreConfig } from '../config/load.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../domain/errors.js';
import { fileIdFromGuid } from '../domain/ids.js';
import { ChecksumMismatchError, isComplete, newUploadId, OffsetConflictError, type ResumableUpload, type UploadPart } from '../domain/resumable-uploads.js';
import { uploadPartPath } from '../domain/storage-keys.js';
import type { BlobStore, StoredBlob } from '../store/blob/blob-store.js';
import { BlobMismatchError } from '../store/blob/errors.js';
import { PackageFormatError } from '../domain/mmp/errors.js';
import { discardResumableUpload, type ResumableUploadRepository } from '../store/resumable-uploads.js';
import { beginUpload, fileAwaitingBinary, type SharedFileDeps } from './shared-file-service.js';

/**
 * Resumable uploads (tus 1.0) of a shared file's binary, over our own blob store. Each chunk is
 * stored as a blob of its own (a "part"); when the last byte arrives, the parts are streamed, in
 * order, through the very upload the multipart PUT uses (beginUpload: the file's claim, declared
 * size and sha256, the all-or-nothing put, the commit), so the whole is checked exactly as a
 * multipart upload is, and nothing is visible before it passed. docs/resumable-uploads.md says why
 * this is not @tus/server.
 */
export interface ResumableUploadDeps extends SharedFileDeps {
  uploads: ResumableUploadRepository;
  config: SharedFileDeps['config'] & Pick<PackstoreConfig, 'resumableUploadExpiry'>;
}

export interface Chunk {
  /** Where the client says the chunk starts (Upload-Offset). */
  offset: number;
  /** The bytes; a body that ends early (a cut connection) is kept as far as it came, unless it carries a checksum. */
  body: Readable;
  /** Lower-case hex sha256 the chunk must have (Upload-Checksum), when the client sent one. */
  sha256?: string;
}

/** How often a request waiting for an upload's lock looks again. */
const LOCK_POLL_MS = 100;

const expiryMs = (deps: ResumableUploadDeps) => deps.config.resumableUploadExpiry * 1000;

export async function createResumableUpload(deps: ResumableUploadDeps, fileGuid: string, length: number, now = Date.now()): Promise<ResumableUpload> {
  const file = await fileAwaitingBinary(deps, fileGuid);
  if (length !== file.size) {
    throw new InvalidInputError(`Upload-Length ${length} differs from the size the shared file ${fileIdFromGuid(fileGuid)} declared (${file.size}).`);
  }
  const upload: ResumableUpload = { id: newUploadId(), fileGuid, length, received: 0, parts: [], createdAt: now, expiresAt: now + expiryMs(deps) };
  await deps.uploads.create(upload);
  return upload;
}

/** An upload of this file that has not expired, or 404. */
export async function liveUpload(deps: ResumableUploadDeps, fileGuid: string, id: string, now = Date.now()): Promise<ResumableUpload> {
  const upload = await deps.uploads.get(id);
  if (!upload || upload.fileGuid !== fileGuid || upload.expiresAt <= now) {
    throw new NotFoundError(
      `No resumable upload ${id} of the shared file ${fileIdFromGuid(fileGuid)}: it never existed, was terminated, or expired. Create a new one.`,
    );
  }
  return upload;
}

/**
 * Appends one chunk at `chunk.offset` and, when it completes the upload, commits the file's
 * binary. A chunk that fails its checksum is refused (460) and nothing of it is kept.
 */
export async function appendChunk(deps: ResumableUploadDeps, fileGuid: string, id: string, chunk: Chunk, now = Date.now()): Promise<ResumableUpload> {
  const upload = await liveUpload(deps, fileGuid, id, now);
  if (chunk.offset !== upload.received) throw new OffsetConflictError(chunk.offset, upload.received);
  if (isComplete(upload)) return upload;
  const blobs = await deps.storage.blobs();
  const writer = randomBytes(8).toString('hex');
  const leaseMs = deps.config.leaseSeconds * 1000;
  if (!(await lockWhenFree(deps, id, chunk.offset, writer))) {
    const current = await liveUpload(deps, fileGuid, id);
    if (current.received !== chunk.offset) throw new OffsetConflictError(chunk.offset, current.received);
    throw new ConflictError(`Another request is writing to the resumable upload ${id}; ask with HEAD where it stands and continue from there.`);
  }
  // Other nodes take over a lock that stops being renewed (its node died): renew it while working.
  const renew = setInterval(() => void deps.uploads.renewLock(id, writer).catch(() => undefined), leaseMs / 2);
  const key = uploadPartPath(id, chunk.offset, writer);
  try {
    const part = { key, size: (await storePart(blobs, key, upload.length - chunk.offset, chunk)).size };
    if (part.size === 0) await blobs.delete(key);
    const received = chunk.offset + part.size;
    const parts = part.size > 0 ? [...upload.parts, part] : upload.parts;
    if (received === upload.length) await completeUpload(deps, blobs, upload, parts);
    const kept = received === upload.length ? [] : parts;
    if (!(await deps.uploads.append(id, writer, received, kept, Date.now() + expiryMs(deps)))) {
      // Terminated (or taken over) while this chunk arrived: what it wrote belongs to nobody.
      await blobs.delete(key);
      throw new NotFoundError(`The resumable upload ${id} was terminated while this chunk arrived; nothing of it was kept.`);
    }
    if (kept.length === 0) await Promise.all(parts.map((p) => blobs.delete(p.key)));
    return { ...upload, received, parts: kept };
  } catch (error) {
    await deps.uploads.unlock(id, writer);
    throw error;
  } finally {
    clearInterval(renew);
  }
}

/**
 * Takes the upload's lock at `offset`. A request that finds it held is most often the client's own
 * retry, overtaking its cut request while that one still stores what arrived (hundreds of MB can
 * take seconds): it waits for that to end, up to one lease, rather than send the client a stale
 * offset. False when the upload moved past `offset` or the lock stayed held.
 */
async function lockWhenFree(deps: ResumableUploadDeps, id: string, offset: number, writer: string): Promise<boolean> {
  const leaseMs = deps.config.leaseSeconds * 1000;
  const giveUpAt = Date.now() + leaseMs;
  for (;;) {
    if (await deps.uploads.lock(id, offset, writer, Date.now() - 2 * leaseMs)) return true;
    if ((await deps.uploads.get(id))?.received !== offset || Date.now() >= giveUpAt) return false;
    await sleep(LOCK_POLL_MS);
  }
}

async function storePart(blobs: BlobStore, key: string, room: number, chunk: Chunk): Promise<StoredBlob> {
  try {
    return await blobs.put(key, chunk.body, { maxBytes: room, expected: chunk.sha256 === undefined ? undefined : { sha256: chunk.sha256 } });
  } catch (error) {
    if (error instanceof BlobMismatchError && error.field === 'sha256') throw new ChecksumMismatchError(String(error.expected), String(error.actual));
    throw error;
  }
}

/**
 * The multipart PUT's own upload, fed with the parts in order. A whole that fails the file's
 * checks (its sha256), or whose file is gone, can never succeed: the upload is removed with its
 * parts. Any other failure (the storage, a concurrent upload) drops only the last part, so that
 * the client can send it again.
 */
async function completeUpload(deps: ResumableUploadDeps, blobs: BlobStore, upload: ResumableUpload, parts: UploadPart[]): Promise<void> {
  try {
    const binary = await beginUpload(deps, upload.fileGuid);
    try {
      await binary.receive(Readable.from(concatenated(blobs, parts), { objectMode: false }));
      await binary.commit();
    } catch (error) {
      await binary.abort();
      throw error;
    }
  } catch (error) {
    // A tampered package (PackageFormatError from the signature check) can never succeed either.
    if (error instanceof BlobMismatchError || error instanceof NotFoundError || error instanceof PackageFormatError) {
      await discardResumableUpload(blobs, deps.uploads, { ...upload, parts });
    } else {
      const last = parts.at(-1);
      if (last) await blobs.delete(last.key);
    }
    throw error;
  }
}

async function* concatenated(blobs: BlobStore, parts: UploadPart[]): AsyncGenerator<Buffer> {
  for (const part of parts) {
    for await (const bytes of await blobs.get(part.key)) yield bytes as Buffer;
  }
}

/** Termination: the upload and everything it received are removed. */
export async function terminateUpload(deps: ResumableUploadDeps, fileGuid: string, id: string): Promise<void> {
  const upload = await liveUpload(deps, fileGuid, id);
  await discardResumableUpload(await deps.storage.blobs(), deps.uploads, upload);
}
