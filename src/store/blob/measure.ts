import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { PutOptions, StoredBlob } from './blob-store.js';
import { BlobMismatchError, BlobTooLargeError } from './errors.js';

/**
 * Counts and hashes bytes as they pass, and fails the pipeline the moment maxBytes is passed.
 * With `expected`, the stream also fails at its end when size or SHA-256 differ: before the
 * consumer sees the end, so a store that commits on end (an S3 upload) never commits a mismatch.
 */
export class MeasuringStream extends Transform {
  private readonly hash = createHash('sha256');
  private sha256?: string;
  /** Not named `size`: the S3 uploader reads a body's `size` as its total length. */
  private received = 0;

  constructor(
    private readonly maxBytes = Number.POSITIVE_INFINITY,
    private readonly overrun: (maxBytes: number) => Error = (max) => new BlobTooLargeError(max),
    private readonly expected: Partial<StoredBlob> = {},
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.maxBytes) {
      callback(this.overrun(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const { size, sha256 } = this.stored();
    const { expected } = this;
    if (expected.size !== undefined && expected.size !== size) {
      callback(new BlobMismatchError('size', expected.size, size));
    } else if (expected.sha256 !== undefined && expected.sha256.toLowerCase() !== sha256) {
      callback(new BlobMismatchError('sha256', expected.sha256.toLowerCase(), sha256));
    } else {
      callback();
    }
  }

  /** Size and SHA-256 of everything that passed; call once the stream has ended. */
  stored(): StoredBlob {
    this.sha256 ??= this.hash.digest('hex');
    return { size: this.received, sha256: this.sha256 };
  }
}

/**
 * The meter for one put. With an expected size the body is cut off one byte past it and reported
 * as a size mismatch (a 400, which clients do not retry, unlike a 413).
 */
export function meterFor(options: PutOptions): MeasuringStream {
  const expected = options.expected ?? {};
  if (expected.size !== undefined && expected.size <= (options.maxBytes ?? Number.POSITIVE_INFINITY)) {
    return new MeasuringStream(expected.size, (max) => new BlobMismatchError('size', max, `more than ${max}`), expected);
  }
  return new MeasuringStream(options.maxBytes, undefined, expected);
}
