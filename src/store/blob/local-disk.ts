import type { Dir } from 'node:fs';
import { type FileHandle, link, mkdir, open, opendir, readdir, rename, rm, stat } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSafeKey, type BlobListing, type BlobStore, type ByteRange, type PutOptions, type StoredBlob } from './blob-store.js';
import { BlobExistsError, BlobKeyError, BlobNotFoundError, BlobStoreUnavailableError } from './errors.js';
import { InsufficientStorageError } from '../../domain/errors.js';
import { FileBody } from './file-body.js';
import { meterFor } from './measure.js';

const TEMP_DIR = '.tmp';
const WRITE_QUEUE_BYTES = 1024 * 1024;
/** A temporary upload's name: the tag of its key, then a random part. Nothing else there is ours. */
const TEMP_NAME = /^([0-9a-f]{32})\.[0-9a-f]{24}\.part$/;

/** Ties a temporary file to its key without putting the key (up to 1024 characters) in the name. */
export function keyTag(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** Blobs as files under one root folder; writes go to .tmp and are renamed into place when whole. */
export class LocalDiskBlobStore implements BlobStore {
  readonly kind = 'file_system' as const;

  constructor(readonly root: string) {}

  private resolve(key: string): string {
    if (!isSafeKey(key) || key.startsWith(TEMP_DIR)) throw new BlobKeyError(key);
    return path.join(this.root, key);
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<StoredBlob> {
    const target = this.resolve(key);
    const tempDir = path.join(this.root, TEMP_DIR);
    await mkdir(tempDir, { recursive: true });
    const temp = path.join(tempDir, `${keyTag(key)}.${randomBytes(12).toString('hex')}.part`);
    const meter = meterFor(options);
    try {
      // Opened before the pipeline runs: a stream that opens lazily could create the file after a body that
      // failed at once had its temporary file removed below, and leave it behind.
      // Chunks queue while a write is on the thread pool and go out together (writev): with the default of
      // 16 KiB every network-sized chunk waited for its own write.
      const out = (await open(temp, 'wx')).createWriteStream({ highWaterMark: WRITE_QUEUE_BYTES });
      // A write that fails after the pipeline gave up (the next chunk on a full disk) must not crash the process.
      out.on('error', () => undefined);
      await pipeline(body, meter, out, { signal: options.signal });
      await fsyncFile(temp);
      await mkdir(path.dirname(target), { recursive: true });
      if (options.createOnly) await linkNew(temp, target, key);
      else await rename(temp, target);
      return meter.stored();
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw storageFault(error);
    }
  }

  async get(key: string, options: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<Readable> {
    const file = this.resolve(key);
    const { handle, size } = await openFile(key, file);
    return new FileBody(handle, size, options.range, options.signal);
  }

  async head(key: string): Promise<Omit<BlobListing, 'key'> | undefined> {
    try {
      const s = await stat(this.resolve(key));
      return s.isFile() ? { size: s.size, modifiedAt: s.mtimeMs } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.resolve(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<BlobListing> {
    // Walk from the deepest folder the prefix names whole; the rest of it filters names.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    for await (const key of walk(this.root, folder)) {
      if (!key.startsWith(prefix)) continue;
      const found = await this.head(key);
      if (found) yield { key, ...found };
    }
  }

  async cleanupTemporary(staleBefore: Date, keys: ReadonlySet<string>): Promise<number> {
    const tempDir = path.join(this.root, TEMP_DIR);
    let names: string[];
    try {
      names = await readdir(tempDir);
    } catch (error) {
      if (isMissing(error)) return 0;
      throw error;
    }
    const tags = new Set([...keys].map(keyTag));
    let removed = 0;
    for (const name of names) {
      const tag = TEMP_NAME.exec(name)?.[1];
      if (!tag || !tags.has(tag)) continue; // another environment's upload, or not an upload at all
      const file = path.join(tempDir, name);
      // A live upload writes to its file all the time: an old modification time means nobody does.
      const s = await stat(file).catch(() => undefined);
      if (!s?.isFile() || s.mtimeMs >= staleBefore.getTime()) continue;
      await rm(file, { force: true });
      removed++;
    }
    return removed;
  }

  async check(): Promise<void> {
    await mkdir(path.join(this.root, TEMP_DIR), { recursive: true });
    const probe = path.join(this.root, TEMP_DIR, `probe-${randomBytes(6).toString('hex')}`);
    const handle = await open(probe, 'w');
    await handle.close();
    await rm(probe, { force: true });
  }
}

/** The blob's file, opened, and its size: a handle keeps its bytes even if the blob is replaced or deleted while it is read. */
async function openFile(key: string, file: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if (isMissing(error)) throw new BlobNotFoundError(key);
    throw error;
  }
  try {
    const found = await handle.stat();
    if (found.isFile()) return { handle, size: found.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
  await handle.close();
  throw new BlobNotFoundError(key);
}

/** link() fails when the target exists, atomically; the temporary name is dropped either way. */
async function linkNew(temp: string, target: string, key: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BlobExistsError(key);
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

/** Keys of the files under `folder` (relative to root), skipping the temporary folder. */
async function* walk(root: string, folder: string): AsyncGenerator<string> {
  let dir: Dir;
  try {
    dir = await opendir(path.join(root, folder));
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw error;
  }
  for await (const entry of dir) {
    const key = folder ? `${folder}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (key !== TEMP_DIR) yield* walk(root, key);
    } else if (entry.isFile()) {
      yield key;
    }
  }
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Space and device failures as the Library's: 507 for a full disk or quota, 503 for a store we cannot write. */
function storageFault(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new InsufficientStorageError();
  if (code === 'EROFS' || code === 'EIO' || code === 'EACCES' || code === 'EPERM')
    return new BlobStoreUnavailableError(`the storage folder cannot be written (${code}).`);
  return error;
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT';
}
