import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline as chainStreams, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';

export interface Digest {
  size: number;
  sha256: string;
}

/** A pass-through stream that hashes and counts what flows through it. */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  digest(): Digest {
    return { size: this.size, sha256: this.hash.digest('hex') };
  }
}

/** Reads a stream to its end, keeping only its size and SHA-256. */
export async function digestOf(input: Readable, ...through: Transform[]): Promise<Digest> {
  const hashing = new HashingStream();
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  await pipeline([input, ...through, hashing, sink]);
  return hashing.digest();
}

export function digestFile(file: string, ...through: Transform[]): Promise<Digest> {
  return digestOf(createReadStream(file, { highWaterMark: 1024 * 1024 }), ...through);
}

/** `input` piped through `through`, as one readable that fails when any of them fails. */
export function chain(input: Readable, ...through: Transform[]): Readable {
  const [last] = through.slice(-1);
  if (!last) return input;
  // The callback form returns the last stream and destroys every stream on an error, so the
  // reader of the chain sees a failure of the input instead of waiting forever.
  chainStreams([input, ...through], () => undefined);
  return last;
}
