import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SLICE, MIN_SLICE, TURN_BUDGET_MS, inTurns, nextSliceSize } from '../src/services/turns.js';

async function* pagesOf(count: number, pageSize: number): AsyncGenerator<number[]> {
  for (let at = 0; at < count; at += pageSize) yield Array.from({ length: Math.min(pageSize, count - at) }, (_, i) => at + i);
}

/** Keeps the thread busy, as a synchronous database call does. */
function work(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('work in turns of the event loop', () => {
  it('halves a slice that kept the loop past the budget and doubles one well under it, within bounds', () => {
    assert.equal(nextSliceSize(256, TURN_BUDGET_MS * 2), 128);
    assert.equal(nextSliceSize(256, TURN_BUDGET_MS / 4), 512);
    assert.equal(nextSliceSize(256, TURN_BUDGET_MS * 0.75), 256, 'near the budget: kept');
    assert.equal(nextSliceSize(MIN_SLICE, TURN_BUDGET_MS * 10), MIN_SLICE);
    assert.equal(nextSliceSize(MAX_SLICE, 0), MAX_SLICE);
  });

  it('hands every item over once, in order, with a turn of the loop before each slice', async () => {
    const seen: number[] = [];
    let turns = 0;
    let sliceCount = 0;
    for await (const slice of inTurns(pagesOf(10_000, 2000), true)) {
      // Scheduled during this slice: it runs only if the loop turns before the next one.
      setImmediate(() => {
        turns += 1;
      });
      sliceCount += 1;
      seen.push(...slice);
      assert.equal(turns, sliceCount - 1, 'the loop turned between the slices');
    }
    assert.deepEqual(
      seen,
      Array.from({ length: 10_000 }, (_, i) => i),
    );
  });

  it('shrinks slices while each keeps the loop past the budget, grows them while they cost nothing, and keeps them when not timed', async () => {
    const costly: number[] = [];
    for await (const slice of inTurns(pagesOf(600, 2000), true)) {
      costly.push(slice.length);
      work(TURN_BUDGET_MS * 1.5);
    }
    // 256, 128, 64, 32, 16, 16… (the last slice holds what is left)
    assert.deepEqual(costly.slice(0, 5), [256, 128, 64, 32, 16]);
    assert.ok(
      costly.slice(5, -1).every((n) => n === MIN_SLICE),
      costly.join(' '),
    );

    // Not timed (PostgreSQL): slices keep the first size whatever they cost.
    const fixed: number[] = [];
    for await (const slice of inTurns(pagesOf(1500, 2000), false)) {
      fixed.push(slice.length);
      work(TURN_BUDGET_MS * 1.5);
    }
    assert.deepEqual(fixed, [256, 256, 256, 256, 256, 220]);

    const cheap: number[] = [];
    for await (const slice of inTurns(pagesOf(20_000, 2000), true)) cheap.push(slice.length);
    assert.equal(Math.max(...cheap), 2000, 'cheap slices grow to whole pages (a slice never spans two)');
  });
});
