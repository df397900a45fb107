import type { Readable } from 'node:stream';
import type { ByteRange, BlobStore } from '../store/blob/blob-store.js';

/** A stored binary as a client downloads it. */
export interface Download {
  size: number;
  /** Makes a strong ETag, so that `If-Range` can resume; without it the ETag is weak. */
  sha256?: string;
  /** Without extension; `.mmp` is appended. */
  fileName: string;
  open(range?: ByteRange): Promise<Readable>;
}

/** The download of the blob at `path` in `blobs`. */
export function blobDownload(blobs: BlobStore, path: string, meta: Omit<Download, 'open'>): Download {
  return { ...meta, open: (range) => blobs.get(path, { range }) };
}
