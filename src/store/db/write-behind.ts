import type { WriterState } from './sqlite-routing-driver.js';

/**
 * The few writes on the request path (a login's session and throttle rows, a session's idle timer)
 * that must not wait for an import holding SQLite's one writer for minutes. While a transaction holds
 * the writer, such a write is queued behind it (the writer's lock is first come, first served, so
 * queued writes keep their order) and the caller goes on; its repository answers from memory what
 * the queued write will store. SQLite is one node by design, so that memory is the whole truth.
 * On PostgreSQL nothing is ever queued.
 */
export class WriteBehind {
  private readonly queued = new Set<Promise<unknown>>();

  constructor(private readonly writer: WriterState) {}

  /** Whether a write now would wait for another transaction's commit. */
  get deferring(): boolean {
    return this.writer.inTransaction;
  }

  /** Runs `write` and waits for it, or, while the writer is held, queues it and returns at once. */
  async run(write: () => Promise<unknown>): Promise<void> {
    if (!this.deferring) {
      await write();
      return;
    }
    // Nobody waits for a queued write: its failure (the database gone) shows on the next call that needs it.
    const done = write()
      .catch(() => undefined)
      .finally(() => this.queued.delete(done));
    this.queued.add(done);
  }

  /** Resolves once every queued write has run (before the database closes). */
  async settled(): Promise<void> {
    while (this.queued.size > 0) await Promise.all(this.queued);
  }
}

/** Writes at once, always: PostgreSQL (no writer to wait for) and repositories used outside a server. */
export const WRITE_NOW = new WriteBehind({ inTransaction: false });
