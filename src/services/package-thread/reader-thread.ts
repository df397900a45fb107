import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { PackageFormatError } from '../../domain/mmp/errors.js';
import type { PackageLimits } from '../../domain/mmp/types.js';
import type { FromReader, ReaderWorkerData, ToReader } from './protocol.js';

/** The worker's own file: .js once compiled; from sources, .ts, loaded through tsx's loader registered in the new thread. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./reader-worker${FROM_SOURCES ? '.ts' : '.js'}`, import.meta.url);
/** Pages read ahead of the caller: enough to keep both threads busy, few enough to hold little. */
const PAGES_AHEAD = 2;

function startWorker(workerData: ReaderWorkerData): Worker {
  if (!FROM_SOURCES) return new Worker(WORKER_URL, { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const boot = `import(${tsx}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/** What the reading thread answers, in order: the header, pages, then done (or a failure at any point). */
export type Reply = Exclude<FromReader, { kind: 'pull' | 'failed' }>;

/**
 * One reading thread and the conversation with it: this side sends the input's bytes when the thread
 * asks (so backpressure holds end to end), queues its answers, and turns the first failure (the
 * input's own error, the thread's report of a bad package, or the thread dying) into the error every
 * later receive() rejects with.
 */
export class ReaderThread {
  private readonly worker: Worker;
  private readonly bytes: AsyncIterator<Buffer>;
  private readonly replies: Reply[] = [];
  private waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private ended = false;

  constructor(
    private readonly input: Readable,
    limits: Partial<PackageLimits>,
  ) {
    this.bytes = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.worker = startWorker({ limits, pagesAhead: PAGES_AHEAD });
    this.worker.unref();
    this.worker.on('message', (message: FromReader) => this.onMessage(message));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', () => this.fail(new Error('the package reading thread stopped before the package ended')));
  }

  receive(): Promise<Reply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Reply>((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** The caller took a page: the thread may read one more ahead. */
  taken(): void {
    this.send({ kind: 'next' });
  }

  /** Stops the thread; `complete`: the package was read to its end, so the input is spent, not abandoned. */
  close(complete: boolean): void {
    if (this.ended) return;
    this.ended = true;
    void this.worker.terminate();
    if (!complete) this.input.destroy();
  }

  private onMessage(message: FromReader): void {
    if (message.kind === 'pull') void this.pump();
    else if (message.kind === 'failed')
      this.fail(message.failure.format ? new PackageFormatError(message.failure.message) : new Error(message.failure.message));
    else if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve(message);
    } else this.replies.push(message);
  }

  /** Sends the next slice of the input, copied into a buffer of its own so that it can be transferred. */
  private async pump(): Promise<void> {
    try {
      const next = await this.bytes.next();
      if (next.done) {
        this.send({ kind: 'end' });
        return;
      }
      const chunk = new Uint8Array(next.value.byteLength);
      chunk.set(next.value);
      this.send({ kind: 'bytes', chunk }, [chunk.buffer]);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private send(message: ToReader, transfer: ArrayBuffer[] = []): void {
    if (!this.ended) this.worker.postMessage(message, transfer);
  }

  /** The first failure wins: an input error, then the thread's report of the same, is one failure. */
  private fail(error: Error): void {
    if (this.failure || this.ended) return;
    this.failure = error;
    this.waiting?.reject(error);
    this.waiting = undefined;
  }
}
