import type { Readable } from 'node:stream';

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface StoredBlob {
  size: number;
  /** Lower-case hex SHA-256 of the whole blob, computed while it streamed in. */
  sha256: string;
}

export interface PutOptions {
  signal?: AbortSignal;
  /** Stop reading the moment the body passes this many bytes. */
  maxBytes?: number;
  /** When given, the blob is kept only if it matches exactly. */
  expected?: Partial<StoredBlob>;
  /** Refuse (BlobExistsError) instead of replacing a blob already stored under the key. */
  createOnly?: boolean;
}

/** A stored blob as a listing shows it. */
export interface BlobListing {
  key: string;
  size: number;
  /** When the blob was last written, epoch milliseconds. */
  modifiedAt: number;
}

/**
 * Where package bytes live. A put is all or nothing: the key becomes visible only when the whole
 * body arrived and passed its checks, so a failed or aborted upload leaves nothing behind.
 */
export interface BlobStore {
  readonly kind: 'file_system' | 'S3';
  put(key: string, body: Readable, options?: PutOptions): Promise<StoredBlob>;
  get(key: string, options?: { range?: ByteRange; signal?: AbortSignal }): Promise<Readable>;
  head(key: string): Promise<Omit<BlobListing, 'key'> | undefined>;
  delete(key: string): Promise<void>;
  /** Every blob whose key starts with `prefix`, in no particular order; temporary uploads are not blobs. */
  list(prefix: string): AsyncIterable<BlobListing>;
  /**
   * Removes what unfinished uploads of `keys` left behind (a crash, a kill): temporary files, or
   * multipart uploads. Only for those keys, because other environments may share the store, and
   * only what was untouched since `staleBefore`, because other nodes may be uploading right now.
   * Returns how many were removed.
   */
  cleanupTemporary(staleBefore: Date, keys: ReadonlySet<string>): Promise<number>;
  /** True when the store can be written to right now (readiness and storage validation). */
  check(): Promise<void>;
}

export function isSafeKey(key: string): boolean {
  if (key.length === 0 || key.length > 1024 || key.startsWith('/') || key.includes('\\') || key.includes('\0')) return false;
  return key.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
