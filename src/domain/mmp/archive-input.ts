import { createHash, type Hash } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { PackageFormatError } from './errors.js';
import { RATIO_CHECK_AFTER_BYTES } from './limits.js';
import type { PackageLimits } from './types.js';

const INFLATED_CHUNK_BYTES = 64 * 1024;

/** One tar entry as it streams past: its chunks are hashed and counted on the way. */
export class ArchiveEntry {
  private readonly hash: Hash = createHash('sha256');
  private bytesRead = 0;

  constructor(
    readonly name: string,
    readonly type: string,
    readonly size: number,
    private readonly source: AsyncIterable<unknown>,
    private readonly explain: (error: unknown) => unknown,
  ) {}

  async *chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of this.source) {
        if (!Buffer.isBuffer(chunk)) throw new TypeError('a tar entry yielded something other than bytes');
        this.hash.update(chunk);
        this.bytesRead += chunk.length;
        yield chunk;
      }
    } catch (error) {
      throw this.explain(error);
    }
  }

  /**
   * The whole entry, for the JSON documents read at once (header, manifest). Bytes are counted as they arrive
   * and reading stops the moment they pass `maxBytes`, whatever the tar header declared.
   */
  async readAll(maxBytes: number, tooLarge: (bytes: number) => Error): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of this.chunks()) {
      if (this.bytesRead > maxBytes) throw tooLarge(this.bytesRead);
      parts.push(chunk);
    }
    return Buffer.concat(parts, this.bytesRead);
  }

  /** sha256 and size of the bytes read; meaningful once the chunks are read to the end. */
  digest(): { sha256: string; size: number } {
    return { sha256: this.hash.digest('hex'), size: this.bytesRead };
  }
}

/**
 * The gzip-compressed tar stream of a package, entry by entry. Bytes are counted as they are decompressed, and
 * the stream is aborted the moment the total or the compression ratio passes its limit: a bomb never inflates.
 */
export class ArchiveInput {
  private readonly extract = tar.extract();
  private readonly iterator = this.extract[Symbol.asyncIterator]();
  private failure: unknown;
  private closed = false;
  private compressedBytes = 0;
  private inflatedBytes = 0;

  constructor(
    private readonly input: Readable,
    private readonly limits: Required<PackageLimits>,
  ) {
    const tally = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.compressedBytes += chunk.length;
        done(null, chunk);
      },
    });
    // zlib inflates on the thread pool, one output chunk per round trip: its default of 16 KiB made a GiB
    // package take 65,000 of them, and the inflation of an upload's check twice as long as with 64 KiB.
    const gunzip = createGunzip({ chunkSize: INFLATED_CHUNK_BYTES });
    const guard = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.inflatedBytes += chunk.length;
        done(this.overLimit(), chunk);
      },
      // Runs once gunzip has ended, before the tar reader sees the end: the last word on the compressed bytes.
      flush: (done) => done(this.trailingBytes(gunzip.bytesWritten)),
    });
    const inflated = pipeline(input, tally, gunzip, guard, (error) => {
      if (error) this.abort(explainUpstream(error));
    });
    inflated.pipe(this.extract);
  }

  /** The next entry, or undefined at a clean end of the archive. */
  async next(): Promise<ArchiveEntry | undefined> {
    const result = await this.iterator.next().catch((error: unknown) => {
      throw this.explain(error);
    });
    if (this.failure !== undefined) throw this.failure;
    if (result.done) return undefined;
    const { header } = result.value;
    return new ArchiveEntry(header.name, header.type, header.size, result.value, (error) => this.explain(error));
  }

  /** Stops reading: the input is destroyed, so nothing more is read from it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.input.destroy();
    this.extract.destroy();
  }

  private abort(error: unknown): void {
    if (this.closed || this.failure !== undefined) return;
    this.failure = error;
    this.extract.destroy(error instanceof Error ? error : new Error(String(error)));
  }

  private explain(error: unknown): unknown {
    return this.failure ?? explainTar(error);
  }

  /**
   * zlib stops at the end of the last gzip member when the next byte is 0 and drops what follows without an
   * error; the format allows nothing there, so the bytes it did not take are counted and refused.
   */
  private trailingBytes(consumed: number): PackageFormatError | null {
    const trailing = this.compressedBytes - consumed;
    if (trailing <= 0) return null;
    return new PackageFormatError(`package has ${trailing} bytes after the end of its gzip stream; nothing may follow it`);
  }

  private overLimit(): PackageFormatError | null {
    const { maxTotalBytes, maxCompressionRatio } = this.limits;
    if (this.inflatedBytes > maxTotalBytes) {
      return new PackageFormatError(`package is larger than ${maxTotalBytes} bytes uncompressed (maxTotalBytes)`);
    }
    if (this.inflatedBytes > RATIO_CHECK_AFTER_BYTES && this.inflatedBytes > this.compressedBytes * maxCompressionRatio) {
      return new PackageFormatError(
        `package expands more than ${maxCompressionRatio} times when decompressed (maxCompressionRatio): refused as a decompression bomb`,
      );
    }
    return null;
  }
}

/** gzip errors become format errors; a failing input (disk, network) keeps its own error. */
function explainUpstream(error: Error): unknown {
  if (error instanceof PackageFormatError) return error;
  const code = 'code' in error ? error.code : undefined;
  if (code === 'Z_BUF_ERROR') return new PackageFormatError('package is truncated: the gzip stream ends early');
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new PackageFormatError(`package is not a valid gzip stream (${error.message})`);
  }
  return error;
}

function explainTar(error: unknown): unknown {
  if (error instanceof PackageFormatError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (message === 'Unexpected end of data') return new PackageFormatError('package is truncated: the tar archive ends inside an entry');
  return new PackageFormatError(`package is not a valid tar archive (${message})`);
}
