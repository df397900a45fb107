import type { PackageHeader, PackageLimits, PackageManifest } from '../../domain/mmp/types.js';
import type { PackageSignature } from '../../domain/mmp/signature.js';

/** What the reading thread is started with. */
export interface ReaderWorkerData {
  limits: Partial<PackageLimits>;
  /** Pages the thread may read ahead of the caller: the memory held is this many pages of JSON text. */
  pagesAhead: number;
}

/** From the caller's thread to the reading thread. */
export type ToReader =
  /** The next slice of the package's bytes (its buffer is transferred, not copied). */
  | { kind: 'bytes'; chunk: Uint8Array }
  /** The package's bytes end here. */
  | { kind: 'end' }
  /** The caller took a page: one more may be read ahead. */
  | { kind: 'next' };

/** Why reading failed, as far as the caller needs to rebuild the error. */
export interface ReaderFailure {
  /** A PackageFormatError (the package is at fault: a 400), or anything else (our fault). */
  format: boolean;
  message: string;
}

/** From the reading thread to the caller's thread. */
export type FromReader =
  /** Its input buffer ran low: send the next slice of bytes. */
  | { kind: 'pull' }
  | { kind: 'header'; header: PackageHeader }
  /** One page of checked entries, as JSON: parsing a string costs the caller less than a structured clone. */
  | { kind: 'page'; json: string }
  /** Every entry, checksum and count checked against the manifest. */
  | { kind: 'done'; manifest: PackageManifest; signature: PackageSignature | undefined }
  | { kind: 'failed'; failure: ReaderFailure };
