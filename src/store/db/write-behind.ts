import type { WriterState } from './sqlite-routing-driver.js';

/**
 * The few writes on the request path (a login's session and throttle rows, a session's idle timer)
 * that must not wait for an import holding SQLite's one writer for minutes. While a transaction holds
 * the writer, such a write is queued behind it and the caller goes on; its repository answers from
 * memory what the queued write will store. SQLite is one node by design, so that memory is the whole
 * truth. On PostgreSQL nothing is ever queued.
 *
 * Queued writes wait as functions not yet called and run one after the other, in order: only the first
 * waits for the writer as a started query. Each started early would hold its query, connection and
 * promises for the whole import (about 11 KB each, thousands of them under polling clients). Writes that
 * must come after queued ones (the sweeps of sessions and login counts) go through the queue too.
 */
export class WriteBehind {
  private readonly waiting: Array<() => Promise<unknown>> = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly writer: WriterState) {}

  /** Whether a write now would wait for another transaction's commit. */
  get deferring(): boolean {
    return this.writer.inTransaction;
  }

  /** Writes queued and not yet run. */
  get pending(): number {
    return this.waiting.length;
  }

  /**
   * Runs `write` and waits for it, or, while the writer is held (or earlier writes still wait, which it
   * must follow), queues it and returns at once.
   */
  async run(write: () => Promise<unknown>): Promise<void> {
    if (!this.deferring && !this.draining) {
      await write();
      return;
    }
    this.waiting.push(write);
    this.draining ??= this.drain();
  }

  /** Resolves once every queued write has run (before the database closes). */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      // Nobody waits for a queued write: its failure (the database gone) shows on the next call that needs it.
      for (let write = this.waiting.shift(); write; write = this.waiting.shift())
        await Promise.resolve()
          .then(write)
          .catch(() => undefined);
    } finally {
      this.draining = undefined;
    }
  }
}

/** Writes at once, always: PostgreSQL (no writer to wait for) and repositories used outside a server. */
export const WRITE_NOW = new WriteBehind({ inTransaction: false });
