import type { Writable } from 'node:stream';

/**
 * Ends a stream that feeds a blob store with an error, so that the store discards what it
 * wrote. The store may not be listening yet (it attaches its pipeline after an await), and an
 * 'error' event with no listener would crash the process; the consumer still sees the error.
 */
export function abortStream(stream: Writable, error: unknown): void {
  stream.on('error', () => undefined);
  stream.destroy(error instanceof Error ? error : new Error(String(error)));
}
