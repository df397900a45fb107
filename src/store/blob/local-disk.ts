import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSafeKey, type BlobStore, type ByteRange, type PutOptions, type StoredBlob } from './blob-store.js';
import { BlobKeyError, BlobMismatchError, BlobNotFoundError } from './errors.js';
import { meterFor } from './measure.js';

const TEMP_DIR = '.tmp';

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
    const temp = path.join(tempDir, `${randomBytes(12).toString('hex')}.part`);
    const meter = meterFor(options);
    try {
      const out = createWriteStream(temp, { flags: 'wx' });
      await pipeline(body, meter, out, { signal: options.signal });
      const stored = { size: meter.size, sha256: meter.digest() };
      const { expected } = options;
      if (expected?.size !== undefined && expected.size !== stored.size) throw new BlobMismatchError('size', expected.size, stored.size);
      if (expected?.sha256 !== undefined && expected.sha256.toLowerCase() !== stored.sha256) {
        throw new BlobMismatchError('sha256', expected.sha256.toLowerCase(), stored.sha256);
      }
      await fsyncFile(temp);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(temp, target);
      return stored;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string, options: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<Readable> {
    const file = this.resolve(key);
    await this.statOrThrow(key, file);
    const range = options.range;
    return createReadStream(file, { start: range?.start, end: range?.end, signal: options.signal, highWaterMark: 1024 * 1024 });
  }

  async head(key: string): Promise<{ size: number } | undefined> {
    try {
      const s = await stat(this.resolve(key));
      return s.isFile() ? { size: s.size } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.resolve(key), { force: true });
  }

  async cleanupTemporary(): Promise<number> {
    const tempDir = path.join(this.root, TEMP_DIR);
    let names: string[];
    try {
      names = await readdir(tempDir);
    } catch (error) {
      if (isMissing(error)) return 0;
      throw error;
    }
    await Promise.all(names.map((name) => rm(path.join(tempDir, name), { force: true, recursive: true })));
    return names.length;
  }

  async check(): Promise<void> {
    await mkdir(path.join(this.root, TEMP_DIR), { recursive: true });
    const probe = path.join(this.root, TEMP_DIR, `probe-${randomBytes(6).toString('hex')}`);
    const handle = await open(probe, 'w');
    await handle.close();
    await rm(probe, { force: true });
  }

  private async statOrThrow(key: string, file: string): Promise<void> {
    try {
      const s = await stat(file);
      if (!s.isFile()) throw new BlobNotFoundError(key);
    } catch (error) {
      if (isMissing(error)) throw new BlobNotFoundError(key);
      throw error;
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

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT';
}
