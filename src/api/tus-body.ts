import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';

/**
 * A chunk's body that ends, instead of failing, when the client's connection is cut: tus keeps
 * what arrived, so that the client resumes at the byte it reached (a chunk with a checksum then
 * fails its check and nothing of it is kept). Streamed through, never buffered whole.
 */
export function bodyUntilCut(raw: IncomingMessage): Readable {
  const through = new PassThrough({ highWaterMark: 1024 * 1024 });
  // An aborted request reports an error; for a chunk it only means "this is where it ended".
  raw.on('error', () => undefined);
  raw.on('close', () => {
    if (!raw.complete) through.end();
  });
  raw.pipe(through);
  return through;
}
