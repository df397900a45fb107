import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { PutOptions } from './blob-store.js';
import { BlobMismatchError, BlobTooLargeError } from './errors.js';

/** Counts and hashes bytes as they pass, and fails the pipeline the moment maxBytes is passed. */
export class MeasuringStream extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;

  constructor(
    private readonly maxBytes = Number.POSITIVE_INFINITY,
    private readonly overrun: (maxBytes: number) => Error = (max) => new BlobTooLargeError(max),
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(this.overrun(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * The meter for one put. With an expected size the body is cut off one byte past it and reported
 * as a size mismatch (a 400, which clients do not retry, unlike a 413).
 */
export function meterFor(options: PutOptions): MeasuringStream {
  const expectedSize = options.expected?.size;
  if (expectedSize !== undefined && expectedSize <= (options.maxBytes ?? Number.POSITIVE_INFINITY)) {
    return new MeasuringStream(expectedSize, (max) => new BlobMismatchError('size', max, `more than ${max}`));
  }
  return new MeasuringStream(options.maxBytes);
}
