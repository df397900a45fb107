import { Transform, PassThrough, type TransformCallback } from 'node:stream';
import { InvalidInputError } from '../domain/errors.js';
import { PackageFormatError, readPackageHeader, type PackageHeader, type PackageLimits } from '../domain/mmp/index.js';

/**
 * Passes a package's bytes through unchanged while reading its header (the first entry) from a copy of the
 * first bytes, for any upload transport (multipart, tus) to put between the client and the blob store. Each
 * chunk waits until the header reader has taken it, so the copy never holds more than a chunk; once the
 * header is read the copy is dropped and the rest flows straight through. Bytes that are not a package, or a
 * header that `accept` refuses, fail the stream at once with a 400, before the rest is read.
 */
export class PackageInspector extends Transform {
  /** The checked header; rejects with the reason the bytes were refused. */
  readonly header: Promise<PackageHeader>;
  private readonly copy = new PassThrough();
  private failure: unknown;
  private decided = false;

  constructor(accept: (header: PackageHeader) => void = () => undefined, limits: Partial<PackageLimits> = {}) {
    super();
    // A write that races the reader closing the copy fails quietly: the header's outcome decides.
    this.copy.on('error', noop);
    this.header = readPackageHeader(this.copy, limits).then(
      (header) => {
        accept(header);
        return header;
      },
      (error: unknown) => {
        throw error instanceof PackageFormatError ? notAPackage(error) : error;
      },
    );
    // Registered first, so `failure` is set before any other waiter on the header resumes.
    this.header.then(
      () => this.decide(undefined),
      (error: unknown) => this.decide(error),
    );
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.decided || this.copy.destroyed || this.copy.write(chunk)) {
      this.pass(chunk, done);
      return;
    }
    const drained = new Promise<void>((resolve) => this.copy.once('drain', resolve));
    void Promise.race([drained, this.header.then(noop, noop)]).then(() => this.pass(chunk, done));
  }

  /** The body ended: the header must have been read by now (a body shorter than its header is not a package). */
  override _flush(done: TransformCallback): void {
    this.copy.end();
    this.header.then(
      () => done(),
      (error: unknown) => done(asError(error)),
    );
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.copy.destroy();
    done(error);
  }

  private pass(chunk: Buffer, done: TransformCallback): void {
    if (this.failure !== undefined) done(asError(this.failure));
    else done(null, chunk);
  }

  private decide(failure: unknown): void {
    this.decided = true;
    this.failure = failure;
    this.copy.destroy();
  }
}

function noop(): void {}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function notAPackage(error: PackageFormatError): InvalidInputError {
  return new InvalidInputError(`The uploaded bytes are not a migration package (.mmp): ${error.message}. Nothing was kept.`);
}
