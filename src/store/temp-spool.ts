import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Spool } from '../domain/mmp/spool.js';

const READ_BYTES = 1024 * 1024;

/**
 * A spool in a file of its own under the system's temporary folder, so that a package's table of contents
 * (hundreds of MB at a million objects) is not held in the heap. The file is removed on close.
 */
export async function tempFileSpool(): Promise<Spool> {
  const dir = await mkdtemp(join(tmpdir(), 'packstore-toc-'));
  const file = await open(join(dir, 'rows'), 'w+').catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  let size = 0;
  let closed: Promise<void> | undefined;
  return {
    async write(bytes) {
      let written = 0;
      while (written < bytes.length) {
        written += (await file.write(bytes, written, bytes.length - written, size + written)).bytesWritten;
      }
      size += bytes.length;
    },
    async *read() {
      const end = size;
      for (let position = 0; position < end; ) {
        const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, end - position));
        const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) throw new Error('the spool file ended early');
        position += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
    },
    close() {
      closed ??= file.close().finally(() => rm(dir, { recursive: true, force: true }));
      return closed;
    },
  };
}
