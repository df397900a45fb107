import type { FileHandle } from 'node:fs/promises';
import { OutgoingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { ByteRange } from './blob-store.js';

export const READ_BYTES = 1024 * 1024;
/** Reads in flight to an HTTP response: one being read while the others are with the socket. */
export const RESPONSE_BUFFERS = 4;

/**
 * A stored file's bytes (or a range of them) as a stream. Read as any stream, it allocates each read anew,
 * as `fs.createReadStream` does. Piped into an HTTP response before anything else has read it, which is how
 * a download leaves, it reads into a few buffers it reuses: the response calls back once the socket has taken
 * a chunk's bytes, and the buffer is read into again. With glibc's mmap threshold fixed (as `npm start` runs
 * the server, for flat memory), every fresh 1 MiB buffer is a mapping whose pages fault in and are unmapped
 * after the write: measured, that was most of a download's CPU. A wrapper of `res.write` that dropped the
 * callback would stall such a send after 4 MiB; nothing in Packstore wraps it.
 */
export class FileBody extends Readable {
  private position: number;
  private readonly last: number;
  /** Set by the first `_read` or the send to a response: from then on the stream has one reader only. */
  private reader: 'stream' | 'response' | undefined;
  /** Wakes a response send waiting for a buffer; also called when the stream is destroyed. */
  private wake: (() => void) | undefined;

  /** `size` is the file's as opened: a range past it reads up to it, as `fs.createReadStream` does. */
  constructor(
    private readonly handle: FileHandle,
    size: number,
    range?: ByteRange,
    signal?: AbortSignal,
  ) {
    super({ highWaterMark: READ_BYTES, signal });
    this.position = range?.start ?? 0;
    this.last = Math.min(range?.end ?? Number.POSITIVE_INFINITY, size - 1);
  }

  override _read(): void {
    if (this.reader === 'response') {
      this.destroy(new Error('a file being sent to an HTTP response cannot be read otherwise'));
      return;
    }
    this.reader = 'stream';
    this.readInto(Buffer.allocUnsafeSlow(this.nextLength())).then(
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

  /** Into an HTTP response, from a stream nothing has read yet, the reusing send; otherwise a plain pipe. */
  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    const untouched = this.reader === undefined && this.readableLength === 0 && this.listenerCount('data') === 0;
    if (!(destination instanceof OutgoingMessage) || !untouched) return super.pipe(destination, options);
    this.reader = 'response';
    this.sendTo(destination, options?.end ?? true).catch((error: Error) => this.destroy(error));
    return destination;
  }

  private release(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private nextLength(): number {
    return Math.max(0, Math.min(READ_BYTES, this.last - this.position + 1));
  }

  /** The next bytes of the file into `buffer`, or null at the end of the range; a file cut short is an error. */
  private async readInto(buffer: Buffer): Promise<Buffer | null> {
    const length = Math.min(buffer.length, this.nextLength());
    if (length === 0) return null;
    const { bytesRead } = await this.handle.read(buffer, 0, length, this.position);
    if (bytesRead === 0) throw new Error(`the file ended at byte ${this.position}, before the ${this.last + 1} it had when opened`);
    this.position += bytesRead;
    return buffer.subarray(0, bytesRead);
  }

  private async sendTo(response: OutgoingMessage, end: boolean): Promise<void> {
    // A response closed before it finished (the client left) calls back no more writes: stop, and close the file.
    response.once('close', () => {
      if (!response.writableFinished) this.destroy();
    });
    const free: Buffer[] = [];
    let made = 0;
    for (;;) {
      if (response.destroyed) this.destroy();
      if (this.destroyed) return;
      let buffer = free.pop();
      if (!buffer && made < RESPONSE_BUFFERS) {
        made++;
        buffer = Buffer.allocUnsafeSlow(Math.max(1, this.nextLength()));
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
