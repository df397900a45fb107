import type { Hash } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';

/**
 * Ends a stream that feeds a blob store with an error, so that the store discards what it
 * wrote. The store may not be listening yet (it attaches its pipeline after an await), and an
 * 'error' event with no listener would crash the process; the consumer still sees the error.
 */
export function abortStream(stream: Writable, error: unknown): void {
  stream.on('error', () => undefined);
  stream.destroy(error instanceof Error ? error : new Error(String(error)));
}

/** Bytes handed to the reader at a time: progress follows what the reader has taken, in steps this fine. */
const MEASURED_SLICE = 64 * 1024;

/**
 * The stored bytes as the reader takes them, hashed for verification and counted for progress. Storage
 * hands out chunks of up to a MiB (6 % of a 16 MB package); slicing them (views, not copies) lets the
 * count follow the reader's pace. Destroying the result closes the stored stream.
 */
export function measured(stored: Readable, hash: Hash, onBytes: (n: number) => void): Readable {
  async function* slices(): AsyncGenerator<Buffer> {
    for await (const chunk of stored as AsyncIterable<Buffer>) {
      for (let at = 0; at < chunk.length; at += MEASURED_SLICE) {
        const slice = chunk.subarray(at, at + MEASURED_SLICE);
        hash.update(slice);
        onBytes(slice.length);
        yield slice;
      }
    }
  }
  return Readable.from(slices(), { objectMode: false, highWaterMark: MEASURED_SLICE });
}
