/**
 * An async iterable fed by push(): lets the import engine hand undo entries to a package
 * writer that is streaming at the same time. push() waits while too much is buffered, so the
 * writer's pace bounds memory.
 */
export class BatchChannel<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private closed = false;
  private failure?: Error;
  private notifyReader?: () => void;
  private notifyWriter?: () => void;

  constructor(private readonly highWaterMark = 4) {}

  /** Fails with the consumer's error once it has failed, so the producer never waits for a reader that is gone. */
  async push(item: T): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('channel closed');
    this.buffer.push(item);
    this.notifyReader?.();
    while (this.buffer.length > this.highWaterMark && !this.failure) {
      await new Promise<void>((resolve) => (this.notifyWriter = resolve));
    }
    if (this.failure) throw this.failure;
  }

  close(): void {
    this.closed = true;
    this.notifyReader?.();
  }

  /** Ends the iteration with an error (the consumer sees it) and releases a waiting writer. */
  fail(error: Error): void {
    this.failure = error;
    this.closed = true;
    this.notifyReader?.();
    this.notifyWriter?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.failure) throw this.failure;
      const item = this.buffer.shift();
      if (item !== undefined) {
        this.notifyWriter?.();
        yield item;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.notifyReader = resolve));
    }
  }
}
