import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readAhead } from '../src/services/read-ahead.js';

/** A source of pages that says when it was stopped (its finally ran), and how many pages it made. */
function source(pages: number) {
  let made = 0;
  let markStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  async function* generate() {
    try {
      for (let i = 0; i < pages; i++) {
        made += 1;
        yield [i];
      }
    } finally {
      markStopped();
    }
  }
  return { pages: generate(), stopped, made: () => made };
}

describe('readAhead', () => {
  it('hands every page over in order, one read ahead', async () => {
    const s = source(5);
    const seen: number[][] = [];
    for await (const page of readAhead(s.pages)) {
      seen.push(page);
      assert.ok(s.made() <= seen.length + 1, 'never more than one page ahead');
    }
    assert.deepEqual(seen, [[0], [1], [2], [3], [4]]);
  });

  it('stops its source when the caller stops early or fails (a package reader then closes)', async () => {
    const broken = source(100);
    await assert.rejects(
      (async () => {
        for await (const _page of readAhead(broken.pages)) throw new Error('the database went away');
      })(),
      /the database went away/,
    );
    await broken.stopped;

    const left = source(100);
    for await (const page of readAhead(left.pages)) if (page[0] === 2) break;
    await left.stopped;
    assert.ok(left.made() < 100);
  });
});
