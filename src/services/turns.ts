import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * How long a job may keep the event loop between two turns. better-sqlite3 is synchronous and a page read ahead
 * resolves at once, so a page's look-up, plan and statements run without a turn: a request that arrives meanwhile
 * waits for them. A login needs two or three turns (its request, the password hash, the answer): issue 16 asks
 * for p99 under 250 ms.
 */
export const TURN_BUDGET_MS = 25;
/** Slice sizes, halved and doubled from the first, stay in this range. */
export const MIN_SLICE = 16;
export const MAX_SLICE = 2048;
const FIRST_SLICE = 256;

/** The size after a slice of `size` kept the loop busy for `busyMs`: halved or doubled towards the budget. */
export function nextSliceSize(size: number, busyMs: number): number {
  if (busyMs > TURN_BUDGET_MS && size > MIN_SLICE) return size / 2;
  if (busyMs < TURN_BUDGET_MS / 2 && size < MAX_SLICE) return size * 2;
  return size;
}

/**
 * The pages cut into slices, each handed over after a turn of the event loop. With a synchronous database
 * (`timed`: better-sqlite3), a slice's size follows the time the caller kept the loop for the one before, so
 * slices shrink when objects get costly (a million-object project, a busy machine) and grow where they are cheap.
 * With one that answers asynchronously (PostgreSQL) they stay at the first size: each statement awaited turns the
 * loop already, and the time a slice takes counts the requests served in those turns.
 */
export async function* inTurns<T>(pages: AsyncIterable<T[]>, timed: boolean): AsyncGenerator<T[]> {
  let size = FIRST_SLICE;
  for await (const page of pages) {
    for (let at = 0; at < page.length; ) {
      await nextTurn();
      const slice = page.slice(at, at + size);
      at += slice.length;
      const before = timed ? performance.eventLoopUtilization() : undefined;
      yield slice;
      if (!before) continue;
      // A page's short last slice may shrink the next one, never grow it (its fixed costs weigh more per object).
      const busy = performance.eventLoopUtilization(before).active;
      if (slice.length === size || busy > TURN_BUDGET_MS) size = nextSliceSize(size, busy);
    }
  }
}
