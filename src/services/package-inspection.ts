import { Transform, PassThrough, type TransformCallback } from 'node:stream';
import { InvalidInputError } from '../domain/errors.js';
import { readPackageSeal, type PackageHeader, type PackageLimits, type PackageSeal } from '../domain/mmp/index.js';

/**
 * How far the store may run ahead of the check: the check inflates every byte and is the slower of the
 * two, so a few chunks queued for it keep the store (hash, write) busy instead of waiting on each chunk.
 */
const CHECK_QUEUE_BYTES = 4 * 1024 * 1024;

/**
 * Passes a package's bytes through unchanged while checking them on the same pass, for any upload transport
 * (multipart, tus) to put between the client and the blob store: each chunk also goes, without a copy, to a
 * reading of the package's seal (its header, then every entry's sha256 against the manifest and the signature),
 * so nobody has to read the stored bytes back. A chunk waits only while the check's queue is full, so memory
 * stays bounded. Bytes that are not a package, or a header that `accept` refuses, fail the stream at once
 * with a 400, before the rest is read; a package that is damaged or tampered after its header is not a
 * stream failure: its `seal` says so, for the upload's commit to judge.
 */
export class PackageInspector extends Transform {
  /** The checked header, as soon as it is read; rejects with the reason the bytes were refused. */
  readonly header: Promise<PackageHeader>;
  /** What the whole package proves, once it has passed. */
  readonly seal: Promise<PackageSeal>;
  private readonly copy = new PassThrough({ highWaterMark: CHECK_QUEUE_BYTES });
  /** Settles when the check needs no more bytes. */
  private readonly checked: Promise<void>;
  private failure: unknown;
  private decided = false;

  constructor(accept: (header: PackageHeader) => void = () => undefined, limits: Partial<PackageLimits> = {}) {
    super();
    // A write that races the reader closing the copy fails quietly: the check's outcome decides.
    this.copy.on('error', noop);
    let headerRead: (header: PackageHeader) => void = noop;
    const header = new Promise<PackageHeader>((resolve) => (headerRead = resolve));
    this.seal = readPackageSeal(this.copy, limits, (read) => {
      accept(read);
      headerRead(read);
    }).then((seal) => {
      if (seal.kind === 'not-a-package') throw notAPackage(seal.problem);
      return seal;
    });
    // The seal settles only after the header was read, or with the reason it was refused.
    this.header = Promise.race([header, this.seal.then(() => header)]);
    // Its refusal is awaited once the store has given up, which may be later than it rejects.
    this.header.catch(noop);
    this.checked = this.seal.then(noop, noop);
    // Registered first, so `failure` is set before any other waiter on the seal resumes.
    this.seal.then(
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
    void Promise.race([drained, this.checked]).then(() => this.pass(chunk, done));
  }

  /** The body ended: the check must have read it all by now (a body shorter than its header is not a package). */
  override _flush(done: TransformCallback): void {
    this.copy.end();
    this.seal.then(
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

function notAPackage(problem: string): InvalidInputError {
  return new InvalidInputError(`The uploaded bytes are not a migration package (.mmp): ${problem}. Nothing was kept.`);
}
