import type { FileHandle } from 'node:fs/promises';
import { OutgoingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { ByteRange } from './blob-store.js';

const READ_BYTES = 1024 * 1024;
/** Reads in flight to an HTTP response: one being read while the others are with the socket. */
const RESPONSE_BUFFERS = 4;

/**
 * A stored file's bytes (or a range of them) as a stream. Read as any stream, it allocates each read anew,
 * as `fs.createReadStream` does. Piped into an HTTP response, which is how a download leaves, it reads into
 * a few buffers it reuses: the response calls back once the socket has taken a chunk's bytes, and the buffer
 * is read into again. With glibc's mmap threshold fixed (as `npm start` runs the server, for flat memory),
 * every fresh 1 MiB buffer is a mapping whose pages fault in and are unmapped after the write: measured, that
 * was most of a download's CPU.
 */
export class FileBody extends Readable {
  private position: number;
  private readonly last: number;
  /** Wakes a response send waiting for a buffer; also called when the stream is destroyed. */
  private wake: (() => void) | undefined;

  constructor(
    private readonly handle: FileHandle,
    range?: ByteRange,
    signal?: AbortSignal,
  ) {
    super({ highWaterMark: READ_BYTES, signal });
    this.position = range?.start ?? 0;
    this.last = range?.end ?? Number.POSITIVE_INFINITY;
  }

  override _read(): void {
    this.readInto(Buffer.allocUnsafeSlow(READ_BYTES)).then(
      (bytes) => this.push(bytes),
      (error: Error) => this.destroy(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.release();
    this.handle.close().then(
      () => callback(error),
      (closing: Error) => callback(error ?? closing),
    );
  }

  /** Into an HTTP response not yet fed by this stream, the reusing send; into anything else, a plain pipe. */
  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    if (!(destination instanceof OutgoingMessage) || this.readableDidRead) return super.pipe(destination, options);
    this.sendTo(destination, options?.end ?? true).catch((error: Error) => this.destroy(error));
    return destination;
  }

  private release(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** The next bytes of the file into `buffer`, or null at the end of the range or of the file. */
  private async readInto(buffer: Buffer): Promise<Buffer | null> {
    const length = Math.min(buffer.length, this.last - this.position + 1);
    if (length <= 0) return null;
    const { bytesRead } = await this.handle.read(buffer, 0, length, this.position);
    if (bytesRead === 0) return null;
    this.position += bytesRead;
    return buffer.subarray(0, bytesRead);
  }

  private async sendTo(response: OutgoingMessage, end: boolean): Promise<void> {
    const free: Buffer[] = [];
    let made = 0;
    for (;;) {
      if (response.destroyed) this.destroy();
      if (this.destroyed) return;
      let buffer = free.pop();
      if (!buffer && made < RESPONSE_BUFFERS) {
        made++;
        buffer = Buffer.allocUnsafeSlow(READ_BYTES);
      }
      if (!buffer) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const bytes = await this.readInto(buffer);
      if (!bytes) break;
      response.write(bytes, () => {
        free.push(buffer);
        this.release();
      });
    }
    if (end) response.end();
    // Ends this stream as a pipe would: whoever waits for its end (Fastify does) sees it, and it closes.
    this.push(null);
    this.resume();
  }
}
