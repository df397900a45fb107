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
}

/**
 * Where package bytes live. A put is all or nothing: the key becomes visible only when the whole
 * body arrived and passed its checks, so a failed or aborted upload leaves nothing behind.
 */
export interface BlobStore {
  readonly kind: 'file_system' | 'S3';
  put(key: string, body: Readable, options?: PutOptions): Promise<StoredBlob>;
  get(key: string, options?: { range?: ByteRange; signal?: AbortSignal }): Promise<Readable>;
  head(key: string): Promise<{ size: number } | undefined>;
  delete(key: string): Promise<void>;
  /** Removes temporary files left by uploads that never finished (a crash, a kill). */
  cleanupTemporary(): Promise<number>;
  /** True when the store can be written to right now (readiness and storage validation). */
  check(): Promise<void>;
}

export function isSafeKey(key: string): boolean {
  if (key.length === 0 || key.length > 1024 || key.startsWith('/') || key.includes('\\') || key.includes('\0')) return false;
  return key.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
